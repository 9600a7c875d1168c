/** docs/benchmarks.md: the run's date, machine and versions, the table, and what each row measured. */
import type { MachineInfo } from "./machine.js";
import type { StageBreakdown } from "./profile.js";
import type { Row } from "./row.js";

const escape = (text: string) => text.replace(/\|/g, "\\|");

export function resultsTable(rows: readonly Row[]): string {
  const verdict = (met: boolean | null) => (met === null ? "—" : met ? "met" : "**not met**");
  return [
    "| # | benchmark | ours | anchor | ratio | target | met |",
    "| --- | --- | ---: | ---: | ---: | --- | --- |",
    ...rows.map((row) => `| ${row.id} | ${escape(row.name)} | ${escape(row.ours)} | ${escape(row.anchor)} | ${escape(row.ratio)} | ${escape(row.target)} | ${verdict(row.met)} |`),
  ].join("\n");
}

/** B2a's profile: per stage, CPU milliseconds per stored batch and the share of the batch's time. */
export function handlerProfileTable(profile: StageBreakdown & { batches: number }): string[] {
  const perBatch = (ms: number) => (ms / profile.batches).toFixed(2);
  const share = (ms: number) => `${((100 * ms) / profile.wallMs).toFixed(1)}%`;
  const busy = profile.stages.reduce((sum, stage) => sum + stage.ms, 0);
  return [
    "| stage | ours | ms per batch | share of the batch's time |",
    "| --- | --- | ---: | ---: |",
    ...profile.stages.map((stage) => `| ${escape(stage.name)} | ${stage.ours ? "yes" : "no"} | ${perBatch(stage.ms)} | ${share(stage.ms)} |`),
    `| waiting for the emulator (idle) | no | ${perBatch(profile.idleMs)} | ${share(profile.idleMs)} |`,
    `| **the batch, wall clock** | | **${perBatch(profile.wallMs)}** | 100% (CPU ${share(busy)}) |`,
  ];
}

export function benchmarksDocument(options: {
  date: Date;
  durationSeconds: number;
  machine: MachineInfo;
  rows: readonly Row[];
  costDetail: readonly string[];
  handlerProfile?: (StageBreakdown & { batches: number }) | undefined;
}): string {
  const { machine } = options;
  return [
    "# Benchmarks",
    "",
    `Written by \`npm run bench\` on ${options.date.toISOString().slice(0, 16).replace("T", " ")} UTC (the run took ${Math.round(options.durationSeconds)} s). Do not edit by hand: run it again.`,
    "",
    "Every figure is a ratio of two things measured side by side in the same run: the sides take turns, round by round with the order alternating (B1, B5) or call by call (B2, B3, B4), for several rounds after a warm-up; the quoted figure is the median over rounds (B2 and B4 take each side's median call in a round, B3 its mean) and a ratio is the median of the per-round ratios. B6 compares a measured size with the 64 KiB budget, B7 is computed from measured inputs and list prices, and B9 states the viewer's first-screen time against its one-second target, beside the same page over a nearly empty collection. The emulator figures (B2, B3, B4, B5, B8) are what this machine's local stack does, not production latencies.",
    "",
    "## Machine",
    "",
    `- CPU: ${machine.cpu}, ${machine.cores} cores; memory ${machine.memoryGiB.toFixed(1)} GiB; ${machine.os}`,
    `- Node ${machine.node}; ${machine.java ?? "no Java"}; Firestore: ${machine.firestoreEmulator}`,
    `- Commit ${machine.commit}`,
    "",
    "| package | version |",
    "| --- | --- |",
    ...machine.packages.map(([name, version]) => `| ${name} | ${version} |`),
    "",
    "## Results",
    "",
    resultsTable(options.rows),
    "",
    "## What each row measured",
    "",
    ...options.rows.flatMap((row) => [`**${row.id}. ${row.name}.** ${row.notes.join(" ")}`, ""]),
    ...(options.handlerProfile
      ? [
          "## B2a: where a stored batch's time goes",
          "",
          `${options.handlerProfile.batches} batches of 50 stored traces through \`handleRecordTrace\` in the benchmark's process, under V8's sampling profiler (node:inspector, as \`node --cpu-prof\`; bench/lib/profile.ts). A sample counts for the stage of the nearest frame on its stack that a stage names (bench/handlerStages.ts), so a builtin (a RegExp, JSON) counts for the code that called it. The profile is also written to \`bench/profiles/recordTrace-batch.cpuprofile\` (not committed) for Chrome DevTools.`,
          "",
          ...handlerProfileTable(options.handlerProfile),
          "",
        ]
      : []),
    "## B7: the cost model",
    "",
    ...options.costDetail,
    "",
    "## Running it",
    "",
    "`npm run bench` builds, starts the local stack (see the README), runs `bench/run.ts` against it and stops it; it takes a few minutes on 2 cores. `BENCH_ONLY=B2,B4 npm run bench` runs only the benchmarks named and prints their rows, leaving this file as it is. B2's CPU profile is written to `bench/profiles/recordTrace-batch.cpuprofile` (open it in Chrome DevTools' Performance panel). Only one stack can run at a time (the ports are pinned in firebase.json).",
    "",
  ].join("\n");
}
