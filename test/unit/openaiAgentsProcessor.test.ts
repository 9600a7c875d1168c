import { strict as assert } from "node:assert";
import { Agent, Runner, setTraceProcessors, setTracingDisabled, Usage, withResponseSpan, withTrace, type Model, type ModelRequest, type ModelResponse, type StreamEvent } from "@openai/agents";
import type { RecordTraceBatchItemResult, SanitizedTrace } from "@agent-traces/core";
import { createTracer, TraceDroppedError, type TraceExporter, type TraceSendError } from "@agent-traces/tracer";
import { AgentTracesTracingProcessor } from "@agent-traces/openai-agents";
import { FIRST_CALL_TOKENS, PARTIAL_ANSWER, ScriptedModel, SECOND_CALL_TOKENS, travelAgent } from "../integration/frameworks/support/openaiAgents.js";

/** Keeps every trace it is sent and answers each as stored. */
class KeepingExporter implements TraceExporter {
  readonly traces: SanitizedTrace[] = [];
  async export(traces: readonly SanitizedTrace[]): Promise<RecordTraceBatchItemResult[]> {
    this.traces.push(...traces);
    return traces.map((trace) => ({ trace_id: trace.trace_id, stored: true, reason: trace.status === "success" ? "sampled" : trace.status }));
  }
}

const TOTAL_TOKENS = { input_tokens: FIRST_CALL_TOKENS.inputTokens + SECOND_CALL_TOKENS.inputTokens, output_tokens: FIRST_CALL_TOKENS.outputTokens + SECOND_CALL_TOKENS.outputTokens };

describe("OpenAI Agents SDK: the tracing processor on the real SDK (scripted model, no network)", () => {
  let exporter: KeepingExporter;
  let processor: AgentTracesTracingProcessor;

  before(() => setTracingDisabled(false)); // the SDK turns tracing off when NODE_ENV is "test"
  beforeEach(() => {
    exporter = new KeepingExporter();
    processor = new AgentTracesTracingProcessor({ tracer: createTracer({ exporter, sampleRate: 1, scheduledDelayMs: 0 }) });
    setTraceProcessors([processor]);
  });
  after(() => setTraceProcessors([])); // the SDK's processors are global: nothing is left registered

  async function recorded(): Promise<SanitizedTrace[]> {
    await processor.forceFlush();
    return exporter.traces;
  }

  it("maps a run: tools (a non-fatal failure flagged, with the SDK's redacted text), turns, usage, skill, user, trace id", async () => {
    const id = "0af7651916cd43dd8448eb211c80319c";
    const result = await new Runner({ traceId: `trace_${id}`, traceMetadata: { user_id: "user-42", tenant: "acme" } }).run(travelAgent({ flightsThrow: true }), "trip #3");
    assert.equal(result.finalOutput, "Trip #3: sunny, no flights.");
    const [trace, ...others] = await recorded();
    assert.deepEqual(others, []);
    assert.equal(trace!.trace_id, id);
    assert.equal(trace!.user_id, "user-42");
    assert.equal(trace!.skill, "travel");
    assert.equal(trace!.status, "success", "a tool error the SDK hands to the model does not fail the run");
    assert.equal(trace!.iterations, 2);
    assert.deepEqual(trace!.metadata, { tenant: "acme" });
    assert.deepEqual(trace!.usage, [{ model: "unknown", ...TOTAL_TOKENS }]);
    assert.equal(trace!.final_output, "", "the SDK's spans do not carry the final output");
    assert.deepEqual(
      trace!.tool_traces.map(({ name, input, output, is_error }) => ({ name, input, output, is_error })),
      [
        { name: "get_weather", input: { city: "city-3" }, output: "sunny in city-3", is_error: false },
        { name: "get_flights", input: { from: "from-3", to: "to-3" }, output: "Tool execution failed. Error details are redacted.", is_error: true },
      ],
    );
    assert.ok(Date.parse(trace!.started_at) <= Date.parse(trace!.tool_traces[0]!.timestamp));
    assert.ok(Date.parse(trace!.tool_traces[1]!.timestamp) <= Date.parse(trace!.ended_at!));
  });

  it("the trace's groupId is the run's session: a conversation of three runs is one session; a run without one has none", async () => {
    const agent = travelAgent();
    for (const trip of [1, 2, 3]) await new Runner({ groupId: "thread-abc", traceMetadata: { user_id: "user-7" } }).run(agent, `trip #${trip}`);
    await withTrace("one trip", async () => void (await new Runner().run(agent, "trip #4")), { groupId: "thread-def" });
    await new Runner().run(agent, "trip #5");
    const traces = await recorded();
    const bySession = (sessionId: string | undefined) => traces.filter((trace) => trace.session_id === sessionId).map((trace) => trace.tool_traces[0]!.input.city);
    assert.deepEqual(bySession("thread-abc"), ["city-1", "city-2", "city-3"]);
    assert.deepEqual(bySession("thread-def"), ["city-4"], "withTrace's groupId");
    assert.deepEqual(bySession(undefined), ["city-5"]);
    assert.ok(traces.every((trace) => !("groupId" in trace.metadata) && !("group_id" in trace.metadata)), "the group is the session, not metadata");
  });

  it("keeps a failed tool's own message when the tool has an errorFunction of its own", async () => {
    const errorFunction = () => "The flights service is unavailable; answer without flights.";
    await new Runner().run(travelAgent({ flightsThrow: true, errorFunction }), "trip #4");
    const [trace] = await recorded();
    assert.deepEqual(trace!.tool_traces.map((call) => [call.name, call.is_error, call.output]), [
      ["get_weather", false, "sunny in city-4"],
      ["get_flights", true, "Error: flights backend down (from-4->to-4)"],
    ]);
  });

  it("records a run that throws (errorFunction: null) as an error, though the SDK never ends its trace", async () => {
    await assert.rejects(new Runner({ traceMetadata: { user_id: "bob" }, groupId: "thread-bob" }).run(travelAgent({ flightsThrow: true, errorFunction: null }), "trip #5"), /flights backend down/);
    const [trace, ...others] = await recorded();
    assert.deepEqual(others, []);
    assert.equal(trace!.status, "error");
    assert.equal(trace!.user_id, "bob");
    assert.equal(trace!.session_id, "thread-bob", "the session, though the run ended before its trace did");
    assert.equal(trace!.iterations, 1);
    assert.match(String(trace!.metadata.error), /^ToolCallError: .*flights backend down \(from-5->to-5\)/);
    assert.deepEqual(trace!.tool_traces.map((call) => [call.name, call.is_error, call.output]), [
      ["get_weather", false, "sunny in city-5"],
      ["get_flights", true, "Error: flights backend down (from-5->to-5)"],
    ]);
    assert.deepEqual(trace!.usage, [{ model: "unknown", input_tokens: FIRST_CALL_TOKENS.inputTokens, output_tokens: FIRST_CALL_TOKENS.outputTokens }]);
  });

  it("records the runs inside one withTrace as one run, its user from the trace's metadata", async () => {
    const agent = travelAgent();
    await withTrace(
      "two trips",
      async () => {
        await new Runner().run(agent, "trip #1");
        await new Runner().run(agent, "trip #2");
      },
      { metadata: { user_id: "carol" } },
    );
    const [trace, ...others] = await recorded();
    assert.deepEqual(others, [], "one trace, not one per run");
    assert.equal(trace!.user_id, "carol");
    assert.equal(trace!.iterations, 4);
    assert.deepEqual(trace!.tool_traces.map((call) => call.output), ["sunny in city-1", "no flights from-1->to-1", "sunny in city-2", "no flights from-2->to-2"]);
    assert.deepEqual(trace!.usage, [{ model: "unknown", input_tokens: 2 * TOTAL_TOKENS.input_tokens, output_tokens: 2 * TOTAL_TOKENS.output_tokens }]);
  });

  it("inside a withTrace, a run that fails ends the trace as an error; the runs after it add nothing", async () => {
    await withTrace("retry", async () => {
      await new Runner().run(travelAgent({ flightsThrow: true, errorFunction: null }), "trip #6").catch(() => undefined);
      await new Runner().run(travelAgent(), "trip #7");
    });
    const [trace, ...others] = await recorded();
    assert.deepEqual(others, [], "no second trace under the same id");
    assert.equal(trace!.status, "error");
    assert.deepEqual(trace!.tool_traces.map((call) => call.input), [{ city: "city-6" }, { from: "from-6", to: "to-6" }]);
  });

  it("records a streamed run the app aborts after a partial answer as a timeout (the SDK ends its spans without an error)", async () => {
    const abort = new AbortController();
    const result = await new Runner().run(travelAgent({ model: new ScriptedModel({ answerStalls: true }) }), "trip #9", { stream: true, signal: abort.signal });
    let text = "";
    for await (const event of result) {
      if (event.type === "raw_model_stream_event" && event.data.type === "output_text_delta") text += event.data.delta;
      if (text === PARTIAL_ANSWER) abort.abort();
    }
    await result.completed;
    // The SDK ends a cancelled run's trace a little after `completed` settles.
    for (const deadline = Date.now() + 10_000; processor.stats.open > 0 && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(result.cancelled, true);
    const [trace, ...others] = await recorded();
    assert.deepEqual(others, []);
    assert.equal(trace?.status, "timeout");
    assert.equal(trace!.metadata.error, "aborted: the run ended before the model answered its last turn");
    assert.equal(trace!.iterations, 2);
  });

  it("records a streamed run that answers as a success", async () => {
    const result = await new Runner().run(travelAgent(), "trip #10", { stream: true });
    for await (const _event of result);
    await result.completed;
    const [trace] = await recorded();
    assert.equal(trace?.status, "success");
    assert.deepEqual(trace!.usage, [{ model: "unknown", ...TOTAL_TOKENS }]);
  });

  it("keeps a turn's cached and cache-write tokens, and the reasoning its response span's Responses usage reports", async () => {
    // As OpenAIResponsesModel does: the raw Responses usage on a response span, the SDK's Usage (cached tokens in its details) for the turn.
    const raw = { input_tokens: 5000, input_tokens_details: { cached_tokens: 4096 }, output_tokens: 1800, output_tokens_details: { reasoning_tokens: 1536 }, total_tokens: 6800 };
    const model: Model = {
      getResponse: (_request: ModelRequest): Promise<ModelResponse> =>
        withResponseSpan(async (span) => {
          span.spanData._response = { model: "gpt-5", usage: raw };
          const usage = new Usage({ requests: 1, inputTokens: 5000, outputTokens: 1800, totalTokens: 6800, inputTokensDetails: { cached_tokens: 4096 }, outputTokensDetails: { reasoning_tokens: 1536 } });
          return { responseId: "resp_1", usage, output: [{ type: "message", id: "msg_1", role: "assistant", status: "completed", content: [{ type: "output_text", text: "done" }] }] };
        }),
      getStreamedResponse: (): AsyncIterable<StreamEvent> => {
        throw new Error("not streamed");
      },
    };
    await new Runner().run(new Agent({ name: "reasoner", model }), "think");
    const [trace] = await recorded();
    assert.deepEqual(trace!.usage, [{ model: "gpt-5", input_tokens: 5000, output_tokens: 1800, cached_input_tokens: 4096, reasoning_tokens: 1536 }]);
  });

  it("names the model when a custom Model reports it on a generation span", async () => {
    await new Runner().run(travelAgent({ model: new ScriptedModel({ generationModel: "scripted-1" }) }), "trip #8");
    const [trace] = await recorded();
    assert.deepEqual(trace!.usage, [{ model: "scripted-1", ...TOTAL_TOKENS }]);
    assert.equal(trace!.iterations, 2);
  });

  it("keeps concurrent runs apart: each trace holds exactly its own calls", async () => {
    const agent = travelAgent();
    const ids = await Promise.all(
      Array.from({ length: 20 }, async (_, index) => {
        const runner = new Runner({ traceMetadata: { user_id: `user-${index}` } });
        await runner.run(agent, `trip #${index}`);
        return index;
      }),
    );
    const traces = await recorded();
    assert.equal(traces.length, ids.length);
    for (const trace of traces) {
      const index = String(trace.user_id).replace("user-", "");
      assert.deepEqual(trace.tool_traces.map((call) => call.input), [{ city: `city-${index}` }, { from: `from-${index}`, to: `to-${index}` }]);
      assert.equal(trace.iterations, 2);
      assert.deepEqual(trace.usage, [{ model: "unknown", ...TOTAL_TOKENS }]);
    }
    assert.equal(new Set(traces.map((trace) => trace.user_id)).size, ids.length);
  });

  it("beyond maxOpenRuns gives up the oldest run (reported, counted); its later spans are ignored and push out no other run", async () => {
    const reported: TraceSendError[] = [];
    processor = new AgentTracesTracingProcessor({ tracer: createTracer({ exporter, sampleRate: 1, scheduledDelayMs: 0 }), maxOpenRuns: 2, onError: (error) => reported.push(error) });
    setTraceProcessors([processor]);
    const agent = travelAgent();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const ids = ["0af7651916cd43dd8448eb211c80319a", "0af7651916cd43dd8448eb211c80319b", "0af7651916cd43dd8448eb211c80319c"];
    // Each SDK trace opens as withTrace starts it; the runs inside wait for the gate, so all three are open at once.
    const runs = ids.map((id, index) => withTrace(`trip ${index}`, async () => (await gate, new Runner().run(agent, `trip #${index}`)), { traceId: `trace_${id}`, metadata: { user_id: `user-${index}` } }));
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.deepEqual(reported.map((error) => [error.traceId, (error.cause as TraceDroppedError).reason]), [[ids[0], "evicted"]], "the oldest run, reported");
    release();
    await Promise.all(runs);
    const traces = await recorded();
    assert.deepEqual(traces.map((trace) => trace.user_id).sort(), ["user-1", "user-2"], "the given-up run was not re-opened, and pushed out neither other run");
    assert.equal(reported.length, 1);
    const { ignoredSpans, ...stats } = processor.stats;
    assert.deepEqual(stats, { runs: 2, open: 0, evictedRuns: 1, expiredRuns: 0 });
    assert.ok(ignoredSpans >= 4, `the given-up run's spans were counted as ignored (${ignoredSpans})`);
  });
});
