import { strict as assert } from "node:assert";
import { FirebaseError } from "firebase/app";
import { httpsCallable } from "firebase/functions";
import { MAX_CALL_BYTES, randomTraceId, TraceIdRatioBasedSampler, type TraceInput } from "@agent-traces/core";
import { TRACES_COLLECTION } from "@agent-traces/admin";
import { createTracer, type RecordTraceResult, type TraceSendError } from "@agent-traces/tracer";
import { adminFirestore, clientSession, type ClientSession } from "../support/emulators.js";
import { aTrace } from "../support/traces.js";
import { abortStalledFetches } from "./support/faults.js";
import { withoutFunctionLogs } from "./support/quietLogs.js";

/**
 * Bounded memory (docs/scaling.md, "Memory per instance"): one caller floods recordTrace with
 * calls of the largest size the tracer builds, through the functions emulator, and nothing it sent
 * is lost; a body over the cap is refused by name; the function keeps serving.
 *
 * What the emulator cannot show: it runs each concurrent request in a worker process of its own,
 * so no process ever holds two calls and the in-flight budget (one per instance) never refuses one.
 * The budget is proven in-process (test/unit/inFlightBudget.test.ts, and bench/memoryPerCall.ts
 * against this same Firestore emulator); here the flood checks the rest of the path: the tracer's
 * size-bounded batches, the cap, and its retries.
 */
const CALLS = 20;
/** Traces of the largest size one call of the tracer's holds (~53 KB each as JSON, so 9 a call). */
const TRACES_PER_CALL = 9;
const RUNS = CALLS * TRACES_PER_CALL;
/** Three bytes of UTF-8 per character: the most bytes a character limit lets through. */
const WIDE = "漢";

/**
 * A run as large as the limits let it be stored (tool calls filling their 40 KiB budget, metadata its
 * 8 KiB, the longest final output), in few values, so that preparing it costs the test little.
 */
function largestRun(number: number, status: "success" | "error" | "timeout"): TraceInput {
  const started = Date.now() - 60_000;
  return aTrace({
    trace_id: randomTraceId(),
    user_id: `memory-user-${number % 7}`,
    skill: "flood",
    tool_traces: Array.from({ length: 30 }, (_, index) => ({
      name: `tool_${index}`,
      input: { query: WIDE.repeat(100), page: String(index) },
      output: WIDE.repeat(500),
      duration_ms: 20,
      is_error: status !== "success" && index === 29,
      timestamp: new Date(started + index).toISOString(),
    })),
    final_output: WIDE.repeat(1_000),
    status,
    metadata: { ...(status === "success" ? {} : { error: `run ${number} failed` }), ...Object.fromEntries(Array.from({ length: 12 }, (_, key) => [`note_${key}`, WIDE.repeat(200)])) },
  });
}

const statusOf = (number: number) => (number % 3 === 0 ? "success" : number % 3 === 1 ? "error" : "timeout");
/** functions/.env.demo-agent-traces: the emulated function samples successes at this rate. */
const DEMO_SAMPLE_RATE = 0.1;

/** A success the function samples out: answered without touching Firestore. */
function sampledOutSuccess(): TraceInput {
  const sampler = new TraceIdRatioBasedSampler(DEMO_SAMPLE_RATE);
  for (;;) {
    const trace = aTrace({ status: "success" });
    if (!sampler.shouldSample(String(trace.trace_id))) return trace;
  }
}

describe("bounded memory: a flood of the largest calls from one caller through the functions emulator", () => {
  let session: ClientSession;
  let restoreFetch: (() => void) | undefined;
  const bodies: number[] = [];

  before(async function () {
    this.timeout(90_000);
    session = await clientSession();
    restoreFetch = abortStalledFetches(60_000);
    // Every request body the SDK sends for this test, measured as it goes out.
    const sending = globalThis.fetch;
    const restoreAbort = restoreFetch;
    globalThis.fetch = ((input: Parameters<typeof fetch>[0], init?: RequestInit) => {
      if (typeof init?.body === "string" && String(input).includes("/recordTrace")) bodies.push(Buffer.byteLength(init.body));
      return sending(input, init);
    }) as typeof fetch;
    restoreFetch = () => {
      globalThis.fetch = sending;
      restoreAbort();
    };
    // The emulator starts a worker process per concurrent request and keeps it for the next: start
    // them now, with calls that write nothing, so that the flood measures the calls, not cold starts.
    await withoutFunctionLogs(() => Promise.all(Array.from({ length: CALLS }, () => session.callRecordTrace(sampledOutSuccess()))));
    bodies.length = 0;
  });
  after(async () => {
    restoreFetch?.();
    await session?.close();
  });

  it(`${RUNS} runs of the largest size in ${CALLS} concurrent calls: every failure stored, no call over the cap, the function still serving`, async function () {
    // A loaded machine can stall a call until abortStalledFetches gives up on it (60 s) and the tracer retries it.
    this.timeout(300_000);
    const answered = new Map<string, RecordTraceResult>();
    const errors: TraceSendError[] = [];
    const tracer = createTracer({
      functions: session.functions,
      // Every success is sent (the server samples them): the calls are as large as runs make them.
      sampleRate: 1,
      maxBatchSize: 100,
      maxConcurrentExports: CALLS,
      scheduledDelayMs: 60_000,
      onSent: (result) => answered.set(result.trace_id, result),
      onError: (error) => errors.push(error),
    });
    const runs = Array.from({ length: RUNS }, (_, number) => largestRun(number, statusOf(number)));
    const started = performance.now();
    await withoutFunctionLogs(async () => {
      for (const run of runs) tracer.record(run);
      assert.equal(await tracer.flush(240_000), true, "every run answered or reported");
    });

    assert.deepEqual(errors.map((error) => error.message), [], "nothing reported lost");
    assert.equal(answered.size, RUNS);
    assert.ok(bodies.length >= CALLS, `${bodies.length} calls`);
    assert.ok(Math.max(...bodies) <= MAX_CALL_BYTES, `largest call ${Math.max(...bodies)} bytes`);
    assert.ok(Math.max(...bodies) > MAX_CALL_BYTES * 0.8, `the calls were of the largest size: ${Math.max(...bodies)} bytes`);
    const failures = runs.filter((run) => run.status !== "success").map((run) => String(run.trace_id));
    const stored = await adminFirestore().getAll(...failures.map((id) => adminFirestore().collection(TRACES_COLLECTION).doc(id)));
    assert.deepEqual(stored.filter((snapshot) => !snapshot.exists).map((snapshot) => snapshot.id), [], "every failed run is stored");
    for (const snapshot of stored) assert.equal(snapshot.get("recorded_by"), session.uid);

    // Still serving: a small call right after.
    const small = aTrace({ status: "error" });
    assert.deepEqual(await session.callRecordTrace(small), { trace_id: small.trace_id, stored: true, reason: "error" });
    console.log(`      ${bodies.length} calls, ${Math.round(Math.max(...bodies) / 1024)} KiB the largest, ${failures.length} failures stored, ${((performance.now() - started) / 1000).toFixed(1)} s`);
  });

  it("refuses a body over MAX_CALL_BYTES as invalid-argument naming its size, and serves the next call", async () => {
    const oversized = { traces: [aTrace({ status: "error", metadata: { padding: "x".repeat(MAX_CALL_BYTES) } })] };
    const error = await withoutFunctionLogs(() => httpsCallable(session.functions, "recordTrace")(oversized)).then(
      () => assert.fail("a body over the cap was accepted"),
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof FirebaseError, String(error));
    assert.equal(error.code, "functions/invalid-argument");
    const bodyBytes = (error as FirebaseError & { details?: { body_bytes?: number } }).details?.body_bytes;
    assert.ok(bodyBytes !== undefined && bodyBytes > MAX_CALL_BYTES, JSON.stringify((error as { details?: unknown }).details));
    assert.match(error.message, new RegExp(`${bodyBytes} bytes, more than the ${MAX_CALL_BYTES}`));
    const small = aTrace({ status: "timeout" });
    assert.deepEqual(await session.callRecordTrace(small), { trace_id: small.trace_id, stored: true, reason: "timeout" });
  });
});
