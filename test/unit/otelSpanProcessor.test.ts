import { strict as assert } from "node:assert";
import { context, trace as otelTrace, SpanStatusCode, type Context } from "@opentelemetry/api";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { randomTraceId, sanitizeTrace, validateTrace, type RecordTraceBatchItemResult, type SanitizedTrace, type TraceInput } from "@agent-traces/core";
import { createTracer, TraceDroppedError, type TraceExporter, type TraceSendError } from "@agent-traces/tracer";
import { AgentTracesSpanProcessor, toOtlpJson, type OtlpSpan } from "@agent-traces/otel";
import { replaySpans, spansFromOtlp } from "../support/otlpSpans.js";
import * as ai5 from "ai-v5";
import { MockLanguageModelV2 } from "ai-v5/test";
import * as ai6 from "ai-v6";
import { MockLanguageModelV3 } from "ai-v6/test";
import * as ai7 from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { OpenTelemetry } from "@ai-sdk/otel";
import { ensureContextManager } from "../integration/frameworks/support/aiSdkRuns.js";

/** Keeps every trace it is sent and answers each as stored. */
class KeepingExporter implements TraceExporter {
  readonly traces: SanitizedTrace[] = [];
  async export(traces: readonly SanitizedTrace[]): Promise<RecordTraceBatchItemResult[]> {
    this.traces.push(...traces);
    return traces.map((trace) => ({ trace_id: trace.trace_id, stored: true, reason: trace.status === "success" ? "sampled" : trace.status }));
  }
}

function setUp(options: { maxSpansPerRun?: number; maxRunAgeMs?: number; maxOpenRuns?: number } = {}) {
  const exporter = new KeepingExporter();
  const tracer = createTracer({ exporter, sampleRate: 1, scheduledDelayMs: 0 });
  const reported: TraceSendError[] = [];
  const processor = new AgentTracesSpanProcessor({ tracer, onError: (error) => reported.push(error), ...options });
  const provider = new BasicTracerProvider({ spanProcessors: [processor] });
  return { exporter, tracer, processor, reported, otel: provider.getTracer("test") };
}

/** A stored-looking trace: what recordTrace keeps (sanitized), with everything the export carries. */
function storedTrace(): SanitizedTrace {
  const input: TraceInput = {
    trace_id: randomTraceId(),
    user_id: 42,
    skill: "travel",
    started_at: "2026-11-30T10:00:00.000Z",
    ended_at: "2026-11-30T10:00:03.250Z",
    iterations: 3,
    tool_traces: [
      { name: "get_weather", input: { city: "Oslo", days: "3" }, output: '{"sky":"clear"}', duration_ms: 120, is_error: false, timestamp: "2026-11-30T10:00:00.500Z" },
      { name: "get_flights", input: { city: "Oslo" }, output: "flights backend down", duration_ms: 80, is_error: true, timestamp: "2026-11-30T10:00:00.700Z" },
    ],
    tool_traces_dropped: 3,
    final_output: "Clear skies, no flights.",
    status: "error",
    metadata: { error: "the planner gave up", region: "eu", nested: { attempts: 2, tags: ["a", "b"] } },
    usage: [
      { model: "gemini-2.5-flash", input_tokens: 1200, output_tokens: 300, cached_input_tokens: 800, reasoning_tokens: 100 },
      { model: "gemini-2.5-pro", input_tokens: 50, output_tokens: 7, cache_write_tokens: 20 },
    ],
  };
  const validation = validateTrace(input);
  assert.ok(validation.ok, "the fixture is a valid trace");
  return sanitizeTrace(validation.trace);
}

describe("OpenTelemetry: OTLP export and the span processor", () => {
  it("exports a stored trace as OTLP/JSON in the GenAI conventions, its ids kept", () => {
    const trace = storedTrace();
    const document = toOtlpJson(trace);
    const spans = document.resourceSpans[0]!.scopeSpans[0]!.spans;
    const attribute = (span: OtlpSpan, key: string) => span.attributes.find((entry) => entry.key === key)?.value;
    const [root, ...children] = spans;
    assert.equal(root!.traceId, trace.trace_id);
    assert.match(root!.spanId, /^[0-9a-f]{16}$/);
    assert.equal(root!.parentSpanId, undefined);
    assert.deepEqual(attribute(root!, "gen_ai.operation.name"), { stringValue: "invoke_agent" });
    assert.deepEqual(attribute(root!, "gen_ai.agent.name"), { stringValue: "travel" });
    assert.deepEqual(attribute(root!, "gen_ai.usage.input_tokens"), { intValue: "1250" });
    assert.deepEqual(attribute(root!, "gen_ai.usage.cache_read.input_tokens"), { intValue: "800" });
    assert.deepEqual(attribute(root!, "gen_ai.usage.cache_creation.input_tokens"), { intValue: "20" });
    assert.deepEqual(attribute(root!, "gen_ai.usage.reasoning.output_tokens"), { intValue: "100" });
    assert.deepEqual(root!.status, { code: 2, message: "the planner gave up" });
    assert.equal(root!.startTimeUnixNano, "1796032800000000000");
    assert.deepEqual(children.map((span) => span.name), ["execute_tool get_weather", "execute_tool get_flights", "chat gemini-2.5-flash", "chat gemini-2.5-pro"]);
    assert.ok(children.every((span) => span.traceId === trace.trace_id && span.parentSpanId === root!.spanId));
    assert.equal(new Set(spans.map((span) => span.spanId)).size, spans.length, "span ids are distinct");
    assert.deepEqual(attribute(children[0]!, "gen_ai.tool.call.arguments"), { stringValue: '{"city":"Oslo","days":"3"}' });
    assert.deepEqual(children[1]!.status, { code: 2, message: "flights backend down" });
    assert.deepEqual(toOtlpJson(trace), document, "the same trace exports the same document");
  });

  it("round trip: an exported trace fed to the span processor comes back as the same trace", async () => {
    for (const status of ["error", "timeout", "success"] as const) {
      const original = { ...storedTrace(), status };
      if (status === "success") original.metadata = { region: "eu" };
      const { exporter, processor } = setUp();
      replaySpans(processor, spansFromOtlp(toOtlpJson(original)));
      await processor.forceFlush();
      assert.equal(exporter.traces.length, 1);
      assert.deepEqual(exporter.traces[0], original, `status ${status}`);
    }
  });

  it("takes the outermost run span as the run: nested runs, spans above it and other traces stay apart", async () => {
    const { exporter, processor, otel } = setUp();
    const under = (parent: ReturnType<typeof otel.startSpan>): Context => otelTrace.setSpan(context.active(), parent);
    const http = otel.startSpan("GET /chat");
    const run = otel.startSpan("invoke_agent travel", { attributes: { "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "travel", "agent_traces.user_id": "u1" } }, under(http));
    const inner = otel.startSpan("invoke_agent helper", { attributes: { "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "helper" } }, under(run));
    const tool = otel.startSpan("execute_tool lookup", { attributes: { "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "lookup", "gen_ai.tool.call.arguments": '{"q":"x"}' } }, under(inner));
    tool.setAttribute("gen_ai.tool.call.result", "found");
    tool.end();
    const chat = otel.startSpan("chat m", { attributes: { "gen_ai.operation.name": "chat", "gen_ai.request.model": "m", "gen_ai.usage.input_tokens": 10, "gen_ai.usage.output_tokens": 2 } }, under(run));
    chat.end();
    inner.end();
    const unrelated = otel.startSpan("db.query");
    unrelated.end();
    assert.equal(processor.stats.open, 1, "one run under way; the HTTP and db spans are not followed");
    run.end();
    // A second run in the same OTel trace gets an id of its own.
    const second = otel.startSpan("invoke_agent travel", { attributes: { "gen_ai.operation.name": "invoke_agent" } }, under(http));
    second.setStatus({ code: SpanStatusCode.ERROR, message: "request aborted by the client" });
    second.end();
    http.end();
    await processor.forceFlush();
    // (Failures are sent first: find each by its status.)
    const first = exporter.traces.find((trace) => trace.status === "success");
    const next = exporter.traces.find((trace) => trace.status !== "success");
    assert.equal(first!.trace_id, run.spanContext().traceId, "the run's OTel trace id is its id");
    assert.equal(first!.skill, "travel");
    assert.equal(first!.user_id, "u1");
    assert.equal(first!.iterations, 1);
    assert.deepEqual(first!.usage, [{ model: "m", input_tokens: 10, output_tokens: 2 }]);
    assert.deepEqual(first!.tool_traces.map((call) => [call.name, call.input, call.output]), [["lookup", { q: "x" }, "found"]], "the nested run's tool call is the outer run's");
    assert.notEqual(next!.trace_id, first!.trace_id);
    assert.equal(next!.status, "timeout", "an aborted run is a timeout");
    assert.equal(processor.stats.runs, 2);
    assert.equal(processor.stats.open, 0);
  });

  it("is bounded: spans past the limit are not followed, and a run that never ends is given up", async () => {
    const { exporter, processor, reported, otel } = setUp({ maxSpansPerRun: 3, maxRunAgeMs: 0 });
    const run = otel.startSpan("invoke_agent a", { attributes: { "gen_ai.operation.name": "invoke_agent" } });
    const ctx = otelTrace.setSpan(context.active(), run);
    for (let index = 0; index < 5; index++) otel.startSpan(`execute_tool t${index}`, { attributes: { "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": `t${index}` } }, ctx).end();
    assert.equal(processor.stats.ignoredSpans, 3);
    // maxRunAgeMs 0: the next run to start gives the first one up.
    otel.startSpan("invoke_agent b", { attributes: { "gen_ai.operation.name": "invoke_agent" } }).end();
    run.end();
    await processor.forceFlush();
    assert.equal(processor.stats.expiredRuns, 1);
    assert.deepEqual(reported.map((error) => [error.traceId, (error.cause as TraceDroppedError).reason]), [[run.spanContext().traceId, "expired"]], "reported through onError");
    assert.deepEqual(exporter.traces.map((trace) => trace.tool_traces.length), [0], "only run b, which ended, was recorded");
  });

  it("beyond maxOpenRuns gives up the oldest run (reported, counted); its later spans open no run and push out no other", async () => {
    const { exporter, processor, reported, otel } = setUp({ maxOpenRuns: 2 });
    // Genkit calls every span of a flow a run when it has no run above it: a given-up run's children must not become runs.
    const flow = (name: string, parent?: ReturnType<typeof otel.startSpan>) =>
      otel.startSpan(name, { attributes: { "genkit:type": "action", "genkit:name": name, "genkit:metadata:subtype": parent ? "tool" : "flow" } }, parent ? otelTrace.setSpan(context.active(), parent) : undefined);
    const a = flow("a");
    const aTool = flow("a-tool", a);
    const b = flow("b");
    const c = flow("c"); // gives up a
    assert.deepEqual(reported.map((error) => [error.traceId, (error.cause as TraceDroppedError).reason]), [[a.spanContext().traceId, "evicted"]]);
    assert.equal(reported[0]!.attempts, 0);
    aTool.end();
    const late = flow("a-late", a);
    flow("a-late-child", late).end();
    late.end();
    a.end();
    assert.equal(reported.length, 1, "nothing else given up: a's spans opened no run");
    assert.deepEqual(processor.stats, { runs: 0, open: 2, evictedRuns: 1, expiredRuns: 0, ignoredSpans: 2 });
    for (const span of [b, c]) span.end();
    await processor.forceFlush();
    assert.deepEqual(exporter.traces.map((trace) => trace.skill).sort(), ["b", "c"]);
    assert.deepEqual(processor.stats, { runs: 2, open: 0, evictedRuns: 1, expiredRuns: 0, ignoredSpans: 2 });
  });

  describe("the run's session", () => {
    type Otel = ReturnType<typeof setUp>["otel"];
    type OtelSpan = ReturnType<Otel["startSpan"]>;
    const under = (parent: OtelSpan): Context => otelTrace.setSpan(context.active(), parent);

    /** Runs `emit` (which starts and ends one run's spans) and answers the one trace recorded. */
    async function recordedRun(emit: (otel: Otel) => void): Promise<SanitizedTrace> {
      const { exporter, processor, otel } = setUp();
      emit(otel);
      await processor.forceFlush();
      assert.equal(exporter.traces.length, 1, "one run");
      return exporter.traces[0]!;
    }

    /** A run span of `attributes` (a GenAI invoke_agent unless they say otherwise) with a `chat` child of `childAttributes`. */
    function runWithChild(otel: Otel, attributes: Record<string, string | number>, childAttributes: Record<string, string | number> = {}): void {
      const run = otel.startSpan("run", { attributes: { "gen_ai.operation.name": "invoke_agent", ...attributes } });
      otel.startSpan("chat m", { attributes: { "gen_ai.operation.name": "chat", "gen_ai.request.model": "m", ...childAttributes } }, under(run)).end();
      run.end();
    }

    const cases: { source: string; emit: (otel: Otel) => void; sessionId: string }[] = [
      { source: "GenAI gen_ai.conversation.id on the run span", emit: (otel) => runWithChild(otel, { "gen_ai.conversation.id": "conv-genai" }), sessionId: "conv-genai" },
      { source: "GenAI gen_ai.conversation.id on a model call under the run", emit: (otel) => runWithChild(otel, {}, { "gen_ai.conversation.id": "conv-child" }), sessionId: "conv-child" },
      { source: "the AI SDK 7's runtimeContext.sessionId", emit: (otel) => runWithChild(otel, { "ai.settings.context.sessionId": "conv-ai7" }), sessionId: "conv-ai7" },
      {
        source: "AI SDK telemetry metadata.sessionId",
        emit: (otel) => runWithChild(otel, { "gen_ai.operation.name": "", "ai.operationId": "ai.generateText", "ai.telemetry.metadata.sessionId": "conv-meta" }),
        sessionId: "conv-meta",
      },
      {
        source: "AI SDK telemetry metadata.conversationId (a number, as text)",
        emit: (otel) => runWithChild(otel, { "gen_ai.operation.name": "", "ai.operationId": "ai.streamText", "ai.telemetry.metadata.conversationId": 4711 }),
        sessionId: "4711",
      },
      { source: "our agent_traces.session_id, over the framework's", emit: (otel) => runWithChild(otel, { "gen_ai.conversation.id": "framework", "agent_traces.session_id": "app" }), sessionId: "app" },
      { source: "our agent_traces.session_id on a span under the run", emit: (otel) => runWithChild(otel, {}, { "agent_traces.session_id": "app-child" }), sessionId: "app-child" },
      { source: "the run span's session over a child's", emit: (otel) => runWithChild(otel, { "gen_ai.conversation.id": "outer" }, { "gen_ai.conversation.id": "inner" }), sessionId: "outer" },
      {
        // Genkit 1.4x: ai.defineAgent; each chat.send() is a root agent span, the session id set (custom metadata) as it ends.
        source: "a Genkit agent turn (genkit:metadata:agent:sessionId)",
        emit: (otel) => {
          const turn = otel.startSpan("travelAgent", { attributes: { "genkit:type": "action", "genkit:metadata:subtype": "agent", "genkit:name": "travelAgent" } });
          turn.setAttributes({ "genkit:metadata:agent:sessionId": "genkit-agent-session", "genkit:output": JSON.stringify({ sessionId: "genkit-agent-session", message: { role: "model", content: [{ text: "Sunny " }, { text: "in Paris." }] }, finishReason: "stop" }) });
          turn.end();
        },
        sessionId: "genkit-agent-session",
      },
      {
        // The Chat API (ai.chat(), before Genkit removed it): chat.send() inside a flow is a `send` span labelled genkit:sessionId.
        source: "a Genkit Chat send span under a flow (genkit:sessionId)",
        emit: (otel) => {
          const flow = otel.startSpan("chatFlow", { attributes: { "genkit:type": "action", "genkit:metadata:subtype": "flow", "genkit:name": "chatFlow" } });
          otel.startSpan("send", { attributes: { "genkit:type": "helper", "genkit:sessionId": "genkit-chat-session", "genkit:threadName": "main" } }, under(flow)).end();
          flow.end();
        },
        sessionId: "genkit-chat-session",
      },
    ];
    for (const { source, emit, sessionId } of cases) {
      it(`reads ${source}`, async () => {
        const trace = await recordedRun(emit);
        assert.equal(trace.session_id, sessionId);
      });
    }

    it("a Genkit agent turn's output is its answer text, not the agent's whole output", async () => {
      const trace = await recordedRun(cases.find((entry) => entry.source.startsWith("a Genkit agent turn"))!.emit);
      assert.equal(trace.final_output, "Sunny in Paris.");
      assert.equal(trace.skill, "travelAgent");
    });

    it("a failed Genkit agent turn (its span ended as a success, finishReason failed) is an error in its session, without the last good turn's answer", async () => {
      const trace = await recordedRun((otel) => {
        const turn = otel.startSpan("travelAgent", { attributes: { "genkit:type": "action", "genkit:metadata:subtype": "agent", "genkit:name": "travelAgent" } });
        const output = { sessionId: "s-1", finishReason: "failed", error: { status: "INTERNAL", message: "model overloaded" }, message: { role: "model", content: [{ text: "the previous answer" }] } };
        turn.setAttributes({ "genkit:metadata:agent:sessionId": "s-1", "genkit:output": JSON.stringify(output), "genkit:state": "success" });
        turn.end();
      });
      assert.deepEqual([trace.status, trace.metadata.error, trace.final_output, trace.session_id], ["error", "model overloaded", "", "s-1"]);
    });

    it("a run that names no session has none; a session id too long to store is left out (counted), the run kept", async () => {
      const none = await recordedRun((otel) => runWithChild(otel, { "gen_ai.conversation.id": "" }));
      assert.equal("session_id" in none, false);
      const tooLong = await recordedRun((otel) => runWithChild(otel, { "gen_ai.conversation.id": "x".repeat(257) }));
      assert.equal("session_id" in tooLong, false);
      assert.equal(tooLong.values_repaired, 1);
    });

    it("round trip: the session is exported as gen_ai.conversation.id and read back", async () => {
      const original = { ...storedTrace(), session_id: "conversation-7" };
      const document = toOtlpJson(original);
      assert.deepEqual(document.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.attributes.find((entry) => entry.key === "gen_ai.conversation.id")?.value, { stringValue: "conversation-7" });
      const { exporter, processor } = setUp();
      replaySpans(processor, spansFromOtlp(document));
      await processor.forceFlush();
      assert.deepEqual(exporter.traces, [original]);
    });
  });

  it("never throws into the instrumented code", () => {
    const { processor } = setUp();
    const broken = { name: "invoke_agent", attributes: { "gen_ai.operation.name": "invoke_agent" }, startTime: [Number.NaN, 0] as const, spanContext: () => { throw new Error("broken span"); } };
    const warn = console.warn;
    const warnings: unknown[] = [];
    console.warn = (...args: unknown[]) => warnings.push(args);
    try {
      assert.doesNotThrow(() => processor.onStart(broken));
    } finally {
      console.warn = warn;
    }
    assert.equal(warnings.length, 1);
  });
});

describe("OpenTelemetry conventions: cached, cache-write and reasoning tokens read off model spans", () => {
  async function usageOf(emit: (otel: ReturnType<typeof setUp>["otel"], under: (span: ReturnType<ReturnType<typeof setUp>["otel"]["startSpan"]>) => Context) => void) {
    const { exporter, processor, otel } = setUp();
    emit(otel, (span) => otelTrace.setSpan(context.active(), span));
    await processor.forceFlush();
    assert.equal(exporter.traces.length, 1);
    return exporter.traces[0]!.usage;
  }

  it("GenAI: gen_ai.usage.cache_read / cache_creation inside input_tokens, reasoning inside output_tokens", async () => {
    const usage = await usageOf((otel, under) => {
      const run = otel.startSpan("invoke_agent a", { attributes: { "gen_ai.operation.name": "invoke_agent" } });
      const attributes = {
        "gen_ai.operation.name": "chat",
        "gen_ai.request.model": "claude-sonnet-4-5",
        "gen_ai.usage.input_tokens": 12050,
        "gen_ai.usage.output_tokens": 600,
        "gen_ai.usage.cache_read.input_tokens": 10000,
        "gen_ai.usage.cache_creation.input_tokens": 2000,
        "gen_ai.usage.reasoning.output_tokens": 150,
      };
      otel.startSpan("chat claude-sonnet-4-5", { attributes }, under(run)).end();
      run.end();
    });
    assert.deepEqual(usage, [{ model: "claude-sonnet-4-5", input_tokens: 12050, output_tokens: 600, cached_input_tokens: 10000, cache_write_tokens: 2000, reasoning_tokens: 150 }]);
  });

  it("Genkit: a Google model's usage (thoughts beside the candidates, cached content inside the prompt) from genkit:output", async () => {
    const usage = await usageOf((otel, under) => {
      const flow = otel.startSpan("plan", { attributes: { "genkit:type": "action", "genkit:metadata:subtype": "flow", "genkit:name": "plan" } });
      const model = otel.startSpan("googleai/gemini-2.5-flash", { attributes: { "genkit:type": "action", "genkit:metadata:subtype": "model", "genkit:name": "googleai/gemini-2.5-flash" } }, under(flow));
      const output = { finishReason: "stop", usage: { inputCharacters: 400, inputTokens: 1200, outputTokens: 300, thoughtsTokens: 100, totalTokens: 1600, cachedContentTokens: 800 } };
      model.setAttribute("genkit:output", JSON.stringify(output));
      model.end();
      flow.end();
    });
    assert.deepEqual(usage, [{ model: "googleai/gemini-2.5-flash", input_tokens: 1200, output_tokens: 400, cached_input_tokens: 800, reasoning_tokens: 100 }]);
  });

  it("AI SDK 5 doGenerate (real `ai` 5 spans): Google's usageMetadata from the provider metadata, thoughts added to the output", async () => {
    ensureContextManager();
    const { exporter, processor, otel } = setUp();
    const usageMetadata = { promptTokenCount: 1200, candidatesTokenCount: 300, thoughtsTokenCount: 100, cachedContentTokenCount: 800, totalTokenCount: 1600 };
    const model = new MockLanguageModelV2({
      provider: "google.generative-ai",
      modelId: "gemini-2.5-flash",
      // @ai-sdk/google 2.x: inputTokens = promptTokenCount, outputTokens = candidatesTokenCount, and usageMetadata in the provider metadata.
      doGenerate: async () => ({
        content: [{ type: "text", text: "hi" }],
        finishReason: "stop",
        usage: { inputTokens: 1200, outputTokens: 300, totalTokens: 1600, reasoningTokens: 100, cachedInputTokens: 800 },
        providerMetadata: { google: { usageMetadata } },
        warnings: [],
      }),
    });
    await ai5.generateText({ model, prompt: "hi", experimental_telemetry: { isEnabled: true, tracer: otel } });
    await processor.forceFlush();
    assert.deepEqual(exporter.traces[0]?.usage, [{ model: "gemini-2.5-flash", input_tokens: 1200, output_tokens: 400, cached_input_tokens: 800, reasoning_tokens: 100 }]);
  });

  it("AI SDK 5 doStream (real `ai` 5 spans): reasoning beside Google's output told by totalTokens, inside OpenAI's", async () => {
    ensureContextManager();
    for (const [provider, usage, expected] of [
      ["google.generative-ai", { inputTokens: 1200, outputTokens: 300, totalTokens: 1600, reasoningTokens: 100, cachedInputTokens: 800 }, { input_tokens: 1200, output_tokens: 400, cached_input_tokens: 800, reasoning_tokens: 100 }],
      ["openai.responses", { inputTokens: 1200, outputTokens: 400, totalTokens: 1600, reasoningTokens: 100, cachedInputTokens: 800 }, { input_tokens: 1200, output_tokens: 400, cached_input_tokens: 800, reasoning_tokens: 100 }],
      ["anthropic.messages", { inputTokens: 400, outputTokens: 400, totalTokens: 800, cachedInputTokens: 800 }, { input_tokens: 1200, output_tokens: 400, cached_input_tokens: 800 }],
    ] as const) {
      const { exporter, processor, otel } = setUp();
      const model = new MockLanguageModelV2({
        provider,
        modelId: "m",
        doStream: async () => ({
          stream: ai5.simulateReadableStream({
            chunks: [
              { type: "text-start", id: "t" },
              { type: "text-delta", id: "t", delta: "hi" },
              { type: "text-end", id: "t" },
              { type: "finish", finishReason: "stop", usage },
            ] as never[],
          }),
        }),
      });
      const result = ai5.streamText({ model, prompt: "hi", experimental_telemetry: { isEnabled: true, tracer: otel } });
      await result.consumeStream();
      await processor.forceFlush();
      assert.deepEqual(exporter.traces[0]?.usage, [{ model: "m", ...expected }], provider);
    }
  });

  it("AI SDK 6 (real `ai` 6 spans) and 7 (@ai-sdk/otel GenAI spans): the normalized details read as they are", async () => {
    ensureContextManager();
    const v3Usage = { inputTokens: { total: 12050, noCache: 50, cacheRead: 10000, cacheWrite: 2000 }, outputTokens: { total: 600, text: 450, reasoning: 150 } };
    const result = { content: [{ type: "text" as const, text: "hi" }], finishReason: { unified: "stop" as const, raw: "end_turn" }, usage: v3Usage, warnings: [] };
    {
      const { exporter, processor, otel } = setUp();
      const model = new MockLanguageModelV3({ provider: "anthropic.messages", modelId: "claude-sonnet-4-5", doGenerate: async () => result });
      await ai6.generateText({ model, prompt: "hi", experimental_telemetry: { isEnabled: true, tracer: otel } });
      await processor.forceFlush();
      assert.deepEqual(exporter.traces[0]?.usage, [{ model: "claude-sonnet-4-5", input_tokens: 12050, output_tokens: 600, cached_input_tokens: 10000, cache_write_tokens: 2000, reasoning_tokens: 150 }]);
    }
    {
      const { exporter, processor, otel } = setUp();
      const model = new MockLanguageModelV4({ provider: "anthropic.messages", modelId: "claude-sonnet-4-5", doGenerate: async () => result });
      await ai7.generateText({ model, prompt: "hi", telemetry: { integrations: [new OpenTelemetry({ tracer: otel })] } });
      await processor.forceFlush();
      // @ai-sdk/otel writes the cache counts as GenAI attributes; reasoning only with its supplemental usage attributes on.
      assert.deepEqual(exporter.traces[0]?.usage, [{ model: "claude-sonnet-4-5", input_tokens: 12050, output_tokens: 600, cached_input_tokens: 10000, cache_write_tokens: 2000 }]);
    }
  });
});
