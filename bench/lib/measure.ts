/**
 * Side-by-side measurement: every round runs each side once, the order alternating between rounds
 * so that drift (JIT warm-up, GC, a busy neighbour) lands on both sides alike. A figure is the
 * median over rounds; a ratio is the median of the per-round ratios, each taken between two
 * measurements made next to each other.
 */
export type Sides<K extends string> = Record<K, () => Promise<number>>;

export interface RoundsOptions {
  rounds: number;
  /** Rounds run first and thrown away (JIT warm-up, connection set-up). */
  warmup?: number;
  /** Called after each kept round, e.g. to print progress. */
  onRound?: (round: number, values: Record<string, number>) => void;
}

export async function interleaved<K extends string>(sides: Sides<K>, options: RoundsOptions): Promise<Record<K, number[]>> {
  const names = Object.keys(sides) as K[];
  const results = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<K, number[]>;
  const warmup = options.warmup ?? 1;
  for (let round = 0; round < warmup + options.rounds; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    const values = {} as Record<K, number>;
    for (const name of order) values[name] = await sides[name]();
    if (round < warmup) continue;
    for (const name of names) results[name].push(values[name]);
    options.onRound?.(round - warmup + 1, values);
  }
  return results;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The median of `numerator[i] / denominator[i]` over rounds. */
export function medianRatio(numerator: readonly number[], denominator: readonly number[]): number {
  return median(numerator.map((value, index) => value / denominator[index]!));
}

/** Nanoseconds per call of `body` run `count` times in sequence (awaited one by one). */
export async function nsPerCall(count: number, body: (index: number) => Promise<unknown> | unknown): Promise<number> {
  const start = process.hrtime.bigint();
  for (let index = 0; index < count; index++) await body(index);
  return Number(process.hrtime.bigint() - start) / count;
}

/** Calls per second of `body` run `count` times in sequence. */
export async function callsPerSecond(count: number, body: (index: number) => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  for (let index = 0; index < count; index++) await body(index);
  return count / (Number(process.hrtime.bigint() - start) / 1e9);
}

/**
 * Each side's call times in nanoseconds, the sides taking turns call by call (the order rotating
 * each call), so that a slow phase of the system under test (a GC pause, a JIT warming up) falls on
 * every side alike. Each side runs `count` calls; `index` is the call's number on its side.
 */
export async function alternatingTimes<K extends string>(count: number, sides: Record<K, (index: number) => Promise<unknown>>): Promise<Record<K, number[]>> {
  const names = Object.keys(sides) as K[];
  const times = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<K, number[]>;
  for (let index = 0; index < count; index++) {
    for (let turn = 0; turn < names.length; turn++) {
      const name = names[(index + turn) % names.length]!;
      const start = process.hrtime.bigint();
      await sides[name](index);
      times[name].push(Number(process.hrtime.bigint() - start));
    }
  }
  return times;
}

/** Calls per second of each side over all its calls (see alternatingTimes). */
export async function alternatingRates<K extends string>(count: number, sides: Record<K, (index: number) => Promise<unknown>>): Promise<Record<K, number>> {
  const times = await alternatingTimes(count, sides);
  return mapSides(times, (nanos) => count / (nanos.reduce((sum, value) => sum + value, 0) / 1e9));
}

/**
 * Calls per second of each side from its median call time (see alternatingTimes): a pause of the
 * system under test that lands on one call (the emulator's garbage collector) moves the figure no
 * more than any other call does, whichever side it fell on.
 */
export async function alternatingMedianRates<K extends string>(count: number, sides: Record<K, (index: number) => Promise<unknown>>): Promise<Record<K, number>> {
  const times = await alternatingTimes(count, sides);
  return mapSides(times, (nanos) => 1e9 / median(nanos));
}

function mapSides<K extends string>(times: Record<K, number[]>, figure: (nanos: number[]) => number): Record<K, number> {
  return Object.fromEntries((Object.keys(times) as K[]).map((name) => [name, figure(times[name])])) as Record<K, number>;
}

/** Runs `round` `rounds` times after `warmup` discarded runs and collects each figure per round. */
export async function rounds<K extends string>(
  options: RoundsOptions,
  round: () => Promise<Record<K, number>>,
): Promise<Record<K, number[]>> {
  const results = {} as Record<K, number[]>;
  const warmup = options.warmup ?? 1;
  for (let index = 0; index < warmup + options.rounds; index++) {
    const values = await round();
    if (index < warmup) continue;
    for (const [name, value] of Object.entries(values) as [K, number][]) (results[name] ??= []).push(value);
    options.onRound?.(index - warmup + 1, values);
  }
  return results;
}
