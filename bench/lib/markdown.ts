/** docs/benchmarks.md: the run's date, machine and versions, the table, and what each row measured. */
import type { MachineInfo } from "./machine.js";
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

export function benchmarksDocument(options: { date: Date; durationSeconds: number; machine: MachineInfo; rows: readonly Row[]; costDetail: readonly string[] }): string {
  const { machine } = options;
  return [
    "# Benchmarks",
    "",
    `Written by \`npm run bench\` on ${options.date.toISOString().slice(0, 16).replace("T", " ")} UTC (the run took ${Math.round(options.durationSeconds)} s). Do not edit by hand: run it again.`,
    "",
    "Every figure is a ratio of two things measured side by side in the same run: the sides take turns, round by round with the order alternating (B1, B5) or call by call (B2, B3), for several rounds after a warm-up; the quoted figure is the median over rounds and a ratio is the median of the per-round ratios. B6 compares a measured size with the 64 KiB budget, B7 is computed from measured inputs and list prices, and B9 states the viewer's first-screen time against its one-second target, beside the same page over a nearly empty collection. The emulator figures (B2, B3, B5) are what this machine's local stack does, not production latencies.",
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
    "## B7: the cost model",
    "",
    ...options.costDetail,
    "",
    "## Running it",
    "",
    "`npm run bench` builds, starts the local stack (see the README), runs `bench/run.ts` against it and stops it; it takes a few minutes on 2 cores. Only one stack can run at a time (the ports are pinned in firebase.json).",
    "",
  ].join("\n");
}
