/**
 * B4: a batch call of `recordTrace` (50 traces, as the tracer sends them) through the functions
 * emulator with the real Firebase JS SDK, against one raw batched commit of the same 50 documents from
 * firebase-admin to the same emulator: how near a call comes to the local storage limit. A control
 * call to `benchNoop` (a callable that does nothing, bench/noopCallable) with the same payload
 * measures what the call's transport costs before any of our code runs.
 */
import { httpsCallable } from "firebase/functions";
import { randomTraceId, sanitizeTrace, type RecordTraceBatchResult } from "@agent-traces/core";
import { createTraceDocuments, toTraceDocument } from "@agent-traces/admin";
import { clientSession } from "../test/integration/support/emulators.js";
import { BATCH } from "./b2Handler.js";
import { alternatingMedianRates, median, medianRatio, rounds } from "./lib/measure.js";
import { formatNumber, formatRatio, type Row } from "./lib/row.js";
import { adminDb, clearDatabase, newAnonymousCaller } from "./lib/stack.js";
import { asSent, realisticTrace, seededRandom } from "./lib/traces.js";

/** 10 batches of 50 per round and caller: within the demo's limit of 600 traces a minute per caller. */
const CALLS_PER_ROUND = 10;
const ROUNDS = 9;
const WARMUP_ROUNDS = 2;
const TARGET = 0.6;

export async function benchBatching(log: (line: string) => void, handlerCpuMsPerBatch?: number): Promise<Row> {
  await clearDatabase();
  const random = seededRandom(4);
  const startedAt = new Date(Date.now() - 3_600_000);
  const traces = () => Array.from({ length: BATCH }, () => asSent(realisticTrace(random, { traceId: randomTraceId(), status: "error", startedAt })));
  const db = adminDb();
  const documents = () => traces().map((trace) => toTraceDocument(sanitizeTrace(trace), { recordedBy: "bench", receivedAt: new Date(), ttlDays: 7, sampleRate: 1 }));
  const session = await clientSession();
  try {
    const recordTrace = httpsCallable(session.functions, "recordTrace");
    const benchNoop = httpsCallable(session.functions, "benchNoop");
    try {
      await benchNoop({});
    } catch (error) {
      throw new Error(`B4: the benchNoop callable is not reachable (${(error as Error).message}); was the stack started with --bench (npm run bench)?`, { cause: error });
    }
    let unexpected = 0;
    /** One round: the three sides take turns call by call, each with fresh traces (all failed runs, so all stored). */
    const round = async () => {
      await newAnonymousCaller(session.auth);
      const batches = Array.from({ length: CALLS_PER_ROUND }, traces);
      const noopBatches = Array.from({ length: CALLS_PER_ROUND }, traces);
      const rawBatches = Array.from({ length: CALLS_PER_ROUND }, documents);
      const rates = await alternatingMedianRates(CALLS_PER_ROUND, {
        call: async (index) => {
          const { data } = await recordTrace({ traces: batches[index], sample_rate: 1 });
          unexpected += (data as RecordTraceBatchResult).results.filter((result) => !("stored" in result && result.stored)).length;
        },
        noop: (index) => benchNoop({ traces: noopBatches[index], sample_rate: 1 }),
        raw: (index) => createTraceDocuments(db, rawBatches[index]!),
      });
      return { call: rates.call * BATCH, noop: rates.noop * BATCH, raw: rates.raw * BATCH };
    };
    const results = await rounds(
      {
        rounds: ROUNDS,
        warmup: WARMUP_ROUNDS,
        onRound: (index, values) =>
          log(`  B4 round ${index}: batch call ${values.call!.toFixed(0)} traces/s, raw commit ${values.raw!.toFixed(0)} documents/s, no-op call with the same payload ${values.noop!.toFixed(0)} traces/s`),
      },
      round,
    );
    if (unexpected > 0) throw new Error(`B4: ${unexpected} traces were not stored`);
    const ratio = medianRatio(results.call, results.raw);
    // Per round: each side's median call time; the ceiling and what is left computed within a round, then their median over rounds.
    const ms = (rates: number[]) => rates.map((rate) => (1000 * BATCH) / rate);
    const [callMs, noopMs, rawMs] = [ms(results.call), ms(results.noop), ms(results.raw)];
    // A call cannot beat its transport plus the commit it makes: the best ratio this stack allows.
    const ceiling = median(rawMs.map((raw, round) => raw / (noopMs[round]! + raw)));
    const rest = median(callMs.map((call, round) => call - noopMs[round]! - rawMs[round]!));
    return {
      id: "B4",
      name: `Through the functions emulator: a batch call of ${BATCH} traces vs a raw batched commit`,
      ours: `${formatNumber(median(results.call))} traces/s`,
      anchor: `${formatNumber(median(results.raw))} documents/s (raw batched commit)`,
      ratio: formatRatio(ratio),
      target: `>= ${TARGET}x`,
      met: ratio >= TARGET,
      notes: [
        `\`httpsCallable(functions, 'recordTrace')\` from the Firebase JS SDK with \`{ traces: [${BATCH} traces], sample_rate: 1 }\`, realistic failed runs with fresh ids (every one validated, sanitized and stored), against one commit of \`create()\`s of ${BATCH} such documents from firebase-admin straight to the Firestore emulator. Control: \`benchNoop\` (\`onCall(() => null)\`, a codebase only the benchmark's stack loads) called with the same kind of payload. The three sides take turns call by call, ${CALLS_PER_ROUND} calls each per round, ${ROUNDS} rounds after ${WARMUP_ROUNDS} warm-up rounds, a new anonymous caller each round (the rate limit stays on).`,
        `A side's rate in a round is ${BATCH} / its median call time; the figures are medians over rounds. Per call of ${BATCH}: the batch call takes ${formatNumber(median(callMs), 1)} ms, the raw commit ${formatNumber(median(rawMs), 1)} ms, and the no-op call ${formatNumber(median(noopMs), 1)} ms: the Firebase JS SDK's request, the emulator's proxy to its worker process, the JSON body and the callable protocol, before any of our code runs. A call that stores must pay that transport and then make the commit, so ${formatRatio(ceiling)} (commit / (transport + commit), within a round) is the most any callable can reach against the raw commit on this stack; the batch call reaches ${formatRatio(ratio / ceiling)} of that.`,
        `What is left, ${formatNumber(rest, 1)} ms per call, is the worker's own work, in a process that shares the 2 cores with the emulators and the client: ${handlerCpuMsPerBatch === undefined ? "" : `our code's CPU (${formatNumber(handlerCpuMsPerBatch, 1)} ms per batch of ${BATCH} in B2a's profile), `}firebase-admin and gRPC encoding the commit (the raw side pays that in this process, the call again in the worker), the caller's rate-limit counter in the commit (B2c), the worker's garbage collection, and the call's log lines, which the emulator reads from the worker and prints. In production the transport is Cloud Run's front end and the commit a network round trip shared by the ${BATCH} documents.`,
      ],
    };
  } finally {
    await session.close();
    await clearDatabase();
  }
}
