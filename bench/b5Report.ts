/**
 * B5: the error report over a window with 1,000 stored successes against the same window with 20,000,
 * the failures identical. Each side lives in its own named database of the same Firestore emulator,
 * seeded once; the reports (buildErrorReport, the code the scheduled function runs) are interleaved.
 */
import { randomTraceId, sanitizeTrace } from "@agent-traces/core";
import { traceSchema } from "../packages/core/src/schema.js";
import { buildErrorReport, buildReportQuery, toTraceDocument, TRACES_COLLECTION, type TraceErrorReport } from "@agent-traces/admin";
import type { Firestore } from "firebase-admin/firestore";
import { functionsEnv, recordTraceConfig } from "./lib/config.js";
import { interleaved, median, medianRatio } from "./lib/measure.js";
import { formatNumber, formatRatio, type Row } from "./lib/row.js";
import { adminDb, clearDatabase } from "./lib/stack.js";
import { realisticTrace, seededRandom } from "./lib/traces.js";

const ROUNDS = 5;
const TIME_TARGET = 1.5;
const WINDOW = { start: new Date("2025-03-03T10:00:00Z"), end: new Date("2025-03-03T11:00:00Z") };
/** A window with no trace on either side: a count() there reads no index entry in production. */
const EMPTY_WINDOW = { start: new Date("2025-03-02T10:00:00Z"), end: new Date("2025-03-02T11:00:00Z") };
const ERRORS = 150;
const TIMEOUTS = 50;
const SIDES = { small: { database: "bench-report-1k", successes: 1_000 }, large: { database: "bench-report-20k", successes: 20_000 } } as const;

/** Stores the window's traces as recordTrace would, with a BulkWriter (throttling off: emulator only). */
async function seed(db: Firestore, successes: number, sampleRate: number, ttlDays: number): Promise<void> {
  const writer = db.bulkWriter({ throttling: false });
  const collection = db.collection(TRACES_COLLECTION);
  const span = WINDOW.end.getTime() - WINDOW.start.getTime() - 120_000;
  const store = (random: () => number, status: "success" | "error" | "timeout", index: number, count: number) => {
    const startedAt = new Date(WINDOW.start.getTime() + Math.floor((index / count) * span));
    const trace = sanitizeTrace(traceSchema.parse(realisticTrace(random, { traceId: randomTraceId(), status, startedAt })));
    const document = toTraceDocument(trace, { recordedBy: "bench-seed", receivedAt: startedAt, ttlDays, sampleRate });
    void writer.create(collection.doc(document.trace_id), { ...document, committed_at: document.received_at });
  };
  // The same seed for the failures on both sides: identical failed runs, ids aside.
  const failures = seededRandom(55);
  for (let index = 0; index < ERRORS; index++) store(failures, "error", index, ERRORS);
  for (let index = 0; index < TIMEOUTS; index++) store(failures, "timeout", index, TIMEOUTS);
  const random = seededRandom(56);
  for (let index = 0; index < successes; index++) store(random, "success", index, successes);
  await writer.close();
}

export async function benchReport(log: (line: string) => void): Promise<Row> {
  const config = recordTraceConfig();
  const maxFailuresRead = Number(functionsEnv().REPORT_MAX_FAILURES_READ ?? 2000);
  const databases = { small: adminDb(SIDES.small.database), large: adminDb(SIDES.large.database) };
  const seedStart = performance.now();
  for (const side of ["small", "large"] as const) {
    await clearDatabase(SIDES[side].database);
    await seed(databases[side], SIDES[side].successes, config.sampleRate, config.ttlDays);
  }
  log(`  B5 seeded ${SIDES.small.successes + SIDES.large.successes + 2 * (ERRORS + TIMEOUTS)} traces in ${formatNumber((performance.now() - seedStart) / 1000, 1)} s`);

  const reports: Record<"small" | "large", TraceErrorReport[]> = { small: [], large: [] };
  const control: Record<"small" | "large", number[]> = { small: [], large: [] };
  const side = (name: "small" | "large") => async () => {
    const start = performance.now();
    reports[name].push(await buildErrorReport(databases[name], { window: WINDOW, maxFailuresRead }));
    const elapsed = performance.now() - start;
    // The control: one count() over an empty window of the same database, timed right after.
    const controlStart = performance.now();
    await buildReportQuery(databases[name], EMPTY_WINDOW, { kind: "count", status: "error" }).count().get();
    control[name].push(performance.now() - controlStart);
    return elapsed;
  };
  const results = await interleaved(
    { small: side("small"), large: side("large") },
    { rounds: ROUNDS, warmup: 1, onRound: (round, values) => log(`  B5 round ${round}: 1k successes ${values.small!.toFixed(0)} ms, 20k successes ${values.large!.toFixed(0)} ms`) },
  );
  const last = { small: reports.small.at(-1)!, large: reports.large.at(-1)! };
  for (const name of ["small", "large"] as const) {
    const report = last[name];
    if (report.failures !== ERRORS + TIMEOUTS || report.estimate.stored_successes !== SIDES[name].successes) {
      throw new Error(`B5: the ${name} report counted ${report.failures} failures and ${report.estimate.stored_successes} successes`);
    }
  }
  for (const name of ["small", "large"] as const) await clearDatabase(SIDES[name].database);

  const timeRatio = medianRatio(results.large, results.small);
  const controlRatio = medianRatio(control.large, control.small);
  const readsEqual = last.small.documents_read === last.large.documents_read;
  const aggregationReads = (report: TraceErrorReport) => report.aggregation_queries; // at least one read each, one per 1,000 index entries counted
  return {
    id: "B5",
    name: "Error report: 20,000 vs 1,000 stored successes (same failures)",
    ours: `${formatNumber(median(results.large))} ms, ${last.large.documents_read} docs read`,
    anchor: `${formatNumber(median(results.small))} ms, ${last.small.documents_read} docs read`,
    ratio: `${formatRatio(timeRatio)} time, ${formatRatio(last.large.documents_read / last.small.documents_read)} docs`,
    target: `docs equal, time <= ${TIME_TARGET}x`,
    met: readsEqual && timeRatio <= TIME_TARGET,
    notes: [
      `\`buildErrorReport\` (what reportTraceErrors runs) for the window ${WINDOW.start.toISOString()} to ${WINDOW.end.toISOString()}, which holds ${ERRORS} errors and ${TIMEOUTS} timeouts (identical on both sides) plus ${SIDES.small.successes.toLocaleString("en-US")} or ${SIDES.large.successes.toLocaleString("en-US")} stored successes (realistic documents, sample rate ${config.sampleRate}); each side in its own named database of the emulator, seeded once with a BulkWriter.`,
      `Documents read one by one are the failures only (${last.large.documents_read} on both sides, cap ${maxFailuresRead}); successes are counted with ${aggregationReads(last.large)} count() aggregations per report on each side, which Firestore bills at one read per 1,000 index entries matched (about ${Math.ceil(SIDES.large.successes / 1000)} reads instead of 1 for the success count at 20,000).`,
      `Estimated runs: ${formatNumber(last.small.estimated_runs ?? 0)} vs ${formatNumber(last.large.estimated_runs ?? 0)}. ${ROUNDS} rounds after a warm-up, interleaved.`,
      `Control, timed right after each report: one count() of errors over an empty window takes ${formatNumber(median(control.large))} ms with 20,000 successes stored vs ${formatNumber(median(control.small))} ms with 1,000 (${formatRatio(controlRatio)}), although it matches nothing on either side. The emulator scans the whole collection for every query instead of reading an index range, so every query of the report (7: the failures, then errors, timeouts and successes counted for the window and the one before) slows down with the successes stored; the report's time relative to that control is ${formatRatio(timeRatio / controlRatio)}. In production each query reads only its own range of the (status, committed_at) or (status, committed_at, weight) index, and only the success count and weight sum grow with successes.`,
    ],
  };
}
