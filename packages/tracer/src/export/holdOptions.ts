import { MAX_TIMER_MS } from "./batchOptions.js";

/** How many sampled-out successes a tracer holds for negative feedback, and for how long (see HeldRuns). */
export interface HoldOptions {
  /** Runs held at most; beyond it the oldest goes first. */
  maxRuns: number;
  /** How long a run is held after it ended (or after the server answered that it sampled it out). */
  maxAgeMs: number;
}

/** The options with the platform's defaults filled in, `undefined` when holding is off (`false` or `maxRuns: 0`), or a RangeError naming the bad one. */
export function resolveHoldOptions(options: Partial<HoldOptions> | false | undefined, defaults: HoldOptions): HoldOptions | undefined {
  if (options === false) return undefined;
  const resolved: HoldOptions = { maxRuns: options?.maxRuns ?? defaults.maxRuns, maxAgeMs: options?.maxAgeMs ?? defaults.maxAgeMs };
  if (!Number.isInteger(resolved.maxRuns) || resolved.maxRuns < 0) throw new RangeError(`holdSampledOut.maxRuns must be an integer >= 0, got ${resolved.maxRuns}`);
  if (!(resolved.maxAgeMs >= 0 && resolved.maxAgeMs <= MAX_TIMER_MS)) throw new RangeError(`holdSampledOut.maxAgeMs must be a number from 0 to ${MAX_TIMER_MS}, got ${resolved.maxAgeMs}`);
  return resolved.maxRuns === 0 || resolved.maxAgeMs === 0 ? undefined : resolved;
}
