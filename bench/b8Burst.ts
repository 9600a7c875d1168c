/**
 * B8: a burst of 500 concurrent traced runs, a third of them failing, against the functions emulator:
 * the default tracer (batches, at most 2 calls in flight) against one call per run with no bound on
 * calls in flight (what the tracer did before it batched: `maxBatchSize: 1`, the old 4 attempts).
 * Wall time until every run is answered or given up on, `recordTrace` invocations, failed runs lost.
 */
import { TRACES_COLLECTION } from "@agent-traces/admin";
import { createTracer, type TracerOptions } from "@agent-traces/tracer";
import { clientSession } from "../test/integration/support/emulators.js";
import { recordTraceConfig } from "./lib/config.js";
import { formatNumber, formatRatio, type Row } from "./lib/row.js";
import { adminDb, clearDatabase } from "./lib/stack.js";

const RUNS = 500;
const FAIL_EVERY = 3;

interface BurstResult {
  agentMs: number;
  deliveredMs: number;
  invocations: number;
  stored: number;
  failuresLost: number;
  notDelivered: number;
}

async function burst(options: Partial<TracerOptions>, sampleRate: number): Promise<BurstResult> {
  await clearDatabase();
  const session = await clientSession();
  let notDelivered = 0;
  const tracer = createTracer({ functions: session.functions, sampleRate, ...options, onError: () => notDelivered++ } as TracerOptions);
  try {
    const runs: { id: string; failed: boolean }[] = [];
    const start = performance.now();
    await Promise.allSettled(
      Array.from({ length: RUNS }, (_, index) =>
        tracer.withTrace({ skill: "burst" }, async (trace) => {
          runs.push({ id: trace.traceId, failed: index % FAIL_EVERY === 0 });
          await trace.tool("lookup", { index }, () => index);
          if (index % FAIL_EVERY === 0) throw new Error(`run ${index} failed`);
        }),
      ),
    );
    const agentMs = performance.now() - start;
    await tracer.flush();
    const deliveredMs = performance.now() - start;
    const collection = adminDb().collection(TRACES_COLLECTION);
    const stored = new Set((await collection.select().get()).docs.map((doc) => doc.id));
    const failuresLost = runs.filter((run) => run.failed && !stored.has(run.id)).length;
    return { agentMs, deliveredMs, invocations: tracer.stats.exportCalls, stored: stored.size, failuresLost, notDelivered };
  } finally {
    await tracer.shutdown();
    await session.close();
  }
}

export async function benchBurst(log: (line: string) => void): Promise<Row> {
  const { sampleRate } = recordTraceConfig();
  const batched = await burst({}, sampleRate);
  log(`  B8 default tracer: agents returned in ${formatNumber(batched.agentMs)} ms, all answered after ${formatNumber(batched.deliveredMs)} ms, ${batched.invocations} calls, ${batched.stored} stored, ${batched.failuresLost} failed runs lost`);
  const perRun = await burst({ maxBatchSize: 1, scheduledDelayMs: 0, maxConcurrentExports: RUNS, retry: { attempts: 4, initialDelayMs: 500, maxDelayMs: 5_000 } }, sampleRate);
  log(`  B8 one call per run: agents returned in ${formatNumber(perRun.agentMs)} ms, all answered or given up after ${formatNumber(perRun.deliveredMs)} ms, ${perRun.invocations} calls, ${perRun.stored} stored, ${perRun.failuresLost} failed runs lost`);
  await clearDatabase();
  const failures = Math.ceil(RUNS / FAIL_EVERY);
  const met = batched.failuresLost === 0 && batched.invocations * 10 <= batched.stored;
  return {
    id: "B8",
    name: "A burst of 500 concurrent traced runs (a third failing) through the functions emulator",
    ours: `${batched.invocations} calls, ${batched.stored} stored, ${batched.failuresLost} of ${failures} failures lost, ${formatNumber(batched.deliveredMs / 1000, 1)} s`,
    anchor: `${perRun.invocations} calls, ${perRun.stored} stored, ${perRun.failuresLost} of ${failures} failures lost, ${formatNumber(perRun.deliveredMs / 1000, 1)} s (one call per run)`,
    ratio: formatRatio(perRun.invocations / Math.max(1, batched.invocations)),
    target: "0 lost, <= 1 call per 10 stored",
    met,
    notes: [
      `${RUNS} runs started at once with \`tracer.withTrace\`, each with one tool call, every ${FAIL_EVERY}rd throwing, sample rate ${sampleRate}; then \`tracer.flush()\`. Default tracer: \`createTracer({ functions })\` (batches of up to 50, 500 ms delay, 2 calls in flight, 12 attempts). One call per run: \`maxBatchSize: 1, scheduledDelayMs: 0, maxConcurrentExports: ${RUNS}\` and the former 4 attempts, which is how every trace was sent before batching. The ratio is invocations saved.`,
      `The ${RUNS} agent calls returned after ${formatNumber(batched.agentMs)} ms with the default tracer (${formatNumber(perRun.agentMs)} ms one call per run): recording and queueing never wait for the network. Runs reported through onError: ${batched.notDelivered} (default) and ${perRun.notDelivered} (one call per run).`,
    ],
  };
}
