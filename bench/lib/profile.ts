/**
 * Where CPU time goes, by stage: a V8 CPU profile of `body` (node:inspector, the same sampler as
 * `node --cpu-prof`), each sample's time given to the stage of the nearest frame on its stack whose
 * script is one this file knows (frames without one, such as a RegExp or JSON builtin, count for
 * the code that called them).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { fileURLToPath } from "node:url";
import type { Profiler } from "node:inspector";

export type CpuProfile = Profiler.Profile;

/** One stage: a name, and how to recognise its code by script URL (and, optionally, function name). */
export interface Stage {
  name: string;
  /** Whether it is our code (what the benchmark's row accounts for), not a library's or the runtime's. */
  ours: boolean;
  matches: (url: string, functionName: string) => boolean;
}

export interface StageTime {
  name: string;
  ours: boolean;
  /** CPU milliseconds spent in the stage's code (and the builtins it called) over the profile. */
  ms: number;
}

export interface StageBreakdown {
  /** Wall-clock milliseconds the profile covers. */
  wallMs: number;
  /** Milliseconds the thread was idle (waiting for I/O: here, the emulator). */
  idleMs: number;
  /** The stages, in the order given, then "other" (code no stage names) and "Node.js and GC". */
  stages: StageTime[];
}

/** Microseconds between samples: 100 µs, ten times V8's default, for short bodies. */
const SAMPLING_INTERVAL_US = 100;

/** Runs `body` under the V8 CPU profiler of this process and returns its result and the profile. */
export async function profileCpu<T>(body: () => Promise<T>): Promise<{ result: T; profile: CpuProfile }> {
  const session = new Session();
  session.connect();
  try {
    await session.post("Profiler.enable");
    await session.post("Profiler.setSamplingInterval", { interval: SAMPLING_INTERVAL_US });
    await session.post("Profiler.start");
    const outcome = await body().then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    const { profile } = await session.post("Profiler.stop");
    if (!outcome.ok) throw outcome.error;
    return { result: outcome.value, profile };
  } finally {
    session.disconnect();
  }
}

const NODE_AND_GC = "Node.js and GC";
const OTHER = "other (code no stage names)";
const IDLE = "(idle)";

/** Splits a profile's samples among `stages` (the first that matches a frame wins). */
export function stageBreakdown(profile: CpuProfile, stages: readonly Stage[]): StageBreakdown {
  const parentOf = new Map<number, number>();
  const byId = new Map<number, Profiler.ProfileNode>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parentOf.set(child, node.id);
  }
  const stageOfNode = new Map<number, string>();
  const stageOf = (id: number): string => {
    const known = stageOfNode.get(id);
    if (known !== undefined) return known;
    const { url, functionName } = byId.get(id)!.callFrame;
    let stage: string | undefined;
    if (functionName === "(idle)") stage = IDLE;
    else if (functionName === "(root)" || functionName === "(garbage collector)" || functionName === "(program)") stage = NODE_AND_GC;
    else if (url) stage = stages.find((candidate) => candidate.matches(url, functionName))?.name ?? (isNodeInternal(url) ? undefined : OTHER);
    if (stage === undefined) {
      // A builtin or Node internal: the caller's stage, or Node's own when no caller is known.
      const parent = parentOf.get(id);
      stage = parent === undefined ? NODE_AND_GC : stageOf(parent);
    }
    stageOfNode.set(id, stage);
    return stage;
  };
  const totals = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // timeDeltas[i] is the time between sample i - 1 and sample i: a sample stands for the time until the next one (the last, until the end).
  const lastAt = profile.startTime + deltas.reduce((sum, delta) => sum + delta, 0);
  for (let index = 0; index < samples.length; index++) {
    const us = index + 1 < samples.length ? deltas[index + 1]! : Math.max(0, profile.endTime - lastAt);
    const stage = stageOf(samples[index]!);
    totals.set(stage, (totals.get(stage) ?? 0) + us);
  }
  const ms = (name: string) => (totals.get(name) ?? 0) / 1000;
  return {
    wallMs: (profile.endTime - profile.startTime) / 1000,
    idleMs: ms(IDLE),
    stages: [...stages.map(({ name, ours }) => ({ name, ours, ms: ms(name) })), { name: OTHER, ours: false, ms: ms(OTHER) }, { name: NODE_AND_GC, ours: false, ms: ms(NODE_AND_GC) }],
  };
}

function isNodeInternal(url: string): boolean {
  return url.startsWith("node:") || !url.includes("/");
}

/** A stage recognised by a path fragment of its scripts' URLs (any of `fragments`). */
export function byPath(name: string, ours: boolean, fragments: readonly string[]): Stage {
  return { name, ours, matches: (url) => fragments.some((fragment) => url.includes(fragment)) };
}

/** Milliseconds in Node.js itself and its garbage collector (no JavaScript frame of anyone's). */
export function nodeAndGcMs(breakdown: StageBreakdown): number {
  return breakdown.stages.find((stage) => stage.name === NODE_AND_GC)?.ms ?? 0;
}

/** CPU milliseconds of our own stages. */
export function oursMs(breakdown: StageBreakdown): number {
  return breakdown.stages.filter((stage) => stage.ours).reduce((sum, stage) => sum + stage.ms, 0);
}

const PROFILES_DIR = fileURLToPath(new URL("../profiles/", import.meta.url));

/** Writes `profile` to bench/profiles/{name}.cpuprofile (not committed), which Chrome DevTools opens. */
export function writeProfile(name: string, profile: CpuProfile): string {
  mkdirSync(PROFILES_DIR, { recursive: true });
  const path = `${PROFILES_DIR}${name}.cpuprofile`;
  writeFileSync(path, JSON.stringify(profile));
  return path;
}
