import { strict as assert } from "node:assert";
import { setTimeout as sleep } from "node:timers/promises";
import { deleteApp, initializeApp, type FirebaseApp } from "firebase/app";
import { getAI, getGenerativeModel, GoogleAIBackend, type FunctionDeclaration } from "firebase/ai";
import { TraceContext } from "@agent-traces/tracer";
import { callFunctions, modelName, recordModelTurn, traceChat } from "@agent-traces/tracer/firebase-ai";

interface GeminiRequest {
  contents: { role: string; parts: { text?: string; functionResponse?: { name: string; response: object } }[] }[];
}

/**
 * Stands in for the Gemini API behind the real firebase/ai SDK (this is the one part faked): a user
 * message is answered with calls of get_weather and get_flights carrying the message as `city`, the
 * function responses with a text answer; every response reports 10 prompt and 5 output tokens.
 */
function fakeGemini(): { requests: GeminiRequest[]; restore: () => void } {
  const original = globalThis.fetch;
  const requests: GeminiRequest[] = [];
  globalThis.fetch = (async (url: string | URL | Request, init?: RequestInit) => {
    const request = JSON.parse(String(init?.body)) as GeminiRequest;
    requests.push(request);
    const last = request.contents.at(-1)!;
    await sleep(1 + (requests.length % 3));
    const parts = last.parts.some((part) => part.functionResponse)
      ? [{ text: `answer: ${JSON.stringify(last.parts.map((part) => part.functionResponse?.response))}` }]
      : [{ functionCall: { name: "get_weather", args: { city: last.parts[0]!.text } } }, { functionCall: { name: "get_flights", args: { city: last.parts[0]!.text } } }];
    const body = { candidates: [{ content: { role: "model", parts }, finishReason: "STOP" }], usageMetadata: { promptTokenCount: 10, cachedContentTokenCount: 3, candidatesTokenCount: 4, thoughtsTokenCount: 1, totalTokenCount: 15 } };
    if (String(url).includes(":streamGenerateContent")) return new Response(`data: ${JSON.stringify(body)}\r\n\r\n`, { status: 200, headers: { "content-type": "text/event-stream" } });
    return new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });
  }) as typeof fetch;
  return { requests, restore: () => (globalThis.fetch = original) };
}

describe("tracer: Firebase AI Logic (firebase/ai, automatic and manual function calling)", () => {
  let app: FirebaseApp;
  let gemini: ReturnType<typeof fakeGemini>;
  let flightsFail: boolean;
  const seenByFunctions: (TraceContext | undefined)[] = [];

  const declarations = (): FunctionDeclaration[] => [
    { name: "get_weather", description: "weather", functionReference: async (args: { city: string }) => ({ city: args.city, sky: "clear" }) },
    {
      name: "get_flights",
      description: "flights",
      functionReference: async (args: { city: string }, trace?: TraceContext) => {
        seenByFunctions.push(trace);
        await sleep(2);
        if (flightsFail) throw new Error(`no flights to ${args.city}`);
        return { city: args.city, flights: 2 };
      },
    },
  ];
  const newChat = () => getGenerativeModel(getAI(app, { backend: new GoogleAIBackend() }), { model: "gemini-2.5-flash", tools: [{ functionDeclarations: declarations() }] }).startChat();

  beforeEach(() => {
    app = initializeApp({ apiKey: "fake-api-key", projectId: "demo-agent-traces", appId: "1:1:web:1" }, `ai-${Math.random()}`);
    gemini = fakeGemini();
    flightsFail = false;
    seenByFunctions.length = 0;
  });
  afterEach(async () => {
    gemini.restore();
    await deleteApp(app);
  });

  it("records each function the model calls as a tool call, each model response as an iteration, and the tokens by model", async () => {
    const trace = new TraceContext({ skill: "travel" });
    const result = await traceChat(trace, newChat()).sendMessage("Paris");
    assert.match(result.response.text(), /answer/);
    const input = trace.toTraceInput();
    assert.deepEqual(input.tool_traces?.map((call) => [call.name, call.is_error, call.input]), [
      ["get_weather", false, { city: "Paris" }],
      ["get_flights", false, { city: "Paris" }],
    ]);
    assert.match(String(input.tool_traces?.[1]?.output), /"flights":2/);
    assert.equal(input.iterations, 2);
    assert.deepEqual(input.usage, [{ model: "gemini-2.5-flash", input_tokens: 20, output_tokens: 10, cached_input_tokens: 6, reasoning_tokens: 2 }]);
    assert.deepEqual(seenByFunctions, [trace], "each function is handed the run's trace");
  });

  it("a function that throws: both calls recorded, the failing one as an error, the model's tokens kept", async () => {
    flightsFail = true;
    const trace = new TraceContext();
    await assert.rejects(traceChat(trace, newChat()).sendMessage("Oslo"), /no flights to Oslo/);
    const input = trace.toTraceInput();
    assert.deepEqual(input.tool_traces?.map((call) => [call.name, call.is_error, call.output]), [
      ["get_weather", false, '{"city":"Oslo","sky":"clear"}'],
      ["get_flights", true, "no flights to Oslo"],
    ]);
    assert.equal(input.iterations, 1);
    assert.deepEqual(input.usage, [{ model: "gemini-2.5-flash", input_tokens: 10, output_tokens: 5, cached_input_tokens: 3, reasoning_tokens: 1 }]);
  });

  it("one chat session serving overlapping runs records every call in the run that sent the message", async () => {
    const chat = newChat();
    const traces = Array.from({ length: 6 }, (_, index) => new TraceContext({ skill: `run${index}` }));
    await Promise.all(traces.map((trace, index) => traceChat(trace, chat).sendMessage(`city${index}`)));
    traces.forEach((trace, index) => {
      const input = trace.toTraceInput();
      assert.deepEqual(input.tool_traces?.map((call) => call.input?.city), [`city${index}`, `city${index}`], `run ${index}`);
      assert.equal(input.iterations, 2);
    });
    assert.equal((await chat.getHistory()).length, 6 * 4, "the session's own history is intact");
  });

  it("one chat session is one conversation: each run sending through it gets the session's id, unless it has its own", async () => {
    const chat = newChat();
    const traces = Array.from({ length: 3 }, () => new TraceContext());
    const own = new TraceContext({ sessionId: "the-app-s-conversation" });
    const sessionIds = new Set<string>();
    for (const trace of [...traces, own]) {
      const traced = traceChat(trace, chat);
      sessionIds.add(traced.sessionId);
      await traced.sendMessage("Paris");
    }
    assert.equal(sessionIds.size, 1, "one id per ChatSession");
    const [sessionId] = sessionIds;
    assert.match(sessionId!, /^[0-9a-f]{32}$/);
    assert.deepEqual(traces.map((trace) => trace.toTraceInput().session_id), [sessionId, sessionId, sessionId]);
    assert.equal(own.toTraceInput().session_id, "the-app-s-conversation", "a run's own session id is kept");
    const other = new TraceContext();
    const otherChat = traceChat(other, newChat());
    await otherChat.sendMessage("Rome");
    assert.notEqual(otherChat.sessionId, sessionId, "another chat session is another conversation");
    assert.equal(other.toTraceInput().session_id, otherChat.sessionId);
  });

  it("streaming: the calls and every turn's tokens are recorded by the time the response resolves", async () => {
    const trace = new TraceContext();
    const stream = await traceChat(trace, newChat()).sendMessageStream("Rome");
    const response = await stream.response;
    assert.match(response.text(), /answer/);
    const chunks = [];
    for await (const chunk of stream.stream) chunks.push(chunk.text());
    assert.deepEqual(chunks, [response.text()], "the caller's stream still yields the turn's chunks");
    const input = trace.toTraceInput();
    assert.deepEqual(input.tool_traces?.map((call) => call.name), ["get_weather", "get_flights"]);
    assert.equal(input.iterations, 2);
    assert.deepEqual(input.usage, [{ model: "gemini-2.5-flash", input_tokens: 20, output_tokens: 10, cached_input_tokens: 6, reasoning_tokens: 2 }]);
  });

  it("the manual loop: model turns and function calls recorded, failures answered to the model as errors", async () => {
    const trace = new TraceContext();
    const model = getGenerativeModel(getAI(app, { backend: new GoogleAIBackend() }), { model: "gemini-2.5-flash", tools: [{ functionDeclarations: [{ name: "get_weather", description: "w" }, { name: "get_flights", description: "f" }] }] });
    const first = await model.generateContent("Lima");
    recordModelTurn(trace, first, model.model);
    const parts = await callFunctions(trace, first.response.functionCalls(), {
      get_weather: (args) => `sunny in ${(args as { city: string }).city}`,
    });
    assert.deepEqual(parts, [
      { functionResponse: { name: "get_weather", response: { result: "sunny in Lima" } } },
      { functionResponse: { name: "get_flights", response: { error: 'no function named "get_flights"' } } },
    ]);
    const second = await model.generateContent({ contents: [{ role: "user", parts: [{ text: "Lima" }] }, first.response.candidates![0]!.content, { role: "function", parts }] });
    recordModelTurn(trace, second.response, model.model);
    const input = trace.toTraceInput();
    assert.equal(input.iterations, 2);
    assert.deepEqual(input.tool_traces?.map((call) => [call.name, call.is_error]).sort(), [["get_flights", true], ["get_weather", false]]);
    assert.deepEqual(input.usage, [{ model: "gemini-2.5-flash", input_tokens: 20, output_tokens: 10, cached_input_tokens: 6, reasoning_tokens: 2 }]);
  });

  it("names models as the console does", () => {
    assert.equal(modelName("models/gemini-2.5-flash"), "gemini-2.5-flash");
    assert.equal(modelName("projects/p/locations/l/publishers/google/models/gemini-2.5-pro"), "gemini-2.5-pro");
    assert.equal(modelName("gemini-2.0"), "gemini-2.0");
  });
});
