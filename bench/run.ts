/**
 * `npm run bench`: runs the benchmarks against the local stack (started by scripts/stack.ts exec),
 * prints the table and writes docs/benchmarks.md. See docs/benchmarks.md for what each row measures.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { benchTracer } from "./b1Tracer.js";
import type { RealisticSizes } from "./b6Size.js";
import { machineInfo } from "./lib/machine.js";
import type { HandlerBench } from "./b2Handler.js";
import { benchmarksDocument, handlerProfileTable, resultsTable } from "./lib/markdown.js";
import type { Row } from "./lib/row.js";
import { oursMs } from "./lib/profile.js";
import { missingStackVariables } from "./lib/stack.js";

const OUTPUT = fileURLToPath(new URL("../docs/benchmarks.md", import.meta.url));
const log = (line: string) => console.log(line);

function failedRow(id: string, name: string, error: unknown): Row {
  const full = error instanceof Error ? error.message : String(error);
  const message = full.length > 300 ? `${full.slice(0, 300)}…` : full;
  return { id, name, ours: "failed", anchor: "—", ratio: "—", target: "—", met: false, notes: [`The benchmark failed: ${message}`] };
}

async function attempt<T>(id: string, name: string, body: () => Promise<T>, fallback: (row: Row) => T): Promise<T> {
  const start = performance.now();
  log(`${id}: ${name}…`);
  try {
    const result = await body();
    log(`${id} done in ${((performance.now() - start) / 1000).toFixed(1)} s`);
    return result;
  } catch (error) {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    console.error(`${id} failed: ${text.length > 2000 ? `${text.slice(0, 2000)}…` : text}`);
    return fallback(failedRow(id, name, error));
  }
}

async function main(): Promise<number> {
  const missing = missingStackVariables();
  if (missing.length > 0) {
    console.error(`The benchmarks need the local stack (${missing.join(", ")} unset): run \`npm run bench\`, which starts it.`);
    return 2;
  }
  // Beside the emulators, never on Google Cloud: skip google-auth's metadata-server probe.
  process.env.METADATA_SERVER_DETECTION ??= "none";
  const started = new Date();
  const rows: Row[] = [];
  const single = (row: Row) => [row];
  // BENCH_ONLY=B2,B4: run those alone and print them, leaving docs/benchmarks.md as it is.
  const only = process.env.BENCH_ONLY?.split(",").map((id) => id.trim().toUpperCase());
  const runs = (id: string) => !only || only.includes(id);
  let handlerProfile: HandlerBench["profile"] | undefined;

  // B1 first: CPU only, while the emulators are idle.
  if (runs("B1")) rows.push(...(await attempt("B1", "tracer capture vs OpenTelemetry", async () => single(await benchTracer(log)), single)));
  if (runs("B11")) {
    const { benchInstrumentation } = await import("./b11Instrumentation.js");
    rows.push(...(await attempt("B11", "a tool call through the span processor", async () => single(await benchInstrumentation(log)), single)));
  }
  if (runs("B2")) {
    const { benchHandler } = await import("./b2Handler.js");
    const handler = await attempt<Partial<HandlerBench> & { rows: Row[] }>("B2", "handler vs raw batched commit", () => benchHandler(log), (row) => ({ rows: [row] }));
    rows.push(...handler.rows);
    handlerProfile = handler.profile;
  }
  if (runs("B3")) {
    const { benchCallable } = await import("./b3Callable.js");
    rows.push(...(await attempt("B3", "recordTrace vs a no-op callable", async () => single(await benchCallable(log)), single)));
  }
  if (runs("B4")) {
    const { benchBatching } = await import("./b4Batching.js");
    rows.push(...(await attempt("B4", "a batch call vs a raw batched commit", async () => single(await benchBatching(log, handlerProfile && oursMs(handlerProfile) / handlerProfile.batches)), single)));
  }
  if (runs("B5")) {
    const { benchReport } = await import("./b5Report.js");
    rows.push(...(await attempt("B5", "report scaling", async () => single(await benchReport(log)), single)));
  }
  let costDetail: string[] = ["Not computed: B6 did not measure the document sizes it needs."];
  if (runs("B6") || runs("B7")) {
    const { benchDocumentSize } = await import("./b6Size.js");
    const sizes = await attempt<{ row: Row; realistic?: RealisticSizes }>("B6", "document size", () => benchDocumentSize(log), (row) => ({ row }));
    rows.push(sizes.row);
    if (sizes.realistic) {
      const { benchCost } = await import("./b7Cost.js");
      const cost = await attempt<{ row: Row; detail?: string[] }>("B7", "cost model", () => benchCost(sizes.realistic!, log), (row) => ({ row }));
      rows.push(cost.row);
      if (cost.detail) costDetail = cost.detail;
    } else {
      rows.push(failedRow("B7", "Cost per million runs", new Error("B6 failed")));
    }
  }
  if (runs("B10")) {
    const { benchBrowserSize } = await import("./b10BrowserSize.js");
    rows.push(...(await attempt("B10", "the tracer's browser bundle size", async () => single(await benchBrowserSize(log)), single)));
  }
  if (runs("B9")) {
    const { benchViewer } = await import("./b9Viewer.js");
    rows.push(...(await attempt("B9", "the viewer's first screen", async () => single(await benchViewer(log)), single)));
  }
  // Last: the one-call-per-run side of the burst leaves the functions emulator with many workers.
  if (runs("B8")) {
    const { benchBurst } = await import("./b8Burst.js");
    rows.push(...(await attempt("B8", "a burst of 500 concurrent traced runs", async () => single(await benchBurst(log)), single)));
  }

  rows.sort((a, b) => a.id.localeCompare(b.id, "en", { numeric: true })); // run out of order (B8 last), shown in order
  const durationSeconds = (Date.now() - started.getTime()) / 1000;
  if (handlerProfile) console.log(`\n${handlerProfileTable(handlerProfile).join("\n")}`);
  if (only) {
    console.log(`\n${resultsTable(rows)}\n\n${only.join(", ")} only (BENCH_ONLY): docs/benchmarks.md left as it is (${Math.round(durationSeconds)} s).`);
  } else {
    writeFileSync(OUTPUT, benchmarksDocument({ date: started, durationSeconds, machine: machineInfo(), rows, costDetail, handlerProfile }));
    console.log(`\n${resultsTable(rows)}\n\nWritten to docs/benchmarks.md (${Math.round(durationSeconds)} s).`);
  }
  return rows.some((row) => row.ours === "failed") ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
