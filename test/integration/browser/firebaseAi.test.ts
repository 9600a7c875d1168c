import { strict as assert } from "node:assert";
import { randomTraceId, TraceIdRatioBasedSampler } from "@agent-traces/core";
import { getTrace, TRACES_COLLECTION } from "@agent-traces/admin";
import type { RecordTraceResult } from "@agent-traces/tracer";
import type { ScenarioResult } from "./pages/firebaseAi.js";
import { FLIGHTS, FLIGHTS_DOWN, MODEL, WEATHER } from "./pages/shared.js";
import { adminFirestore, clearFirestore } from "../support/emulators.js";
import { useBrowserSuite, type Tab } from "./support/browserSuite.js";
import { ANSWER, FUNCTION_CALLS, stubGemini, USAGE, type GeminiRequest } from "./support/geminiStub.js";

const SERVER_SAMPLE_RATE = 0.1;

type Scenario = "chat" | "chatStream" | "chatStreamResponse" | "manual";
interface AiPageApi {
  testApi: Record<Scenario, (flightsFail: boolean) => Promise<ScenarioResult>> & {
    sharedChat(): Promise<ScenarioResult[]>;
    conversation(traceIds: string[]): Promise<{ sessionId: string; results: ScenarioResult[] }>;
    manualRunsKeptByRule(traceIds: string[]): Promise<ScenarioResult[]>;
    keptByRule(): number;
    uid(): string;
    flush(timeoutMs: number): Promise<{ flushed: boolean; sent: RecordTraceResult[]; errors: string[] }>;
  };
}

type TraceShape = {
  trace_id: string;
  status: string;
  iterations: number;
  final_output: string;
  tool_traces: { name: string; input: Record<string, unknown>; output: string; is_error: boolean }[];
  usage?: { model: string; input_tokens: number; output_tokens: number }[];
  metadata: Record<string, unknown>;
};

interface Ran {
  tab: Tab;
  result: ScenarioResult;
  requests: GeminiRequest[];
  uid: string;
  answer: RecordTraceResult | undefined;
}

const both = (usage: readonly { promptTokenCount: number; candidatesTokenCount: number }[]) => [
  { model: MODEL, input_tokens: usage.reduce((sum, turn) => sum + turn.promptTokenCount, 0), output_tokens: usage.reduce((sum, turn) => sum + turn.candidatesTokenCount, 0) },
];

/**
 * How long a test waits for the tracer to deliver: its whole retry window (about 32 s of backoff plus
 * 10 s call timeouts) with room for a loaded 2-core machine, where one call through the functions
 * emulator can take many seconds. Not a speed assertion: a quiet machine is done in well under a second.
 */
const FLUSH_WAIT_MS = 150_000;
const TEST_TIMEOUT_MS = FLUSH_WAIT_MS + 60_000;

describe("the tracer in the browser: Firebase AI Logic agents (firebase/ai, Gemini answered by request interception)", () => {
  const suite = useBrowserSuite(["firebaseAi"]);
  const sampler = new TraceIdRatioBasedSampler(SERVER_SAMPLE_RATE);

  before(async () => {
    await clearFirestore();
  });

  /** Opens the page with Gemini stubbed, runs `scenario`, flushes the tracer and returns what happened. */
  async function run(scenario: Scenario, flightsFail: boolean): Promise<Ran> {
    let requests: GeminiRequest[] = [];
    const tab = await suite.open("/firebaseAi.html", {
      beforeLoad: async (opened) => {
        requests = await stubGemini(opened.page);
      },
    });
    const result = await tab.page.evaluate((name: Scenario, fail: boolean) => (window as unknown as AiPageApi).testApi[name](fail), scenario, flightsFail);
    const flushed = await tab.page.evaluate((wait: number) => (window as unknown as AiPageApi).testApi.flush(wait), FLUSH_WAIT_MS);
    assert.equal(flushed.flushed, true, "flush() saw the run answered");
    assert.deepEqual(flushed.errors, [], "the run was sent");
    const uid = await tab.page.evaluate(() => (window as unknown as AiPageApi).testApi.uid());
    return { tab, result, requests, uid, answer: flushed.sent.find((answer) => answer.trace_id === result.traceId) };
  }

  /** The stored trace, read back raw too (`usage` as Firestore holds it); `undefined` when not stored. */
  async function storedTrace(traceId: string): Promise<{ trace: TraceShape; raw: Record<string, unknown> } | undefined> {
    const trace = await getTrace(adminFirestore(), traceId);
    if (!trace) return undefined;
    const raw = (await adminFirestore().collection(TRACES_COLLECTION).doc(traceId).get()).data()!;
    return { trace: trace as unknown as TraceShape, raw };
  }

  /**
   * Checks the stored copy when the server keeps this run: always for a failure or a success with a
   * failed tool call (the default keep rule, on the tracer and the server), other successes only when
   * the sampler keeps their id. Usage is compared without the cost the server adds to each priced model.
   */
  async function checkStored(ran: Ran, check: (trace: TraceShape) => void): Promise<void> {
    const { traceId } = ran.result;
    const input = ran.result.traceInput as TraceShape;
    const failedTool = input.status === "success" && input.tool_traces.some((tool) => tool.is_error);
    const kept = input.status !== "success" || failedTool || sampler.shouldSample(traceId);
    const reason = input.status === "error" ? "error" : failedTool ? "failed_tool" : kept ? "sampled" : "sampled_out";
    assert.deepEqual(ran.answer, { trace_id: traceId, stored: kept, reason }, "the server's answer");
    const stored = await storedTrace(traceId);
    assert.equal(Boolean(stored), kept, `stored exactly when ${input.status === "error" ? "failed" : "kept"}`);
    if (!stored) return;
    assert.equal(stored.raw.recorded_by, ran.uid);
    check({ ...stored.trace, usage: withoutCost(stored.trace.usage) });
    assert.deepEqual(withoutCost(stored.raw.usage as TraceShape["usage"]), input.usage, "the stored document holds the run's usage");
    assert.ok(typeof stored.raw.cost_usd === "number" && stored.raw.cost_usd > 0, `${MODEL} is priced: the run has a cost`);
  }

  it("chat.sendMessage with functionReference: a function that throws fails the send, and the run records both calls, the model turn and its usage", async function () {
    this.timeout(TEST_TIMEOUT_MS);
    const ran = await run("chat", true);
    const { result, requests } = ran;
    // What the SDK does (firebase/ai _callFunctionsAsNeeded): a throwing function rejects sendMessage with an AIError, no second model call.
    assert.deepEqual(result.settled, { ok: false, message: `AI: Error in user-defined function "get_flights": ${FLIGHTS_DOWN} (AI/error)` });
    assert.equal(requests.length, 1, "one model call: the SDK stops at the function error");
    assert.match(requests[0]!.url, new RegExp(`/models/${MODEL.replace(/\./g, "\\.")}:generateContent$`));
    assert.deepEqual(result.calls.map((call) => call.name), ["get_weather", "get_flights"], "both functions ran");

    const check = (trace: TraceShape) => {
      assert.equal(trace.status, "error");
      assert.ok(trace.iterations >= 1, `at least one iteration (got ${trace.iterations})`);
      assert.deepEqual(
        trace.tool_traces.map((tool) => ({ name: tool.name, input: tool.input, is_error: tool.is_error })),
        FUNCTION_CALLS.map((call) => ({ name: call.name, input: call.args, is_error: call.name === "get_flights" })),
      );
      assert.equal(trace.tool_traces.find((tool) => tool.name === "get_flights")!.output, FLIGHTS_DOWN);
      assert.deepEqual(JSON.parse(trace.tool_traces.find((tool) => tool.name === "get_weather")!.output), WEATHER);
      assert.deepEqual(trace.usage, both([USAGE.functionCalls]), "the model's tokens under its name");
      assert.match(String(trace.metadata.error), /get_flights/);
    };
    check(result.traceInput as TraceShape);
    await checkStored(ran, check);
    assert.ok(await storedTrace(result.traceId), "a failed run is always stored");
    ran.tab.assertNoProblems();
  });

  it("chat.sendMessage, both functions answering: two model turns, both calls, the answer and the tokens of both turns", async function () {
    this.timeout(TEST_TIMEOUT_MS);
    const ran = await run("chat", false);
    const { result, requests } = ran;
    assert.deepEqual(result.settled, { ok: true, value: ANSWER.join("") });
    assert.equal(requests.length, 2);
    assertFunctionResponses(requests[1]!, { get_weather: WEATHER, get_flights: FLIGHTS }, "user");
    const check = (trace: TraceShape) => {
      assert.equal(trace.status, "success");
      assert.equal(trace.iterations, 2, "one iteration per model response");
      assert.deepEqual(trace.tool_traces.map((tool) => [tool.name, tool.is_error]), [["get_weather", false], ["get_flights", false]]);
      assert.equal(trace.final_output, ANSWER.join(""));
      assert.deepEqual(trace.usage, both([USAGE.functionCalls, USAGE.answer]));
    };
    check(result.traceInput as TraceShape);
    await checkStored(ran, check);
    ran.tab.assertNoProblems();
  });

  it("chat.sendMessageStream read to the end: the same calls, turns and tokens as sendMessage", async function () {
    this.timeout(TEST_TIMEOUT_MS);
    const ran = await run("chatStream", false);
    const { result, requests } = ran;
    assert.deepEqual(result.settled, { ok: true, value: ANSWER.join("") });
    assert.deepEqual(requests.map((request) => request.stream), [true, true], "two streamed model calls");
    assertFunctionResponses(requests[1]!, { get_weather: WEATHER, get_flights: FLIGHTS }, "user");
    const check = (trace: TraceShape) => {
      assert.equal(trace.status, "success");
      assert.equal(trace.iterations, 2);
      assert.deepEqual(trace.tool_traces.map((tool) => [tool.name, tool.is_error]), [["get_weather", false], ["get_flights", false]]);
      assert.deepEqual(trace.usage, both([USAGE.functionCalls, USAGE.answer]), "the streamed turns' tokens (each in the stream's last chunk)");
    };
    check(result.traceInput as TraceShape);
    await checkStored(ran, check);
    ran.tab.assertNoProblems();
  });

  it("chat.sendMessageStream with only its aggregated response awaited (the stream never read): the tokens still count", async function () {
    this.timeout(TEST_TIMEOUT_MS);
    const ran = await run("chatStreamResponse", false);
    const { result, requests } = ran;
    assert.deepEqual(result.settled, { ok: true, value: ANSWER.join("") });
    assert.deepEqual(requests.map((request) => request.stream), [true, true]);
    const check = (trace: TraceShape) => {
      assert.equal(trace.iterations, 2);
      assert.deepEqual(trace.tool_traces.map((tool) => [tool.name, tool.is_error]), [["get_weather", false], ["get_flights", false]]);
      assert.deepEqual(trace.usage, both([USAGE.functionCalls, USAGE.answer]));
    };
    check(result.traceInput as TraceShape);
    await checkStored(ran, check);
    ran.tab.assertNoProblems();
  });

  it("two runs sending at once through one chat session: each records the calls its own message caused, never the other's", async function () {
    this.timeout(TEST_TIMEOUT_MS);
    let requests: GeminiRequest[] = [];
    const tab = await suite.open("/firebaseAi.html", {
      beforeLoad: async (opened) => {
        requests = await stubGemini(opened.page);
      },
    });
    const results = await tab.page.evaluate(() => (window as unknown as AiPageApi).testApi.sharedChat());
    assert.equal(requests.length, 4, "two model calls per message");
    assert.deepEqual(results[0]!.calls.map((call) => (call.args as { ask: string }).ask), ["0", "0", "1", "1"], "the session's sends took turns");
    results.forEach((result, index) => {
      assert.deepEqual(result.settled, { ok: true, value: ANSWER.join("") });
      const trace = result.traceInput as TraceShape;
      assert.deepEqual(
        trace.tool_traces.map((tool) => ({ name: tool.name, input: tool.input })),
        FUNCTION_CALLS.map((call) => ({ name: call.name, input: { ...call.args, ask: String(index) } })),
        `run ${index} holds exactly the calls its own message caused`,
      );
      assert.equal(trace.iterations, 2, `run ${index}: its own two model turns`);
      assert.deepEqual(trace.usage, both([USAGE.functionCalls, USAGE.answer]), `run ${index}: its own turns' tokens`);
    });
    const flushed = await tab.page.evaluate((wait: number) => (window as unknown as AiPageApi).testApi.flush(wait), FLUSH_WAIT_MS);
    assert.equal(flushed.flushed, true);
    assert.deepEqual(flushed.errors, []);
    tab.assertNoProblems();
  });

  it("a 5-run conversation through one chat session (traceChat) is one session in Firestore: its runs in order, each with its own calls", async function () {
    this.timeout(TEST_TIMEOUT_MS);
    let requests: GeminiRequest[] = [];
    const tab = await suite.open("/firebaseAi.html", {
      beforeLoad: async (opened) => {
        requests = await stubGemini(opened.page);
      },
    });
    // Ids the server's sampler keeps, so that every run of the conversation is stored.
    const traceIds = Array.from({ length: 5 }, () => {
      for (;;) {
        const id = randomTraceId();
        if (sampler.shouldSample(id)) return id;
      }
    });
    const { sessionId, results } = await tab.page.evaluate((ids: string[]) => (window as unknown as AiPageApi).testApi.conversation(ids), traceIds);
    const flushed = await tab.page.evaluate((wait: number) => (window as unknown as AiPageApi).testApi.flush(wait), FLUSH_WAIT_MS);
    assert.equal(flushed.flushed, true);
    assert.deepEqual(flushed.errors, []);
    const uid = await tab.page.evaluate(() => (window as unknown as AiPageApi).testApi.uid());
    assert.equal(requests.length, 10, "two model calls per message");
    assert.match(sessionId, /^[0-9a-f]{32}$/, "traceChat's random session id");
    assert.deepEqual(results.map((result) => result.settled.ok), [true, true, true, true, true]);

    const session = await adminFirestore().collection(TRACES_COLLECTION).where("session_id", "==", sessionId).orderBy("started_at").get();
    assert.deepEqual(session.docs.map((doc) => doc.id), traceIds, "the conversation's five runs, oldest first");
    session.docs.forEach((doc, index) => {
      assert.equal(doc.get("recorded_by"), uid);
      assert.equal(doc.get("has_session"), true);
      assert.equal(doc.get("iterations"), 2, `run ${index}: its own two model turns`);
      assert.deepEqual(
        (doc.get("tool_traces") as TraceShape["tool_traces"]).map((tool) => ({ name: tool.name, input: tool.input })),
        FUNCTION_CALLS.map((call) => ({ name: call.name, input: { ...call.args, ask: String(index) } })),
        `run ${index} holds the calls its own message caused`,
      );
    });
    tab.assertNoProblems();
  });

  it("the hand-written loop with a failing function, 20 runs under ids the sampler drops, from a tracer with the defaults (0.1): all 20 stored, kept for failed_tool", async function () {
    this.timeout(TEST_TIMEOUT_MS);
    let requests: GeminiRequest[] = [];
    const tab = await suite.open("/firebaseAi.html", {
      beforeLoad: async (opened) => {
        requests = await stubGemini(opened.page);
      },
    });
    const traceIds = Array.from({ length: 20 }, () => {
      for (;;) {
        const id = randomTraceId();
        if (!sampler.shouldSample(id)) return id;
      }
    });
    const results = await tab.page.evaluate((ids: string[]) => (window as unknown as AiPageApi).testApi.manualRunsKeptByRule(ids), traceIds);
    const flushed = await tab.page.evaluate((wait: number) => (window as unknown as AiPageApi).testApi.flush(wait), FLUSH_WAIT_MS);
    assert.equal(flushed.flushed, true);
    assert.deepEqual(flushed.errors, []);
    assert.equal(await tab.page.evaluate(() => (window as unknown as AiPageApi).testApi.keptByRule()), 20, "the tracer's keep rule sent every run");
    assert.equal(requests.length, 40, "two model calls per run");
    for (const [index, result] of results.entries()) {
      assert.deepEqual(result.settled, { ok: true, value: ANSWER.join("") }, `run ${index} answers`);
      assert.deepEqual(
        flushed.sent.filter((answer) => answer.trace_id === result.traceId),
        [{ trace_id: result.traceId, stored: true, reason: "failed_tool" }],
        `run ${index}`,
      );
      const stored = await storedTrace(result.traceId);
      assert.ok(stored, `run ${index} is stored`);
      assert.deepEqual([stored.trace.status, stored.raw.kept_for, stored.raw.sample_rate, stored.raw.weight], ["success", "failed_tool", 1, 1], `run ${index}`);
      assert.deepEqual(stored.trace.tool_traces.map((tool) => [tool.name, tool.is_error]), [["get_weather", false], ["get_flights", true]], `run ${index}`);
    }
    tab.assertNoProblems();
  });

  it("the hand-written loop (generateContent, callFunctions, recordModelTurn): a failing function answers the model an error and the run goes on", async function () {
    this.timeout(TEST_TIMEOUT_MS);
    const ran = await run("manual", true);
    const { result, requests } = ran;
    assert.deepEqual(result.settled, { ok: true, value: ANSWER.join("") });
    assert.equal(requests.length, 2);
    assertFunctionResponses(requests[1]!, { get_weather: WEATHER, get_flights: { error: FLIGHTS_DOWN } }, "function");
    const check = (trace: TraceShape) => {
      assert.equal(trace.status, "success");
      assert.equal(trace.iterations, 2);
      assert.deepEqual(
        trace.tool_traces.map((tool) => ({ name: tool.name, input: tool.input, is_error: tool.is_error })),
        FUNCTION_CALLS.map((call) => ({ name: call.name, input: call.args, is_error: call.name === "get_flights" })),
      );
      assert.equal(trace.tool_traces[1]!.output, FLIGHTS_DOWN);
      assert.deepEqual(trace.usage, both([USAGE.functionCalls, USAGE.answer]));
    };
    check(result.traceInput as TraceShape);
    await checkStored(ran, check);
    ran.tab.assertNoProblems();
  });
});

/** Usage entries as the tracer sent them: without the `cost_usd` the server adds to a priced model's. */
function withoutCost(usage: TraceShape["usage"]): TraceShape["usage"] {
  return usage?.map((entry) => Object.fromEntries(Object.entries(entry).filter(([key]) => key !== "cost_usd")) as NonNullable<TraceShape["usage"]>[number]);
}

/**
 * The request's last turn answers the model's calls: one functionResponse part per call, with these
 * responses, in a turn of `role` (the chat sends them as "user"; the hand-written loop as "function").
 */
function assertFunctionResponses(request: GeminiRequest, responses: Record<string, unknown>, role: string): void {
  const lastTurn = request.contents.at(-1)!;
  const parts = lastTurn.parts.map((part) => part.functionResponse as { name: string; response: unknown });
  assert.deepEqual(Object.fromEntries(parts.map((part) => [part.name, part.response])), responses, "the function results sent back to the model");
  assert.deepEqual(request.contents.map((content) => content.role), ["user", "model", role], "the conversation sent: prompt, the model's calls, their results");
}
