import { strict as assert } from "node:assert";
import { LIMITS, sanitizeTrace, storedSize, type TraceInput } from "@agent-traces/core";
import { storedDocumentSize } from "../../packages/core/src/storedSize.js";
import { traceSchema } from "../../packages/core/src/schema.js";
import { FAILED_TOOLS_BYTES, failedToolsOf, fromTraceDocument, toTraceDocument, TRACES_COLLECTION } from "@agent-traces/admin";

const context = { recordedBy: "u".repeat(128), receivedAt: new Date("2025-06-01T10:00:05Z"), ttlDays: 7, sampleRate: 0.1 };
const call = (name: string, isError: boolean, index = 0) => ({
  name,
  input: { attempt: String(index) },
  output: isError ? "failed" : "ok",
  duration_ms: 10,
  is_error: isError,
  timestamp: "2025-06-01T10:00:00.000Z",
});
const trace = (overrides: Partial<TraceInput>): TraceInput => ({
  trace_id: "4bf92f3577b34da6a3ce929d0e0e4736",
  user_id: "ann",
  skill: "planning",
  started_at: "2025-06-01T10:00:00.000Z",
  ended_at: "2025-06-01T10:00:03.000Z",
  iterations: 1,
  tool_traces: [],
  final_output: "",
  status: "error",
  metadata: {},
  ...overrides,
});

describe("stored trace: failed_tools", () => {
  it("lists the distinct failing tools in order of first failure, with their failed calls", () => {
    const tools = [call("a", false), call("web_search", true), call("db_query", true), call("web_search", true), call("a", false), call("db_query", true), call("web_search", true)];
    assert.deepEqual(failedToolsOf(tools), [
      { name: "web_search", calls: 3 },
      { name: "db_query", calls: 2 },
    ]);
    assert.deepEqual(failedToolsOf([call("a", false)]), []);
  });

  it("is written with every trace, from the stored tool calls", () => {
    const document = toTraceDocument(sanitizeTrace(traceSchema.parse(trace({ tool_traces: [call("fetch", true), call("fetch", true), call("parse", false)] }))), context);
    assert.deepEqual(document.failed_tools, [{ name: "fetch", calls: 2 }]);
    assert.equal(document.tool_error_count, 2);
    const success = toTraceDocument(sanitizeTrace(traceSchema.parse(trace({ status: "success", tool_traces: [call("fetch", false)] }))), context);
    assert.deepEqual(success.failed_tools, []);
  });

  it(`keeps the leading entries within ${FAILED_TOOLS_BYTES} bytes, so the document stays within ${LIMITS.storedDocumentBytes}, the largest usage included`, () => {
    // The most failed_tools can hold: every kept call fails, each under its own longest 3-byte name.
    const tools = Array.from({ length: LIMITS.maxToolTraces }, (_, index) => ({ ...call(`${index}`.padStart(3, "0") + "€".repeat(LIMITS.toolNameChars), true, index), output: "" }));
    const metadata = Object.fromEntries(Array.from({ length: 40 }, (_, index) => [`k${index}`, "€".repeat(LIMITS.metadataStringChars)]));
    // With the largest usage too: every model, each name at its limit in 3-byte characters.
    const usage = Array.from({ length: LIMITS.usageModels }, (_, index) => ({ model: `${index}`.padStart(3, "0") + "€".repeat(LIMITS.modelNameChars - 3), input_tokens: Number.MAX_SAFE_INTEGER, output_tokens: Number.MAX_SAFE_INTEGER }));
    // And the longest session id in bytes, and the ratings recordFeedback adds later.
    const session = "€".repeat(LIMITS.sessionIdChars);
    const sanitized = sanitizeTrace(traceSchema.parse(trace({ tool_traces: tools, final_output: "€".repeat(5000), skill: "€".repeat(500), session_id: session, metadata: { error: "€".repeat(500), ...metadata }, usage })));
    const document = { ...toTraceDocument(sanitized, context), feedback: { up: Number.MAX_SAFE_INTEGER, down: Number.MAX_SAFE_INTEGER }, negative_feedback: true as const };
    const distinct = new Set(sanitized.tool_traces.map((tool) => tool.name)).size;
    assert.ok(document.failed_tools.length > 0 && document.failed_tools.length < distinct, `${document.failed_tools.length} of ${distinct} kept`);
    assert.ok(storedSize(document.failed_tools) <= FAILED_TOOLS_BYTES);
    assert.deepEqual(document.failed_tools, failedToolsOf(sanitized.tool_traces.slice(0, document.failed_tools.length)), "a prefix, in order");
    const size = storedDocumentSize(`${TRACES_COLLECTION}/${document.trace_id}`, document);
    assert.ok(size <= LIMITS.storedDocumentBytes, `${size} bytes`);
    assert.equal(document.usage?.length, LIMITS.usageModels);
    assert.equal(document.session_id, session);
  });
});

describe("stored trace: session_id, kept_for and weight", () => {
  it("stores the session id, flagged by has_session for the sessions-of-a-user query, and neither when the run names none", () => {
    const document = toTraceDocument(sanitizeTrace(traceSchema.parse(trace({ session_id: "chat-7" }))), context);
    assert.equal(document.session_id, "chat-7");
    assert.equal(document.has_session, true);
    for (const input of [trace({}), trace({ session_id: null })]) {
      const none = toTraceDocument(sanitizeTrace(traceSchema.parse(input)), context);
      assert.equal("session_id" in none, false);
      assert.equal("has_session" in none, false);
    }
  });

  it("keeps a failure for its status and a success for the sampler, weighing 1 and 1 / sample rate", () => {
    for (const status of ["error", "timeout"] as const) {
      const document = toTraceDocument(sanitizeTrace(traceSchema.parse(trace({ status }))), context);
      assert.deepEqual([document.kept_for, document.weight], [status, 1]);
    }
    const success = toTraceDocument(sanitizeTrace(traceSchema.parse(trace({ status: "success" }))), context);
    assert.deepEqual([success.kept_for, success.weight], ["sampled", 10]);
  });

  it("weighs a success kept for feedback 0: the sampled successes' weights already stand for it", () => {
    const document = toTraceDocument(sanitizeTrace(traceSchema.parse(trace({ status: "success" }))), { ...context, keptFor: "feedback" });
    assert.deepEqual([document.kept_for, document.weight, document.sample_rate], ["feedback", 0, context.sampleRate]);
  });

  it("reads a run back without its query flags (has_session, negative_feedback), keeping its session, kept_for and counts", () => {
    const document = { ...toTraceDocument(sanitizeTrace(traceSchema.parse(trace({ session_id: "chat-7" }))), context), feedback: { up: 1, down: 2 }, negative_feedback: true as const };
    const stored = fromTraceDocument(document);
    assert.equal("has_session" in stored, false);
    assert.equal("negative_feedback" in stored, false);
    assert.deepEqual([stored.session_id, stored.kept_for, stored.feedback], ["chat-7", "error", { up: 1, down: 2 }]);
  });
});

describe("stored trace: usage", () => {
  const usage = [
    { model: "gpt-4o", input_tokens: 1200, output_tokens: 340 },
    { model: "claude-sonnet-4", input_tokens: 80, output_tokens: 12 },
  ];

  it("stores usage, flagged by has_usage for the report's query, when the run recorded some", () => {
    const document = toTraceDocument(sanitizeTrace(traceSchema.parse(trace({ usage }))), context);
    assert.deepEqual(document.usage, usage);
    assert.equal(document.has_usage, true);
  });

  it("stores neither field when the run recorded none, absent or []", () => {
    for (const input of [trace({}), trace({ usage: [] })]) {
      const document = toTraceDocument(sanitizeTrace(traceSchema.parse(input)), context);
      assert.equal("usage" in document, false);
      assert.equal("has_usage" in document, false);
    }
    const unsanitized = { ...sanitizeTrace(traceSchema.parse(trace({}))), usage: [] };
    assert.equal("usage" in toTraceDocument(unsanitized, context), false, "[] is not stored even when handed over as it is");
  });

  it("reads usage back without has_usage (a query field, not part of the trace)", () => {
    const stored = fromTraceDocument(toTraceDocument(sanitizeTrace(traceSchema.parse(trace({ usage }))), context));
    assert.deepEqual(stored.usage, usage);
    assert.equal("has_usage" in stored, false);
    assert.equal("usage" in fromTraceDocument(toTraceDocument(sanitizeTrace(traceSchema.parse(trace({}))), context)), false);
  });
});
