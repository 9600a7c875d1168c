import { strict as assert } from "node:assert";
import { Runner, setTraceProcessors, setTracingDisabled } from "@openai/agents";
import { getTrace } from "@agent-traces/admin";
import type { RecordTraceResult, TraceSendError } from "@agent-traces/tracer";
import { AgentTracesTracingProcessor } from "@agent-traces/openai-agents";
import { adminFirestore, clearFirestore, clientSession, type ClientSession } from "../support/emulators.js";
import { FIRST_CALL_TOKENS, PARTIAL_ANSWER, ScriptedModel, SECOND_CALL_TOKENS, travelAgent } from "./support/openaiAgents.js";
import { sampledTraceId } from "./support/sampledIds.js";
import { storedSession, storedTrace } from "./support/storedTrace.js";

describe("OpenAI Agents SDK: Runner -> AgentTracesTracingProcessor -> recordTrace (functions emulator) -> Firestore", () => {
  let client: ClientSession;
  let processor: AgentTracesTracingProcessor;
  const sent: RecordTraceResult[] = [];
  const failed: TraceSendError[] = [];

  before(async () => {
    await clearFirestore();
    client = await clientSession();
    setTracingDisabled(false); // the SDK turns tracing off when NODE_ENV is "test"
    processor = new AgentTracesTracingProcessor({
      functions: client.functions,
      scheduledDelayMs: 50,
      onSent: (result) => sent.push(result),
      onError: (error) => failed.push(error),
    });
    setTraceProcessors([processor]); // replaces the SDK's default exporter to OpenAI: nothing leaves the machine
  });
  after(async () => {
    await processor.forceFlush();
    setTraceProcessors([]); // the SDK's processors are global: none is left for other tests (this shuts ours down)
    await client.close();
  });

  it("stores a run with both tool calls (the failed one flagged), its turns, usage, agent and user", async () => {
    const id = sampledTraceId(true); // a success the 10% sampler keeps, so the test does not depend on chance
    const result = await new Runner({ traceId: `trace_${id}`, traceMetadata: { user_id: "user-42", tenant: "acme" } }).run(travelAgent({ flightsThrow: true }), "trip #1");
    assert.equal(result.finalOutput, "Trip #1: sunny, no flights.");
    await processor.forceFlush();

    assert.deepEqual(failed, []);
    assert.deepEqual(sent.find((answer) => answer.trace_id === id), { trace_id: id, stored: true, reason: "failed_tool" });
    const stored = await storedTrace(id);
    assert.equal(stored.status, "success", "the SDK hands a tool's error to the model: the run goes on");
    assert.equal(stored.user_id, "user-42");
    assert.equal(stored.session_id, undefined, "no groupId, no session");
    assert.equal(stored.skill, "travel");
    assert.equal(stored.recorded_by, client.uid);
    assert.equal(stored.iterations, 2);
    assert.deepEqual(stored.metadata, { tenant: "acme" });
    assert.deepEqual(stored.usage, [
      { model: "unknown", input_tokens: FIRST_CALL_TOKENS.inputTokens + SECOND_CALL_TOKENS.inputTokens, output_tokens: FIRST_CALL_TOKENS.outputTokens + SECOND_CALL_TOKENS.outputTokens },
    ]);
    assert.deepEqual(
      stored.tool_traces.map(({ name, input, output, is_error }) => ({ name, input, output, is_error })),
      [
        { name: "get_weather", input: { city: "city-1" }, output: "sunny in city-1", is_error: false },
        // The SDK's default errorFunction redacts the error from the span; a tool with an errorFunction of its own keeps it.
        { name: "get_flights", input: { from: "from-1", to: "to-1" }, output: "Tool execution failed. Error details are redacted.", is_error: true },
      ],
    );
    assert.equal(stored.tool_error_count, 1);
    assert.ok(stored.duration_ms !== null && stored.duration_ms >= 0);
    for (const call of stored.tool_traces) assert.ok(Date.parse(stored.started_at) <= Date.parse(call.timestamp) && Date.parse(call.timestamp) <= Date.parse(stored.ended_at!));
  });

  it("a 5-run conversation (Runner groupId) is one session in Firestore, its runs in order", async () => {
    const groupId = `thread-${sampledTraceId(true).slice(0, 12)}`;
    const ids: string[] = [];
    for (let trip = 20; trip < 25; trip++) {
      const id = sampledTraceId(true);
      ids.push(id);
      const result = await new Runner({ traceId: `trace_${id}`, groupId, traceMetadata: { user_id: "user-chatting" } }).run(travelAgent(), `trip #${trip}`);
      assert.equal(result.finalOutput, `Trip #${trip}: sunny, no flights.`);
    }
    await processor.forceFlush();

    assert.deepEqual(failed, []);
    for (const id of ids) assert.deepEqual(sent.find((answer) => answer.trace_id === id), { trace_id: id, stored: true, reason: "sampled" });
    const session = await storedSession(groupId);
    assert.deepEqual(session.map((stored) => stored.trace_id), ids, "the session's 5 runs, oldest first");
    for (const [index, stored] of session.entries()) {
      assert.equal(stored.session_id, groupId);
      assert.equal(stored.user_id, "user-chatting");
      assert.equal(stored.status, "success");
      assert.deepEqual(stored.tool_traces.map((call) => call.input), [{ city: `city-${20 + index}` }, { from: `from-${20 + index}`, to: `to-${20 + index}` }], `run ${index + 1} holds its own calls`);
    }
  });

  it("stores a failed tool's own message when the tool has an errorFunction", async () => {
    const id = sampledTraceId(true);
    await new Runner({ traceId: `trace_${id}` }).run(travelAgent({ flightsThrow: true, errorFunction: () => "Flights are unavailable." }), "trip #2");
    await processor.forceFlush();
    const stored = await storedTrace(id);
    assert.deepEqual(stored.tool_traces.map((call) => [call.name, call.is_error, call.output]), [
      ["get_weather", false, "sunny in city-2"],
      ["get_flights", true, "Error: flights backend down (from-2->to-2)"],
    ]);
  });

  it("stores a run that throws (errorFunction: null) as an error with its message, whatever its id", async () => {
    const id = sampledTraceId(false); // errors are kept even when the sampler would drop the id
    await assert.rejects(new Runner({ traceId: `trace_${id}`, traceMetadata: { user_id: "bob" } }).run(travelAgent({ flightsThrow: true, errorFunction: null }), "trip #3"), /flights backend down/);
    await processor.forceFlush();

    assert.deepEqual(failed, []);
    assert.deepEqual(sent.find((answer) => answer.trace_id === id), { trace_id: id, stored: true, reason: "error" });
    const stored = await storedTrace(id);
    assert.equal(stored.status, "error");
    assert.equal(stored.user_id, "bob");
    assert.equal(stored.iterations, 1);
    assert.match(String(stored.metadata.error), /^ToolCallError: .*flights backend down \(from-3->to-3\)/);
    assert.deepEqual(stored.tool_traces.map((call) => [call.name, call.is_error, call.output]), [
      ["get_weather", false, "sunny in city-3"],
      ["get_flights", true, "Error: flights backend down (from-3->to-3)"],
    ]);
  });

  it("stores a streamed run the app aborts (signal) after a partial answer as a timeout, though the SDK ends every span without an error", async () => {
    const id = sampledTraceId(false); // a success under this id would not be stored
    const abort = new AbortController();
    const agent = travelAgent({ model: new ScriptedModel({ answerStalls: true }) });
    const result = await new Runner({ traceId: `trace_${id}`, traceMetadata: { user_id: "dora" } }).run(agent, "trip #5", { stream: true, signal: abort.signal });
    let text = "";
    for await (const event of result) {
      if (event.type === "raw_model_stream_event" && event.data.type === "output_text_delta") text += event.data.delta;
      if (text === PARTIAL_ANSWER) abort.abort(); // the user pressed stop
    }
    await result.completed;
    // The SDK ends a cancelled run's trace a little after `completed` settles.
    for (const deadline = Date.now() + 10_000; processor.stats.open > 0 && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(result.cancelled, true, "the SDK reports the run cancelled, not failed");
    await processor.forceFlush();

    assert.deepEqual(failed, []);
    assert.deepEqual(sent.find((answer) => answer.trace_id === id), { trace_id: id, stored: true, reason: "timeout" });
    const stored = await storedTrace(id);
    assert.equal(stored.status, "timeout");
    assert.equal(stored.user_id, "dora");
    assert.equal(stored.iterations, 2, "the tool turn and the turn cut off");
    assert.match(String(stored.metadata.error), /^aborted: /);
    assert.deepEqual(stored.tool_traces.map((call) => call.name), ["get_weather", "get_flights"]);
    assert.deepEqual(stored.usage, [{ model: "unknown", input_tokens: FIRST_CALL_TOKENS.inputTokens, output_tokens: FIRST_CALL_TOKENS.outputTokens }], "the answer never came: only the first call's tokens");
  });

  it("stores every success whose tool failed, 20 of 20 under ids the sampler drops: kept for failed_tool, weight 1", async () => {
    const agent = travelAgent({ flightsThrow: true });
    const ids = Array.from({ length: 20 }, () => sampledTraceId(false));
    const keptByRule = processor.tracer.stats.keptByRule;
    const results = await Promise.all(ids.map((id, index) => new Runner({ traceId: `trace_${id}`, traceMetadata: { user_id: `kept-${index}` } }).run(agent, `trip #${40 + index}`)));
    assert.deepEqual(results.map((result) => result.finalOutput), ids.map((_, index) => `Trip #${40 + index}: sunny, no flights.`), "the SDK hands the error to the model: every run answers");
    await processor.forceFlush();

    assert.deepEqual(failed, []);
    assert.equal(processor.tracer.stats.keptByRule, keptByRule + 20, "the tracer's keep rule sent them");
    for (const [index, id] of ids.entries()) {
      assert.deepEqual(sent.find((answer) => answer.trace_id === id), { trace_id: id, stored: true, reason: "failed_tool" });
      const stored = await storedTrace(id);
      assert.deepEqual([stored.status, stored.kept_for, stored.sample_rate, stored.weight], ["success", "failed_tool", 1, 1], `trace ${index}`);
      assert.equal(stored.user_id, `kept-${index}`);
      assert.deepEqual(stored.tool_traces.map((call) => [call.name, call.is_error]), [["get_weather", false], ["get_flights", true]], `trace ${index}`);
    }
  });

  it("does not send a success whose id the sampler drops", async () => {
    const id = sampledTraceId(false);
    await new Runner({ traceId: `trace_${id}` }).run(travelAgent(), "trip #4");
    await processor.forceFlush();
    assert.equal(sent.find((answer) => answer.trace_id === id), undefined);
    assert.equal(await getTrace(adminFirestore(), id), undefined);
  });

  it("keeps 20 concurrent runs apart: each stored trace holds exactly its own calls", async () => {
    const agent = travelAgent();
    const ids = Array.from({ length: 20 }, () => sampledTraceId(true));
    await Promise.all(ids.map((id, index) => new Runner({ traceId: `trace_${id}`, traceMetadata: { user_id: `user-${index}` } }).run(agent, `trip #${index}`)));
    await processor.forceFlush();

    assert.deepEqual(failed, []);
    for (const [index, id] of ids.entries()) {
      const stored = await storedTrace(id);
      assert.equal(stored.user_id, `user-${index}`);
      assert.equal(stored.iterations, 2);
      assert.deepEqual(
        stored.tool_traces.map((call) => [call.name, call.input, call.output]),
        [
          ["get_weather", { city: `city-${index}` }, `sunny in city-${index}`],
          ["get_flights", { from: `from-${index}`, to: `to-${index}` }, `no flights from-${index}->to-${index}`],
        ],
        `trace ${index}`,
      );
    }
  });
});
