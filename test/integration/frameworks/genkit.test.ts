import { strict as assert } from "node:assert";
import { z, type MessageData } from "genkit";
import { genkit, type AgentChat } from "genkit/beta";
import { DEFAULT_SAMPLE_RATE, TraceIdRatioBasedSampler } from "@agent-traces/core";
import type { StoredTrace } from "@agent-traces/store";
import { getTrace } from "@agent-traces/admin";
import { AGENT_TRACES_ATTRIBUTES, type AgentTracesSpanProcessor } from "@agent-traces/otel";
import type { RecordTraceResult, TraceSendError } from "@agent-traces/tracer";
import { adminFirestore, clientSession, type ClientSession } from "../support/emulators.js";
import { registerGenkitProcessor, useTraceIds } from "./support/genkitTelemetry.js";
import { storedSession } from "./support/storedTrace.js";

const MODEL = "fake/travel-model";
const FIRST_TURN = { inputTokens: 120, outputTokens: 30 };
const SECOND_TURN = { inputTokens: 200, outputTokens: 15 };
const sampler = new TraceIdRatioBasedSampler(DEFAULT_SAMPLE_RATE);

/** What the tools do in one run (by the run's number, which the model passes them). */
interface RunPlan {
  flightsFail?: boolean;
  /** get_weather waits for it before it answers: it outlives the failed flow. */
  holdWeather?: Promise<void>;
  /** The chat agent's model fails the turn. */
  chatModelFails?: boolean;
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

/** The travel agent: a flow whose fake model asks for two tools in parallel, then answers from their results. (Genkit's beta API: agents.) */
const ai = genkit({});
const plans = new Map<number, RunPlan & { weatherStarted: ReturnType<typeof deferred> }>();
const planOf = (run: number) => plans.get(run) ?? assert.fail(`no plan for run ${run}`);

const travelModel = ai.defineModel({ name: MODEL, supports: { tools: true, multiturn: true } }, async (request) => {
  const prompt = request.messages.find((message) => message.role === "user")?.content[0]?.text ?? "";
  const run = Number(/\(run (\d+)\)/.exec(prompt)?.[1]);
  const toolMessage = request.messages.find((message: MessageData) => message.role === "tool");
  if (!toolMessage) {
    return {
      message: {
        role: "model" as const,
        content: [
          { toolRequest: { name: "get_weather", ref: "w", input: { city: "Paris", run } } },
          { toolRequest: { name: "get_flights", ref: "f", input: { from: "BER", to: "CDG", run } } },
        ],
      },
      finishReason: "stop" as const,
      usage: FIRST_TURN,
    };
  }
  const outputs = Object.fromEntries(toolMessage.content.map((part) => [part.toolResponse?.name, part.toolResponse?.output]));
  const weather = outputs.get_weather as { sky: string; tempC: number };
  const flights = outputs.get_flights as string;
  return {
    message: { role: "model" as const, content: [{ text: `Run ${run}: ${weather.tempC}°C and ${weather.sky} in Paris; flight ${flights}.` }] },
    finishReason: "stop" as const,
    usage: SECOND_TURN,
  };
});

const getWeather = ai.defineTool(
  {
    name: "get_weather",
    description: "The weather in a city",
    inputSchema: z.object({ city: z.string(), run: z.number() }),
    outputSchema: z.object({ run: z.number(), tempC: z.number(), sky: z.string() }),
  },
  async ({ run }) => {
    const plan = planOf(run);
    plan.weatherStarted.resolve();
    await plan.holdWeather;
    return { run, tempC: 21, sky: "sunny" };
  },
);

const getFlights = ai.defineTool(
  {
    name: "get_flights",
    description: "Flights between two airports",
    inputSchema: z.object({ from: z.string(), to: z.string(), run: z.number() }),
    outputSchema: z.string(),
  },
  async ({ from, to, run }) => {
    const plan = planOf(run);
    // Both tool calls are under way before this one fails the flow.
    await plan.weatherStarted.promise;
    if (plan.flightsFail) throw new Error(`flight API down for ${from}->${to} (run ${run})`);
    return `LH${1000 + run} 07:10`;
  },
);

const travelAgent = ai.defineFlow({ name: "travelAgent", inputSchema: z.object({ run: z.number() }), outputSchema: z.string() }, async ({ run }) => {
  const response = await ai.generate({ model: travelModel, prompt: `Plan a day trip to Paris (run ${run})`, tools: [getWeather, getFlights] });
  return response.text;
});

/** What the resilient agent answers when a tool failed its generate call. */
const fallbackAnswer = (run: number) => `Run ${run}: no trip plan today, a booking service is down.`;

/**
 * The same trip, answered without it when a tool throws: Genkit fails `generate` when a tool throws,
 * and this flow catches that and completes, so the run succeeds with a failed tool call.
 */
const resilientTravelAgent = ai.defineFlow({ name: "resilientTravelAgent", inputSchema: z.object({ run: z.number() }), outputSchema: z.string() }, async ({ run }) => {
  try {
    return (await ai.generate({ model: travelModel, prompt: `Plan a day trip to Paris (run ${run})`, tools: [getWeather, getFlights] })).text;
  } catch {
    return fallbackAnswer(run);
  }
});

/** A chat agent's model: each turn (its last user message names `(run N)`) asks for the weather, then answers from it. */
const chatModel = ai.defineModel({ name: "fake/chat-model", supports: { tools: true, multiturn: true } }, async (request) => {
  const lastUser = request.messages.map((message) => message.role).lastIndexOf("user");
  const run = Number(/\(run (\d+)\)/.exec(request.messages[lastUser]?.content[0]?.text ?? "")?.[1]);
  if (planOf(run).chatModelFails) throw new Error(`model overloaded (run ${run})`);
  const toolMessage = request.messages.slice(lastUser + 1).find((message: MessageData) => message.role === "tool");
  if (!toolMessage) {
    return { message: { role: "model" as const, content: [{ toolRequest: { name: "get_weather", ref: "w", input: { city: "Paris", run } } }] }, finishReason: "stop" as const, usage: FIRST_TURN };
  }
  const weather = toolMessage.content[0]?.toolResponse?.output as { sky: string; tempC: number };
  return { message: { role: "model" as const, content: [{ text: `Run ${run}: ${weather.tempC}°C and ${weather.sky} in Paris.` }] }, finishReason: "stop" as const, usage: SECOND_TURN };
});

/** A Genkit agent (client-managed state): each `chat.send()` is one turn, a root span naming the chat's session. */
const travelChat = ai.defineAgent({ name: "travelChat", model: chatModel, system: "You plan day trips.", tools: [getWeather] });

/** An app's chat endpoint: a flow that sends the user's message on to their chat (held here; an app would resume it by session). */
const openChats = new Map<string, AgentChat>();
const chatTurn = ai.defineFlow({ name: "chatTurn", inputSchema: z.object({ chat: z.string(), run: z.number() }), outputSchema: z.string() }, async ({ chat, run }) => {
  const open = openChats.get(chat) ?? assert.fail(`no chat ${chat}`);
  return (await open.send(`Weather in Paris? (run ${run})`)).text;
});

interface RunOutcome {
  run: number;
  traceId: string;
  output?: string;
  error?: Error & { traceId?: string };
}

/** One flow run for `traveler-<run>`, the way an app passes its user: the auth context, and the telemetry label. */
async function runAgent(run: number, plan: RunPlan = {}, flow: typeof travelAgent = travelAgent): Promise<RunOutcome> {
  plans.set(run, { ...plan, weatherStarted: deferred() });
  let traceId = "";
  const uid = `traveler-${run}`;
  const options = {
    context: { auth: { uid } },
    telemetryLabels: { [AGENT_TRACES_ATTRIBUTES.userId]: uid },
    onTraceStart: (started: { traceId: string }) => void (traceId = started.traceId),
  };
  try {
    const output = await flow({ run }, options);
    return { run, traceId, output };
  } catch (error) {
    return { run, traceId, error: error as RunOutcome["error"] };
  }
}

async function waitUntil(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const byName = (stored: StoredTrace, name: string) => stored.tool_traces.find((tool) => tool.name === name) ?? assert.fail(`no ${name} call in ${stored.trace_id}`);
const endOf = (tool: { timestamp: string; duration_ms: number }) => Date.parse(tool.timestamp) + tool.duration_ms;

describe("Genkit -> AgentTracesSpanProcessor (enableTelemetry) -> recordTrace -> Firestore", () => {
  let client: ClientSession;
  let processor: AgentTracesSpanProcessor;
  const sent: RecordTraceResult[] = [];
  const failed: TraceSendError[] = [];
  const answerFor = (traceId: string) => sent.filter((result) => result.trace_id === traceId);

  /** Every run assembled (late spans included), then sent and answered. */
  async function settle(): Promise<void> {
    await waitUntil(() => processor.stats.open === 0, "the processor's runs to end");
    await processor.forceFlush();
    assert.deepEqual(failed, [], "every trace was delivered");
  }

  async function stored(traceId: string): Promise<StoredTrace> {
    return (await getTrace(adminFirestore(), traceId)) ?? assert.fail(`trace ${traceId} is not stored`);
  }

  before(async () => {
    client = await clientSession();
    // Before the first Genkit action of the process: the one line an app adds (see genkitTelemetry.ts).
    processor = await registerGenkitProcessor({ functions: client.functions, scheduledDelayMs: 50, onSent: (result) => sent.push(result), onError: (error) => failed.push(error) });
  });
  after(async () => {
    useTraceIds("kept");
    await processor?.forceFlush();
    await client?.close();
  });

  it("stores a failed flow with both tool calls, the one that outlived the flow included", async () => {
    const release = deferred();
    const runsBefore = processor.stats.runs;
    const outcome = await runAgent(1, { flightsFail: true, holdWeather: release.promise });
    assert.equal(outcome.error?.message, "flight API down for BER->CDG (run 1)");
    assert.match(outcome.traceId, /^[0-9a-f]{32}$/);
    assert.equal(outcome.error?.traceId, outcome.traceId, "Genkit's error carries the trace id");
    // The flow's root span has ended, get_weather's has not: the run waits for it (lateSpanGraceMs).
    assert.equal(processor.stats.open, 1);
    await new Promise((resolve) => setTimeout(resolve, 25)); // so that get_weather ends measurably after the flow
    release.resolve();
    await settle();
    assert.equal(processor.stats.runs, runsBefore + 1);
    assert.deepEqual(answerFor(outcome.traceId), [{ trace_id: outcome.traceId, stored: true, reason: "error" }]);

    const trace = await stored(outcome.traceId);
    assert.equal(trace.status, "error");
    assert.equal(trace.skill, "travelAgent");
    assert.equal(trace.user_id, "traveler-1", "the user from the telemetry label");
    assert.equal(trace.recorded_by, client.uid);
    assert.equal(trace.iterations, 1);
    assert.deepEqual(trace.usage, [{ model: MODEL, input_tokens: FIRST_TURN.inputTokens, output_tokens: FIRST_TURN.outputTokens }]);
    assert.equal(trace.metadata.error, "flight API down for BER->CDG (run 1)");
    assert.equal(trace.tool_traces.length, 2);
    const flights = byName(trace, "get_flights");
    assert.equal(flights.is_error, true);
    assert.equal(flights.output, "flight API down for BER->CDG (run 1)");
    assert.deepEqual(flights.input, { from: "BER", to: "CDG", run: "1" }, "input values are stored as text");
    const weather = byName(trace, "get_weather");
    assert.equal(weather.is_error, false);
    assert.deepEqual(weather.input, { city: "Paris", run: "1" });
    assert.deepEqual(JSON.parse(weather.output), { run: 1, tempC: 21, sky: "sunny" });
    assert.ok(endOf(weather) > Date.parse(trace.ended_at!), "get_weather ended after the flow");
    assert.equal(trace.tool_error_count, 1);
    assert.deepEqual(trace.failed_tools, [{ name: "get_flights", calls: 1 }]);
  });

  it("stores a successful flow the sampler keeps: two iterations, usage summed, the model's answer", async () => {
    useTraceIds("kept");
    const outcome = await runAgent(2);
    assert.equal(outcome.error, undefined);
    assert.equal(outcome.output, "Run 2: 21°C and sunny in Paris; flight LH1002 07:10.");
    assert.ok(sampler.shouldSample(outcome.traceId), "the id generator gave a kept id");
    await settle();
    assert.deepEqual(answerFor(outcome.traceId), [{ trace_id: outcome.traceId, stored: true, reason: "sampled" }]);

    const trace = await stored(outcome.traceId);
    assert.equal(trace.status, "success");
    assert.equal(trace.skill, "travelAgent");
    assert.equal(trace.user_id, "traveler-2");
    assert.equal(trace.session_id, undefined, "a flow outside a chat has no session");
    assert.equal(trace.iterations, 2);
    assert.deepEqual(trace.usage, [
      { model: MODEL, input_tokens: FIRST_TURN.inputTokens + SECOND_TURN.inputTokens, output_tokens: FIRST_TURN.outputTokens + SECOND_TURN.outputTokens },
    ]);
    assert.equal(trace.final_output, outcome.output);
    assert.equal(trace.metadata.error, undefined);
    assert.deepEqual(trace.tool_traces.map((tool) => [tool.name, tool.is_error]).sort(), [["get_flights", false], ["get_weather", false]]);
    assert.equal(byName(trace, "get_flights").output, "LH1002 07:10", "a string output is stored as it is, not as JSON text");
    assert.equal(trace.tool_error_count, 0);
  });

  it("neither sends nor stores a successful flow the sampler drops", async () => {
    useTraceIds("dropped");
    const sampledOut = processor.tracer.stats.sampledOut;
    const runs = processor.stats.runs;
    const outcome = await runAgent(3);
    useTraceIds("kept");
    assert.equal(outcome.error, undefined);
    assert.equal(sampler.shouldSample(outcome.traceId), false);
    await settle();
    assert.equal(processor.stats.runs, runs + 1, "the run was assembled");
    assert.equal(processor.tracer.stats.sampledOut, sampledOut + 1);
    assert.deepEqual(answerFor(outcome.traceId), []);
    assert.equal(await getTrace(adminFirestore(), outcome.traceId), undefined);
  });

  it("stores every flow that completes after a tool threw, 20 of 20 under ids the sampler drops: kept for failed_tool, weight 1", async () => {
    useTraceIds("dropped");
    const keptByRule = processor.tracer.stats.keptByRule;
    const numbers = Array.from({ length: 20 }, (_, index) => 400 + index);
    const outcomes = await Promise.all(numbers.map((run) => runAgent(run, { flightsFail: true }, resilientTravelAgent)));
    useTraceIds("kept");
    await settle();
    assert.equal(processor.tracer.stats.keptByRule, keptByRule + 20, "the tracer's keep rule sent them");
    for (const { run, traceId, output, error } of outcomes) {
      assert.deepEqual([error, output], [undefined, fallbackAnswer(run)], `run ${run} completes`);
      assert.equal(sampler.shouldSample(traceId), false, `run ${run}: an id the sampler drops`);
      assert.deepEqual(answerFor(traceId), [{ trace_id: traceId, stored: true, reason: "failed_tool" }], `run ${run}`);
      const trace = await stored(traceId);
      assert.deepEqual([trace.status, trace.kept_for, trace.sample_rate, trace.weight], ["success", "failed_tool", 1, 1], `run ${run}`);
      assert.deepEqual([trace.skill, trace.user_id, trace.final_output], ["resilientTravelAgent", `traveler-${run}`, fallbackAnswer(run)]);
      assert.deepEqual(
        trace.tool_traces.map((tool) => [tool.name, tool.input.run, tool.is_error]).sort(),
        [["get_flights", String(run), true], ["get_weather", String(run), false]],
        `run ${run} holds its own calls, the failed one flagged`,
      );
      assert.equal(byName(trace, "get_flights").output, `flight API down for BER->CDG (run ${run})`);
    }
  });

  /** The stored runs of a 5-turn conversation, checked turn by turn: each the chat's session, its one get_weather call and its answer. */
  async function assertConversation(sessionId: string, turns: { run: number; answer: string }[], expect: { skill: string; userId: string | number }): Promise<void> {
    const session = await storedSession(sessionId);
    assert.equal(session.length, 5, "one stored run per turn, all in the chat's session");
    for (const [index, trace] of session.entries()) {
      const { run, answer } = turns[index]!;
      const label = `turn ${index + 1} (run ${run})`;
      assert.deepEqual(answerFor(trace.trace_id), [{ trace_id: trace.trace_id, stored: true, reason: "sampled" }], label);
      assert.equal(trace.session_id, sessionId, label);
      assert.equal(trace.skill, expect.skill, label);
      assert.equal(trace.user_id, expect.userId, label);
      assert.equal(trace.status, "success", label);
      assert.equal(trace.iterations, 2, label);
      assert.equal(trace.final_output, answer, `${label}: the turn's answer`);
      assert.deepEqual(trace.tool_traces.map((tool) => [tool.name, tool.input.run]), [["get_weather", String(run)]], `${label} holds its own tool call`);
    }
  }

  it("a 5-turn agent chat (ai.defineAgent, chat.send) is one session in Firestore: Genkit's agent:sessionId", async () => {
    useTraceIds("kept");
    const runsBefore = processor.stats.runs;
    const chat = travelChat.chat();
    const turns: { run: number; answer: string }[] = [];
    for (let run = 300; run < 305; run++) {
      plans.set(run, { weatherStarted: deferred() });
      turns.push({ run, answer: (await chat.send(`Weather in Paris? (run ${run})`)).text });
    }
    assert.equal(turns[4]!.answer, "Run 304: 21°C and sunny in Paris.");
    await settle();
    assert.equal(processor.stats.runs, runsBefore + 5, "each turn is a run");
    const sessionId = chat.sessionId ?? assert.fail("the chat has a session id");
    // No user is named: recordTrace stores the caller's.
    await assertConversation(sessionId, turns, { skill: "travelChat", userId: client.uid ?? assert.fail("signed in") });
  });

  it("a 5-turn chat sent from a flow is one session: the session id on a span under the run", async () => {
    useTraceIds("kept");
    const chat = travelChat.chat();
    openChats.set("chat-1", chat);
    const uid = "traveler-chatting";
    const turns: { run: number; answer: string }[] = [];
    for (let run = 310; run < 315; run++) {
      plans.set(run, { weatherStarted: deferred() });
      const answer = await chatTurn({ chat: "chat-1", run }, { context: { auth: { uid } }, telemetryLabels: { [AGENT_TRACES_ATTRIBUTES.userId]: uid } });
      turns.push({ run, answer });
    }
    await settle();
    const sessionId = chat.sessionId ?? assert.fail("the chat has a session id");
    await assertConversation(sessionId, turns, { skill: "chatTurn", userId: uid });
  });

  it("a chat turn whose model fails (Genkit ends the agent's span as a success) is stored as an error in the chat's session", async () => {
    const chat = travelChat.chat();
    useTraceIds("dropped"); // a success is not stored, a failure is
    try {
      plans.set(320, { weatherStarted: deferred() });
      await chat.send("Weather in Paris? (run 320)");
      plans.set(321, { weatherStarted: deferred(), chatModelFails: true });
      await assert.rejects(chat.send("Weather in Paris? (run 321)"), /model overloaded \(run 321\)/);
    } finally {
      useTraceIds("kept");
    }
    await settle();
    const [failedTurn, ...others] = await storedSession(chat.sessionId ?? assert.fail("the chat has a session id"));
    assert.deepEqual(others, [], "only the failed turn is stored");
    assert.deepEqual(answerFor(failedTurn!.trace_id), [{ trace_id: failedTurn!.trace_id, stored: true, reason: "error" }]);
    assert.deepEqual([failedTurn!.status, failedTurn!.metadata.error, failedTurn!.final_output, failedTurn!.skill], ["error", "model overloaded (run 321)", "", "travelChat"]);
  });

  it("keeps 20 concurrent flows apart: each stored trace holds its own run's tool calls", async () => {
    useTraceIds("alternate");
    const runsBefore = processor.stats.runs;
    const numbers = Array.from({ length: 20 }, (_, index) => 100 + index);
    const failing = (run: number) => run % 3 === 0;
    const outcomes = await Promise.all(numbers.map((run) => runAgent(run, { flightsFail: failing(run) })));
    useTraceIds("kept");
    await settle();
    assert.deepEqual(processor.stats, { runs: runsBefore + 20, open: 0, evictedRuns: 0, expiredRuns: 0, ignoredSpans: 0 });
    assert.equal(new Set(outcomes.map((outcome) => outcome.traceId)).size, 20, "one trace id per run");

    const keptSuccesses = outcomes.filter((outcome) => !failing(outcome.run) && sampler.shouldSample(outcome.traceId));
    assert.ok(keptSuccesses.length > 0 && keptSuccesses.length < 20 - numbers.filter(failing).length, "successes both kept and dropped");
    for (const { run, traceId, output, error } of outcomes) {
      const fails = failing(run);
      assert.equal(error?.message, fails ? `flight API down for BER->CDG (run ${run})` : undefined, `run ${run}`);
      const kept = fails || sampler.shouldSample(traceId);
      if (!kept) {
        assert.deepEqual(answerFor(traceId), [], `run ${run} is not sent`);
        assert.equal(await getTrace(adminFirestore(), traceId), undefined, `run ${run} is not stored`);
        continue;
      }
      assert.deepEqual(answerFor(traceId), [{ trace_id: traceId, stored: true, reason: fails ? "error" : "sampled" }], `run ${run}`);
      const trace = await stored(traceId);
      assert.equal(trace.user_id, `traveler-${run}`);
      assert.equal(trace.status, fails ? "error" : "success");
      assert.equal(trace.iterations, fails ? 1 : 2);
      assert.deepEqual(
        trace.tool_traces.map((tool) => [tool.name, tool.input.run, tool.is_error]).sort(),
        [["get_flights", String(run), fails], ["get_weather", String(run), false]],
        `run ${run} holds exactly its own tool calls`,
      );
      assert.equal(JSON.parse(byName(trace, "get_weather").output).run, run);
      if (fails) assert.equal(trace.metadata.error, `flight API down for BER->CDG (run ${run})`);
      else assert.equal(trace.final_output, output);
    }
  });
});
