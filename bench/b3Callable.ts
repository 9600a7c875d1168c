/**
 * B3: recordTrace through the functions emulator with the real Firebase JS SDK, against `benchNoop`,
 * a callable that does nothing, in a codebase of its own that only the benchmark's stack loads
 * (bench/noopCallable, `stack.ts exec --bench`).
 * Sequential calls with the same payloads, so the ratio is what recordTrace's work adds to a call.
 */
import { httpsCallable } from "firebase/functions";
import { randomTraceId, TraceIdRatioBasedSampler } from "@agent-traces/core";
import { clientSession } from "../test/integration/support/emulators.js";
import { recordTraceConfig } from "./lib/config.js";
import { alternatingRates, median, medianRatio, rounds } from "./lib/measure.js";
import { formatNumber, formatRatio, type Row } from "./lib/row.js";
import { clearDatabase, newAnonymousCaller } from "./lib/stack.js";
import { asSent, realisticTrace, sampledTraceId, seededRandom } from "./lib/traces.js";

const CALLS_PER_ROUND = 100;
const ROUNDS = 7;
const TARGET = 0.8;
const TEMPLATES = 20;

export async function benchCallable(log: (line: string) => void): Promise<Row> {
  await clearDatabase();
  const config = recordTraceConfig();
  const sampler = new TraceIdRatioBasedSampler(config.sampleRate);
  const random = seededRandom(3);
  const startedAt = new Date(Date.now() - 3_600_000);
  const templates = Array.from({ length: TEMPLATES }, () => asSent(realisticTrace(random, { traceId: randomTraceId(), status: "success", startedAt })));
  const session = await clientSession();
  try {
    const recordTrace = httpsCallable(session.functions, "recordTrace");
    const benchNoop = httpsCallable(session.functions, "benchNoop");
    try {
      await benchNoop({});
    } catch (error) {
      throw new Error(`B3: the benchNoop callable is not reachable (${(error as Error).message}); was the stack started with --bench (npm run bench)?`, { cause: error });
    }
    let unexpected = 0;
    const answer = async (call: Promise<{ data: unknown }>, expectStored: boolean) => {
      if (((await call).data as { stored?: boolean } | null)?.stored !== expectStored) unexpected++;
    };
    /** One round: the three sides take turns call by call with the same payloads. */
    const round = async () => {
      await newAnonymousCaller(session.auth);
      const kept = Array.from({ length: CALLS_PER_ROUND }, (_, index) => ({ ...templates[index % TEMPLATES]!, trace_id: sampledTraceId(sampler, true) }));
      const dropped = Array.from({ length: CALLS_PER_ROUND }, (_, index) => ({ ...templates[index % TEMPLATES]!, trace_id: sampledTraceId(sampler, false) }));
      return alternatingRates(CALLS_PER_ROUND, {
        recordTrace: (index) => answer(recordTrace(kept[index]), true),
        noop: (index) => benchNoop(kept[index]),
        sampledOut: (index) => answer(recordTrace(dropped[index]), false),
      });
    };
    const results = await rounds(
      {
        rounds: ROUNDS,
        warmup: 2,
        onRound: (index, values) =>
          log(`  B3 round ${index}: recordTrace (stored) ${values.recordTrace!.toFixed(1)}/s, benchNoop ${values.noop!.toFixed(1)}/s, recordTrace (sampled out) ${values.sampledOut!.toFixed(1)}/s`),
      },
      round,
    );
    if (unexpected > 0) throw new Error(`B3: ${unexpected} recordTrace calls did not answer as expected`);
    const ratio = medianRatio(results.recordTrace, results.noop);
    const sampledOutRatio = medianRatio(results.sampledOut, results.noop);
    const extraMs = 1000 / median(results.recordTrace) - 1000 / median(results.noop);
    return {
      id: "B3",
      name: "Through the functions emulator: recordTrace vs a no-op callable",
      ours: `${formatNumber(median(results.recordTrace), 1)} calls/s`,
      anchor: `${formatNumber(median(results.noop), 1)} calls/s (no-op)`,
      ratio: formatRatio(ratio),
      target: `>= ${TARGET}x`,
      met: ratio >= TARGET,
      notes: [
        "`httpsCallable(functions, 'recordTrace')` from the Firebase JS SDK, signed in anonymously on the Auth emulator, against `httpsCallable(functions, 'benchNoop')` (`onCall(() => null)`, a functions codebase of its own in bench/noopCallable that only the benchmark's stack loads, never deployed).",
        `Both sides send the same realistic payloads, each with a fresh trace id that is sampled in, so every recordTrace call validates, sanitizes and stores a document. Sequential calls, the sides taking turns call by call: ${CALLS_PER_ROUND} calls per side per round, ${ROUNDS} rounds after 2 warm-up rounds.`,
        `A recordTrace call takes ${formatNumber(extraMs, 2)} ms more than a no-op call. Interleaved with them, recordTrace with sampled-out ids (validated, answered, nothing written) runs at ${formatNumber(median(results.sampledOut), 1)} calls/s, ${formatRatio(sampledOutRatio)} of the no-op: what a stored trace adds over a sampled-out one is its Firestore write (a round trip from the function worker to the Java emulator, on the same 2 cores as everything else).`,
      ],
    };
  } finally {
    await session.close();
    await clearDatabase();
  }
}
