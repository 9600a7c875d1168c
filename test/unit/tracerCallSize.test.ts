import { strict as assert } from "node:assert";
import { randomUUID } from "node:crypto";
import { deleteApp, initializeApp, type FirebaseApp } from "firebase/app";
import { connectFunctionsEmulator, getFunctions, type Functions } from "firebase/functions";
import { CALL_ENVELOPE_BYTES, MAX_CALL_BYTES, randomTraceId, sanitizeTrace, traceCallBytes, validateTrace, type SanitizedTrace, type TraceInput } from "@agent-traces/core";
import { CallableTraceExporter, createTracer, InvalidTraceError, type RecordTraceResult, type TraceSendError } from "@agent-traces/tracer";
import { TraceQueue } from "../../packages/tracer/src/export/TraceQueue.js";

/** Three bytes of UTF-8 per UTF-16 code unit: the most a character limit lets through. */
const WIDE = "漢";
const STARTED_AT = "2025-01-31T12:00:00Z";

/** A run as large as the limits let it be stored: 300 tool calls at every limit, metadata at its byte budget. */
function largeRun(status: "error" | "success" = "error"): TraceInput {
  return {
    trace_id: randomTraceId(),
    user_id: WIDE.repeat(128),
    skill: WIDE.repeat(200),
    started_at: STARTED_AT,
    tool_traces: Array.from({ length: 300 }, (_, index) => ({
      name: WIDE.repeat(140) + index,
      input: Object.fromEntries(Array.from({ length: 33 }, (_, key) => [`${key}_${WIDE.repeat(140)}`, WIDE.repeat(120)])),
      output: WIDE.repeat(520),
      duration_ms: 5,
      is_error: index % 2 === 0,
      timestamp: STARTED_AT,
    })),
    final_output: WIDE.repeat(2_000),
    status,
    metadata: { error: WIDE.repeat(1_000), ...Object.fromEntries(Array.from({ length: 200 }, (_, key) => [`${key}_${WIDE.repeat(140)}`, WIDE.repeat(600)])) },
  };
}

/** A run whose stored size is bounded like any other, but whose JSON is six times that: every character a control character (`\u0001`). */
function controlCharacterRun(): TraceInput {
  const text = (length: number) => "\u0001".repeat(length);
  const run = largeRun();
  return {
    ...run,
    user_id: "control",
    skill: text(100),
    final_output: text(2_000),
    tool_traces: run.tool_traces!.map((tool, index) => ({ ...tool, name: text(120) + index, output: text(600), input: Object.fromEntries(Array.from({ length: 33 }, (_, key) => [`${key}_${text(120)}`, text(200)])) })),
    metadata: { error: text(300), ...Object.fromEntries(Array.from({ length: 200 }, (_, key) => [`${key}_${text(140)}`, text(600)])) },
  };
}

/** What the tracer sends for `input`: validated and sanitized. */
function asSent(input: TraceInput): SanitizedTrace {
  const validation = validateTrace(input);
  if (!validation.ok) assert.fail(validation.message);
  return sanitizeTrace(validation.trace);
}

/**
 * The real Firebase JS SDK's callable, with fetch answering every call in-process as recordTrace
 * would (each trace stored), keeping each request body it was sent.
 */
describe("recordTrace call size: what the tracer sends (core's callSize, the tracer's batches)", () => {
  let app: FirebaseApp;
  let functions: Functions;
  const bodies: string[] = [];
  const realFetch = globalThis.fetch;

  before(() => {
    app = initializeApp({ projectId: "demo-agent-traces", apiKey: "fake-api-key" }, `call-size-${randomUUID()}`);
    functions = getFunctions(app);
    connectFunctionsEmulator(functions, "127.0.0.1", 1);
    globalThis.fetch = (async (_url: unknown, init?: { body?: unknown }) => {
      const body = String(init?.body);
      bodies.push(body);
      const { data } = JSON.parse(body) as { data: { traces: { trace_id: string; status: string }[] } };
      const results: RecordTraceResult[] = data.traces.map((trace) => ({ trace_id: trace.trace_id, stored: true, reason: trace.status === "success" ? "sampled" : (trace.status as "error") }));
      return new Response(JSON.stringify({ result: { results } }), { status: 200, headers: { "content-type": "application/json" } });
    }) as typeof fetch;
  });
  beforeEach(() => (bodies.length = 0));
  after(async () => {
    globalThis.fetch = realFetch;
    await deleteApp(app);
  });

  it("traceCallBytes never counts less than the SDK sends, and at most the envelope more", async () => {
    const withAwkwardKeys: TraceInput = {
      trace_id: randomTraceId(),
      started_at: STARTED_AT,
      status: "error",
      // user_id and skill left out: the sanitized trace holds them as undefined, which the SDK sends as null.
      metadata: { "@type": "x", "@@type": { hasOwnProperty: 1 }, nested: [{ "@type": "y" }], quote: 'a "quoted" \\ line\n\t', emoji: "😀".repeat(50) },
    };
    const traces = [asSent(withAwkwardKeys), asSent(largeRun()), asSent(controlCharacterRun()), asSent({ trace_id: randomTraceId(), started_at: STARTED_AT, status: "success" })];
    assert.equal(traces[0]!.user_id, undefined, "a property the SDK sends as null");
    await new CallableTraceExporter(functions).export(traces, {
      sampleRate: 0.123456789,
      // The longest keep rules JSON can write: a rule's number at 23 characters.
      keepRules: { failed_tool: false, slower_than_ms: 1.2345678901234567e300, tokens_above: 1.2345678901234567e300, cost_above_usd: 1.2345678901234567e300 },
    });
    const sent = Buffer.byteLength(bodies[0]!);
    const counted = traces.reduce((sum, trace) => sum + traceCallBytes(trace), 0);
    assert.ok(sent <= CALL_ENVELOPE_BYTES + counted, `sent ${sent} bytes, counted ${counted} + ${CALL_ENVELOPE_BYTES}`);
    assert.ok(sent >= counted - traces.length, `sent ${sent} bytes, counted ${counted}: a count too generous`);
  });

  it("never builds a call over MAX_CALL_BYTES: large runs are spread over calls, failures first, every run answered", async () => {
    const answered: string[] = [];
    const errors: TraceSendError[] = [];
    const tracer = createTracer({ exporter: new CallableTraceExporter(functions), sampleRate: 1, maxBatchSize: 100, scheduledDelayMs: 0, onSent: (result) => answered.push(result.trace_id), onError: (error) => errors.push(error) });
    const runs = [...Array.from({ length: 12 }, () => largeRun("success")), ...Array.from({ length: 12 }, () => largeRun("error")), ...Array.from({ length: 4 }, controlCharacterRun)];
    for (const run of runs) tracer.record(run);
    assert.equal(await tracer.flush(30_000), true);
    assert.deepEqual(errors, []);
    assert.deepEqual(answered.sort(), runs.map((run) => String(run.trace_id)).sort());
    const sizes = bodies.map((body) => Buffer.byteLength(body));
    assert.ok(sizes.every((size) => size <= MAX_CALL_BYTES), `call sizes: ${sizes.join(", ")}`);
    assert.ok(sizes.length >= 3 && sizes.length < runs.length, `${sizes.length} calls for ${runs.length} runs`);
    // The failures (errors, then the control-character runs) went out before any success.
    const statuses = bodies.flatMap((body) => (JSON.parse(body) as { data: { traces: { status: string }[] } }).data.traces.map((trace) => trace.status));
    assert.equal(statuses.indexOf("success"), 16);
  });

  it("reports a run no call can carry through onError without sending it, and sends the others", async () => {
    const errors: TraceSendError[] = [];
    const answered: string[] = [];
    const tracer = createTracer({ exporter: new CallableTraceExporter(functions), sampleRate: 1, scheduledDelayMs: 0, onSent: (result) => answered.push(result.trace_id), onError: (error) => errors.push(error) });
    // Empty maps cost Firestore nothing, so the limits keep 200,000 of them; as JSON they are 600 KB.
    const huge: TraceInput = { trace_id: randomTraceId(), started_at: STARTED_AT, status: "error", metadata: { grid: Array.from({ length: 200_000 }, () => ({})) } };
    const small: TraceInput = { trace_id: randomTraceId(), started_at: STARTED_AT, status: "error" };
    tracer.record(huge);
    tracer.record(small);
    assert.equal(await tracer.flush(10_000), true);
    assert.deepEqual(answered, [small.trace_id]);
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.traceId, huge.trace_id);
    assert.equal(errors[0]!.attempts, 0, "never sent");
    assert.ok(errors[0]!.cause instanceof InvalidTraceError);
    assert.match(errors[0]!.message, new RegExp(`more than one recordTrace call may carry \\(${MAX_CALL_BYTES} bytes`));
    assert.ok(bodies.every((body) => !body.includes(String(huge.trace_id))));
  });
});

describe("TraceQueue.take with a size bound", () => {
  const item = (failure: boolean, seq: number, size: number) => ({ failure, seq, size });
  const of = (queued: { size: number }) => queued.size;

  it("takes failures first, each kind in order, while their sizes fit, stopping at the first that does not", () => {
    const queue = new TraceQueue<ReturnType<typeof item>>(10);
    for (const queued of [item(false, 1, 10), item(true, 2, 30), item(false, 3, 10), item(true, 4, 50), item(true, 5, 10)]) queue.push(queued);
    assert.deepEqual(queue.take(10, { of, max: 85 }).map((queued) => queued.seq), [2, 4], "the third failure would pass 85: not skipped over");
    assert.deepEqual(queue.take(10, { of, max: 85 }).map((queued) => queued.seq), [5, 1, 3]);
    assert.equal(queue.size, 0);
  });

  it("always takes the first item, however large, and still honours the count", () => {
    const queue = new TraceQueue<ReturnType<typeof item>>(10);
    for (const queued of [item(true, 1, 500), item(true, 2, 1), item(false, 3, 1), item(false, 4, 1)]) queue.push(queued);
    assert.deepEqual(queue.take(10, { of, max: 100 }).map((queued) => queued.seq), [1]);
    assert.deepEqual(queue.take(2, { of, max: 100 }).map((queued) => queued.seq), [2, 3]);
    assert.deepEqual(queue.take(2, { of, max: 100 }).map((queued) => queued.seq), [4]);
  });
});
