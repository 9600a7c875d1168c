/**
 * B2: the recordTrace handler in-process (`handleRecordTrace`, the code the function runs, with
 * firebase-admin on the Firestore emulator) against firebase-admin `set()` of the identical stored
 * document. Sequential calls, so each side's rate is 1 / its latency: the handler's validation,
 * sampling, sanitizing and one atomic commit of the trace and its caller's rate-limit counter, against
 * one plain write.
 */
import { randomTraceId, TraceIdRatioBasedSampler, type RecordTraceResult, type SanitizedTrace } from "@agent-traces/core";
import { KnownCounters, TRACES_COLLECTION, type TraceDocument } from "@agent-traces/admin";
import { prepareTrace } from "../functions/src/recordTrace/prepareTrace.js";
import { handleRecordTrace } from "../functions/src/recordTrace/recordTraceHandler.js";
import { recordTraceConfig } from "./lib/config.js";
import { alternatingRates, callsPerSecond, median, medianRatio, rounds } from "./lib/measure.js";
import { formatNumber, formatRatio, type Row } from "./lib/row.js";
import { adminDb, clearDatabase, withQuietStdout } from "./lib/stack.js";
import { asSent, realisticTrace, sampledTraceId, seededRandom } from "./lib/traces.js";

const WRITES_PER_ROUND = 400;
const SAMPLED_OUT_PER_ROUND = 4_000;
const ROUNDS = 9;
/** The Java emulator gets about twice as fast over its first few thousand writes (JIT): warm it first. */
const WARMUP_ROUNDS = 3;
const STORED_TARGET = 0.9;
const SAMPLED_OUT_TARGET = 20;
const TEMPLATES = 40;
/**
 * The per-uid rate limit is on, as deployed, with the instance's known counters (index.ts): a caller's
 * counter is committed with its trace without being read first. The caller changes every
 * CALLS_PER_CALLER calls, below the limit, so that it never refuses the benchmark.
 */
const CALLS_PER_CALLER = 500;
let calls = 0;
const auth = () => ({ uid: `bench-caller-${Math.floor(calls++ / CALLS_PER_CALLER)}`, token: {} as never, rawToken: "" });
const knownCounters = new KnownCounters();

export async function benchHandler(log: (line: string) => void): Promise<Row[]> {
  const db = adminDb();
  await clearDatabase();
  const config = recordTraceConfig();
  const sampler = new TraceIdRatioBasedSampler(config.sampleRate);
  const random = seededRandom(2);
  const startedAt = new Date(Date.now() - 3_600_000);
  const templates = Array.from({ length: TEMPLATES }, () => asSent(realisticTrace(random, { traceId: randomTraceId(), status: "success", startedAt })));
  const payload = (index: number, traceId: string): SanitizedTrace => ({ ...templates[index % TEMPLATES]!, trace_id: traceId });

  /** What the handler stores for a payload, built by the handler's own prepareTrace, outside the timed loop. */
  const storedDocument = (data: SanitizedTrace): TraceDocument => {
    const prepared = prepareTrace(data, { uid: "bench-caller", config, receivedAt: new Date() });
    if (prepared.kind !== "write") throw new Error(`B2: the payload would not be stored (${prepared.kind})`);
    return prepared.document;
  };

  let unexpected = 0;
  const collection = db.collection(TRACES_COLLECTION);
  /** One round: the write sides call by call in turns, then the sampled-out side (no I/O) on its own. */
  const round = async () => {
    const stored = Array.from({ length: WRITES_PER_ROUND }, (_, index) => payload(index, sampledTraceId(sampler, true)));
    const sampledOut = Array.from({ length: SAMPLED_OUT_PER_ROUND }, (_, index) => payload(index, sampledTraceId(sampler, false)));
    const documents = Array.from({ length: WRITES_PER_ROUND }, (_, index) => storedDocument(payload(index, sampledTraceId(sampler, true))));
    const forCreate = Array.from({ length: WRITES_PER_ROUND }, (_, index) => storedDocument(payload(index, sampledTraceId(sampler, true))));
    return withQuietStdout(async () => {
      const writes = await alternatingRates(WRITES_PER_ROUND, {
        stored: async (index) => {
          if (!((await handleRecordTrace({ auth: auth(), data: stored[index] }, { db, config, knownCounters })) as RecordTraceResult).stored) unexpected++;
        },
        raw: (index) => collection.doc(documents[index]!.trace_id).set(documents[index]!),
        rawCreate: (index) => collection.doc(forCreate[index]!.trace_id).create(forCreate[index]!),
      });
      const sampledOutRate = await callsPerSecond(SAMPLED_OUT_PER_ROUND, async (index) => {
        if (((await handleRecordTrace({ auth: auth(), data: sampledOut[index] }, { db, config, knownCounters })) as RecordTraceResult).stored) unexpected++;
      });
      return { ...writes, sampledOut: sampledOutRate };
    });
  };
  const results = await rounds(
    {
      rounds: ROUNDS,
      warmup: WARMUP_ROUNDS,
      onRound: (index, values) =>
        log(
          `  B2 round ${index}: handler stored ${values.stored!.toFixed(0)}/s, raw set() ${values.raw!.toFixed(0)}/s, raw create() ${values.rawCreate!.toFixed(0)}/s, handler sampled out ${values.sampledOut!.toFixed(0)}/s`,
        ),
    },
    round,
  );
  if (unexpected > 0) throw new Error(`B2: ${unexpected} handler calls did not store / sample out as expected`);
  await clearDatabase();

  const storedRatio = medianRatio(results.stored, results.raw);
  const sampledOutRatio = medianRatio(results.sampledOut, results.raw);
  const raw = `${formatNumber(median(results.raw))} writes/s (raw \`set()\`)`;
  const notes = [
    `\`handleRecordTrace\` in-process with firebase-admin on the Firestore emulator and the demo project's configuration (sample rate ${config.sampleRate}); the anchor is \`set()\` of the document the handler would store for the same payload, built outside the timed loop. The rate limit is on: each stored trace's commit also writes its caller's counter, on the condition that it is as this instance last wrote it (a caller changes every ${CALLS_PER_CALLER} calls, so the first call of each also reads its counter).`,
    `Payloads: ${TEMPLATES} realistic runs as the tracer sends them (3-8 tool calls, ~${formatNumber(JSON.stringify(templates[0]).length / 1024, 1)} KiB of JSON), each call with a fresh trace id picked to be sampled in (stored) or out.`,
    `Sequential calls, the write sides taking turns call by call: ${WRITES_PER_ROUND} calls per write side per round, then ${SAMPLED_OUT_PER_ROUND.toLocaleString("en-US")} sampled-out calls; ${ROUNDS} rounds after ${WARMUP_ROUNDS} warm-up rounds. The functions' log line per call is built but not written to the terminal.`,
    `Interleaved with them, a raw \`create()\` of the same document (what the handler does, so that a retried call cannot overwrite) runs at ${formatNumber(median(results.rawCreate))}/s, ${formatRatio(medianRatio(results.rawCreate, results.raw))} of \`set()\`; the handler is ${formatRatio(medianRatio(results.stored, results.rawCreate))} of a raw \`create()\`.`,
  ];
  return [
    {
      id: "B2a",
      name: "Handler vs raw write: stored traces",
      ours: `${formatNumber(median(results.stored))} traces/s`,
      anchor: raw,
      ratio: formatRatio(storedRatio),
      target: `>= ${STORED_TARGET}x`,
      met: storedRatio >= STORED_TARGET,
      notes,
    },
    {
      id: "B2b",
      name: "Handler vs raw write: sampled-out traces",
      ours: `${formatNumber(median(results.sampledOut))} traces/s`,
      anchor: raw,
      ratio: formatRatio(sampledOutRatio),
      target: `>= ${SAMPLED_OUT_TARGET}x`,
      met: sampledOutRatio >= SAMPLED_OUT_TARGET,
      notes: ["Same run as B2a: a sampled-out success is validated and answered `sampled_out` without touching Firestore."],
    },
  ];
}
