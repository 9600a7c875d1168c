import { strict as assert } from "node:assert";
import { LIMITS, sanitizeTrace, storedSize, type TraceInput } from "@agent-traces/core";
import { storedDocumentSize } from "../../packages/core/src/storedSize.js";
import { traceSchema } from "../../packages/core/src/schema.js";
import { FAILED_TOOLS_BYTES, failedToolsOf, fromTraceDocument, toTraceDocument, TRACES_COLLECTION, UNPRICED_MODELS_BYTES } from "@agent-traces/admin";

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

  it("stores the failed tools' names for the list's failing-tool filter, same order, absent when none failed", () => {
    const tools = [call("parse", false), call("web_search", true), call("db_query", true), call("web_search", true)];
    const document = toTraceDocument(sanitizeTrace(traceSchema.parse(trace({ tool_traces: tools }))), context);
    assert.deepEqual(document.failed_tool_names, ["web_search", "db_query"]);
    assert.deepEqual(fromTraceDocument(document).failed_tool_names, ["web_search", "db_query"], "read back");
    // A success whose tool failed has them too (it is what the filter finds).
    const success = toTraceDocument(sanitizeTrace(traceSchema.parse(trace({ status: "success", tool_traces: [call("fetch", true)] }))), context);
    assert.deepEqual(success.failed_tool_names, ["fetch"]);
    const none = toTraceDocument(sanitizeTrace(traceSchema.parse(trace({ tool_traces: [call("fetch", false)] }))), context);
    assert.equal("failed_tool_names" in none, false);
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
    assert.deepEqual(document.failed_tool_names, document.failed_tools.map((tool) => tool.name), "the same cut: names of the kept entries");
    const size = storedDocumentSize(`${TRACES_COLLECTION}/${document.trace_id}`, document);
    assert.ok(size <= LIMITS.storedDocumentBytes, `${size} bytes`);
    assert.equal(document.usage?.length, LIMITS.usageModels);
    assert.equal(document.session_id, session);
    // Every model unpriced: the leading names within UNPRICED_MODELS_BYTES (each is in usage too, without cost_usd).
    assert.ok(document.unpriced_models!.length > 0 && document.unpriced_models!.length < LIMITS.usageModels, `${document.unpriced_models?.length} listed`);
    assert.ok(storedSize(document.unpriced_models) <= UNPRICED_MODELS_BYTES);
    assert.deepEqual(document.unpriced_models, usage.slice(0, document.unpriced_models!.length).map((entry) => entry.model));
    // Every model priced instead (a project's prices for those names): each entry gains its cost.
    const prices = Object.fromEntries(usage.map((entry) => [entry.model, { input: 1, output: 1 }]));
    const priced = { ...toTraceDocument(sanitized, { ...context, prices }), feedback: { up: Number.MAX_SAFE_INTEGER, down: Number.MAX_SAFE_INTEGER }, negative_feedback: true as const };
    assert.ok(priced.usage!.every((entry) => entry.cost_usd !== undefined) && !("unpriced_models" in priced));
    const pricedSize = storedDocumentSize(`${TRACES_COLLECTION}/${priced.trace_id}`, priced);
    assert.ok(pricedSize <= LIMITS.storedDocumentBytes, `${pricedSize} bytes`);
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

  it("keeps a failure for its status and a success for the sampler, weighing 1 and 1 / sample rate, with the weight's variance", () => {
    for (const status of ["error", "timeout"] as const) {
      const document = toTraceDocument(sanitizeTrace(traceSchema.parse(trace({ status }))), { ...context, sampleRate: 1 });
      assert.deepEqual([document.kept_for, document.weight, document.weight_variance], [status, 1, 0]);
    }
    const success = toTraceDocument(sanitizeTrace(traceSchema.parse(trace({ status: "success" }))), context);
    assert.deepEqual([success.kept_for, success.weight, success.weight_variance], ["sampled", 10, 90]);
  });

  it("keeps a success for the keep rule it met, weighing 1 / its inclusion probability", () => {
    const both = toTraceDocument(sanitizeTrace(traceSchema.parse(trace({ status: "success" }))), { ...context, sampleRate: 1, keptFor: "failed_tool" });
    assert.deepEqual([both.kept_for, both.sample_rate, both.weight, both.weight_variance], ["failed_tool", 1, 1, 0]);
    const serverOnly = toTraceDocument(sanitizeTrace(traceSchema.parse(trace({ status: "success" }))), { ...context, sampleRate: 0.25, keptFor: "slow" });
    assert.deepEqual([serverOnly.kept_for, serverOnly.sample_rate, serverOnly.weight, serverOnly.weight_variance], ["slow", 0.25, 4, 12]);
  });

  it("weighs a success kept for feedback 0: the sampled successes' weights already stand for it", () => {
    const document = toTraceDocument(sanitizeTrace(traceSchema.parse(trace({ status: "success" }))), { ...context, keptFor: "feedback" });
    assert.deepEqual([document.kept_for, document.weight, document.weight_variance, document.sample_rate], ["feedback", 0, 0, context.sampleRate]);
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

  /** usage as stored with the default prices: gpt-4o $2.50 / $10, claude-sonnet-4 $3 / $15 per million tokens. */
  const pricedUsage = [
    { ...usage[0]!, cost_usd: (1200 * 2.5 + 340 * 10) / 1e6 },
    { ...usage[1]!, cost_usd: (80 * 3 + 12 * 15) / 1e6 },
  ];

  it("stores usage, flagged by has_usage for the report's query, when the run recorded some", () => {
    const document = toTraceDocument(sanitizeTrace(traceSchema.parse(trace({ usage }))), context);
    assert.deepEqual(document.usage, pricedUsage);
    assert.equal(document.has_usage, true);
  });

  it("prices each model's usage (default prices unless given others) and sums the priced ones into cost_usd", () => {
    const document = toTraceDocument(sanitizeTrace(traceSchema.parse(trace({ usage }))), context);
    assert.equal(document.cost_usd, pricedUsage[0]!.cost_usd + pricedUsage[1]!.cost_usd);
    assert.equal("unpriced_models" in document, false);
    const own = toTraceDocument(sanitizeTrace(traceSchema.parse(trace({ usage }))), { ...context, prices: { "gpt-4o": { input: 1, output: 1 } } });
    assert.deepEqual(own.usage, [{ ...usage[0], cost_usd: 1540 / 1e6 }, usage[1]]);
    assert.deepEqual([own.cost_usd, own.unpriced_models], [1540 / 1e6, ["claude-sonnet-4"]]);
  });

  it("names a model with tokens and no price as unpriced, never free; one without tokens costs nothing", () => {
    const unpriced = [
      { model: "my-own-model", input_tokens: 10, output_tokens: 5 },
      { model: "(other)", input_tokens: 1, output_tokens: 0 },
      { model: "idle-model", input_tokens: 0, output_tokens: 0 },
    ];
    const document = toTraceDocument(sanitizeTrace(traceSchema.parse(trace({ usage: unpriced }))), context);
    assert.deepEqual(document.unpriced_models, ["my-own-model", "(other)"]);
    assert.deepEqual(document.usage, [unpriced[0], unpriced[1], { ...unpriced[2], cost_usd: 0 }]);
    assert.equal("cost_usd" in document, false, "no priced model: no cost, rather than $0");
    const mixed = toTraceDocument(sanitizeTrace(traceSchema.parse(trace({ usage: [...unpriced, usage[0]!] }))), context);
    assert.deepEqual([mixed.cost_usd, mixed.unpriced_models], [pricedUsage[0]!.cost_usd, ["my-own-model", "(other)"]]);
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
    assert.deepEqual(stored.usage, pricedUsage);
    assert.equal(stored.cost_usd, pricedUsage[0]!.cost_usd + pricedUsage[1]!.cost_usd);
    assert.equal("has_usage" in stored, false);
    assert.equal("usage" in fromTraceDocument(toTraceDocument(sanitizeTrace(traceSchema.parse(trace({}))), context)), false);
  });
});

describe("stored trace: every wire field", () => {
  // sanitizeTrace and toTraceDocument build their objects field by field (faster than spreading): a field added to the schema must be added there too.
  const everyField = trace({
    session_id: "conversation-1",
    tool_traces: [call("web_search", true)],
    usage: [{ model: "gemini-2.5-flash", input_tokens: 10, output_tokens: 5 }],
    tool_traces_dropped: 1,
    tool_traces_shortened: 2,
    values_repaired: 3,
    original_trace_id: "0af7651916cd43dd8448eb211c80319c",
    content_captured: false,
  });

  it("the test's trace sets every field of the wire schema", () => {
    assert.deepEqual(Object.keys(everyField).sort(), Object.keys(traceSchema.shape).sort());
  });

  it("reaches the sanitized trace and the stored document, and is read back", () => {
    const sanitized = sanitizeTrace(traceSchema.parse(everyField));
    assert.deepEqual(Object.keys(sanitized).sort(), Object.keys(traceSchema.shape).sort());
    const document = toTraceDocument(sanitized, context);
    for (const field of Object.keys(traceSchema.shape)) assert.ok(field in document, `${field} is stored`);
    const readBack = fromTraceDocument(document);
    for (const field of Object.keys(traceSchema.shape)) assert.ok(field in readBack, `${field} is read back`);
    assert.equal(readBack.original_trace_id, "0af7651916cd43dd8448eb211c80319c");
    assert.equal(readBack.tool_traces_shortened, 2);
    assert.deepEqual(Object.keys(readBack.tool_traces[0]!).sort(), ["duration_ms", "input", "is_error", "name", "output", "timestamp"]);
  });
});
