/**
 * A Firebase AI Logic agent in the page: the real `firebase/ai` SDK (Gemini Developer API backend)
 * whose requests the test answers with canned responses (see ../support/geminiStub.ts): the model
 * first asks for get_weather and get_flights, then answers in text once it has their results.
 * Each `testApi` scenario runs one traced run and reports how it settled and its `toTraceInput()`.
 */
import { getAI, getGenerativeModel, GoogleAIBackend, Schema, type Content, type FunctionDeclaration } from "firebase/ai";
import { createTracer, TraceContext, type RecordTraceResult } from "@agent-traces/tracer";
import { callFunctions, recordModelTurn, traceChat } from "@agent-traces/tracer/firebase-ai";
import { connectFirebase, delay, expose, showStartError } from "./firebase.js";
import { FLIGHTS, FLIGHTS_DOWN, MODEL, PROMPT, WEATHER } from "./shared.js";

export interface ScenarioResult {
  traceId: string;
  settled: { ok: true; value: string } | { ok: false; message: string };
  traceInput: unknown;
  /** What each function was called with, in call order. */
  calls: { name: string; args: unknown }[];
}

try {
  const { app, functions, uid } = await connectFirebase();
  const ai = getAI(app, { backend: new GoogleAIBackend() });
  const sent: RecordTraceResult[] = [];
  const errors: string[] = [];
  const tracer = createTracer({ functions, sampleRate: 1, persist: false, onSent: (result) => sent.push(result), onError: (error) => errors.push(error.message) });
  /** A tracer as an app leaves it: the default sample rate (0.1) and keep rules (a success with a failed tool call is sent). */
  const defaultTracer = createTracer({ functions, persist: false, onSent: (result) => sent.push(result), onError: (error) => errors.push(error.message) });

  /** The two functions, get_flights failing when `flightsFail`. */
  const implementations = (calls: ScenarioResult["calls"], flightsFail: boolean) => ({
    get_weather: async (args: object) => {
      calls.push({ name: "get_weather", args });
      await delay(5);
      return { ...WEATHER, city: (args as { city?: string }).city };
    },
    get_flights: async (args: object) => {
      calls.push({ name: "get_flights", args });
      await delay(10);
      if (flightsFail) throw new Error(FLIGHTS_DOWN);
      return FLIGHTS;
    },
  });

  const declarations = (functionsByName?: Record<string, (args: object) => Promise<unknown>>): FunctionDeclaration[] => [
    {
      name: "get_weather",
      description: "The weather forecast for a city.",
      parameters: Schema.object({ properties: { city: Schema.string() } }),
      ...(functionsByName && { functionReference: functionsByName.get_weather }),
    },
    {
      name: "get_flights",
      description: "Flights between two airports on a date.",
      parameters: Schema.object({ properties: { from: Schema.string(), to: Schema.string(), date: Schema.string() } }),
      ...(functionsByName && { functionReference: functionsByName.get_flights }),
    },
  ];

  const scenario = async (skill: string, body: (trace: TraceContext, calls: ScenarioResult["calls"]) => Promise<string>): Promise<ScenarioResult> => {
    const calls: ScenarioResult["calls"] = [];
    let traced: TraceContext | undefined;
    const settled = await tracer
      .withTrace({ skill, metadata: { model: MODEL } }, async (trace) => {
        traced = trace;
        const output = await body(trace, calls);
        trace.setOutput(output);
        return output;
      })
      .then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, message: error instanceof Error ? error.message : String(error) }),
      );
    return { traceId: traced!.traceId, settled, traceInput: traced!.toTraceInput(), calls };
  };

  /**
   * Automatic function calling (`functionReference`) through a chat: `sendMessage`, or
   * `sendMessageStream` with its stream read to the end (`read`) or only its aggregated response awaited.
   */
  const chatScenario = (options: { flightsFail: boolean; stream?: "read" | "response" }) =>
    scenario(options.stream ? "chat-stream" : "chat", async (trace, calls) => {
      const model = getGenerativeModel(ai, { model: MODEL, tools: [{ functionDeclarations: declarations(implementations(calls, options.flightsFail)) }] });
      const chat = traceChat(trace, model.startChat());
      if (!options.stream) return (await chat.sendMessage(PROMPT)).response.text();
      const result = await chat.sendMessageStream(PROMPT);
      if (options.stream === "response") return (await result.response).text();
      let text = "";
      for await (const chunk of result.stream) text += chunk.text();
      await result.response;
      return text;
    });

  /**
   * Two runs started at once, sending through one chat session (the stub puts each prompt's number
   * in the calls it asks for: `ask`); `calls` of each result lists every call the session made.
   */
  const sharedChat = async (): Promise<ScenarioResult[]> => {
    const sessionCalls: ScenarioResult["calls"] = [];
    const model = getGenerativeModel(ai, { model: MODEL, tools: [{ functionDeclarations: declarations(implementations(sessionCalls, false)) }] });
    const chat = model.startChat();
    const results = await Promise.all(
      [0, 1].map((index) => scenario(`shared-chat-${index}`, async (trace) => (await traceChat(trace, chat).sendMessage(`${PROMPT} (ask ${index})`)).response.text())),
    );
    return results.map((result) => ({ ...result, calls: sessionCalls }));
  };

  /**
   * One conversation: a run per message, one after the other, each sending through the same chat
   * session. Each run is recorded under the id the test gives it (ids the server's sampler keeps, so
   * that every run is stored), with `tracer.record`; the session id is the one traceChat gives them.
   */
  const conversation = async (traceIds: string[]): Promise<{ sessionId: string; results: ScenarioResult[] }> => {
    const calls: ScenarioResult["calls"] = [];
    const model = getGenerativeModel(ai, { model: MODEL, tools: [{ functionDeclarations: declarations(implementations(calls, false)) }] });
    const chat = model.startChat();
    const sessionIds = new Set<string>();
    const results: ScenarioResult[] = [];
    for (const [index, traceId] of traceIds.entries()) {
      const trace = new TraceContext({ traceId, skill: "conversation", metadata: { model: MODEL } });
      const traced = traceChat(trace, chat);
      sessionIds.add(traced.sessionId);
      const settled = await traced.sendMessage(`${PROMPT} (ask ${index})`).then(
        (result) => ({ ok: true as const, value: result.response.text() }),
        (error: unknown) => ({ ok: false as const, message: error instanceof Error ? error.message : String(error) }),
      );
      if (settled.ok) trace.setOutput(settled.value);
      trace.end(settled.ok ? { threw: false } : { threw: true, error: new Error(settled.message) });
      tracer.record(trace.toTraceInput());
      results.push({ traceId, settled, traceInput: trace.toTraceInput(), calls });
    }
    if (sessionIds.size !== 1) throw new Error(`one chat session gave ${sessionIds.size} session ids`);
    return { sessionId: [...sessionIds][0]!, results };
  };

  /** The hand-written loop: generateContent, run the calls, send their functionResponse parts back. */
  const manualLoop = async (trace: TraceContext, calls: ScenarioResult["calls"], flightsFail: boolean): Promise<string> => {
    const model = getGenerativeModel(ai, { model: MODEL, tools: [{ functionDeclarations: declarations() }] });
    const byName = implementations(calls, flightsFail);
    const contents: Content[] = [{ role: "user", parts: [{ text: PROMPT }] }];
    for (let turn = 0; turn < 4; turn++) {
      const result = await model.generateContent({ contents });
      recordModelTurn(trace, result, model.model);
      const functionCalls = result.response.functionCalls();
      if (!functionCalls?.length) return result.response.text();
      contents.push(result.response.candidates![0]!.content);
      contents.push({ role: "function", parts: await callFunctions(trace, functionCalls, byName) });
    }
    throw new Error("the model kept calling functions");
  };
  const manualScenario = (options: { flightsFail: boolean }) => scenario("manual-loop", (trace, calls) => manualLoop(trace, calls, options.flightsFail));

  /**
   * The hand-written loop with get_flights failing, once per id the test gives (ids the server's sampler
   * drops), one after the other, recorded with `tracer.record` by the default tracer: each run answers,
   * with a failed tool call, so the default keep rule sends it.
   */
  const manualRunsKeptByRule = async (traceIds: string[]): Promise<ScenarioResult[]> => {
    const results: ScenarioResult[] = [];
    for (const traceId of traceIds) {
      const calls: ScenarioResult["calls"] = [];
      const trace = new TraceContext({ traceId, skill: "manual-loop-kept", metadata: { model: MODEL } });
      const settled = await manualLoop(trace, calls, true).then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, message: error instanceof Error ? error.message : String(error) }),
      );
      if (settled.ok) trace.setOutput(settled.value);
      trace.end(settled.ok ? { threw: false } : { threw: true, error: new Error(settled.message) });
      defaultTracer.record(trace.toTraceInput());
      results.push({ traceId, settled, traceInput: trace.toTraceInput(), calls });
    }
    return results;
  };

  expose({
    uid: () => uid,
    chat: (flightsFail: boolean) => chatScenario({ flightsFail }),
    chatStream: (flightsFail: boolean) => chatScenario({ flightsFail, stream: "read" }),
    chatStreamResponse: (flightsFail: boolean) => chatScenario({ flightsFail, stream: "response" }),
    sharedChat,
    conversation,
    manual: (flightsFail: boolean) => manualScenario({ flightsFail }),
    manualRunsKeptByRule,
    keptByRule: () => defaultTracer.stats.keptByRule,
    flush: async (timeoutMs: number) => ({ flushed: (await Promise.all([tracer.flush(timeoutMs), defaultTracer.flush(timeoutMs)])).every(Boolean), sent, errors }),
  });
} catch (error) {
  showStartError(error);
}
