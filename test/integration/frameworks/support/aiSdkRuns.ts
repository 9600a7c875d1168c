/**
 * One scripted agent run on each major of the Vercel AI SDK (`ai` 5, 6, 7), on a mock model: step 1
 * asks for two tool calls (get_weather, which answers, and get_flights, which throws), step 2 answers.
 * Every value of a run (prompt, user, tool arguments, tool error, answer) carries its index, so that a
 * stored trace shows whose calls it holds. Telemetry is set up the way the README says, per major.
 * A run may instead end badly in step 2 (`ending`): the app aborts the stream after a partial answer,
 * or the model call fails (the provider rejects it, as on an overloaded API).
 */
import { setTimeout as delay } from "node:timers/promises";
import { context, type Tracer } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { z } from "zod";
import * as ai5 from "ai-v5";
import { MockLanguageModelV2 } from "ai-v5/test";
import * as ai6 from "ai-v6";
import { MockLanguageModelV3 } from "ai-v6/test";
import * as ai7 from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { OpenTelemetry } from "@ai-sdk/otel";

/** The skill every run is recorded under: the AI SDK's `functionId`. */
export const FUNCTION_ID = "travel-agent";

/** Tokens the mock model reports for its first (tool calls) and second (answer) call. */
export const STEP_USAGE = [
  { input: 100, output: 20 },
  { input: 150, output: 30 },
] as const;

/** How step 2 (the answer) ends: answered; aborted by the app (abortSignal) after a partial answer; or the model call fails. */
export type RunEnding = "answer" | "abort" | "model-error";

export interface ScriptedRun {
  index: number;
  userId: string;
  prompt: string;
  city: string;
  from: string;
  to: string;
  /** What get_flights throws. */
  flightsError: string;
  /** The model's final text. */
  answer: string;
  ending: RunEnding;
  /** The text streamed in step 2 before the app aborts (`ending: "abort"`). */
  partialAnswer: string;
  /** What the model call of step 2 fails with (`ending: "model-error"`). */
  modelError: string;
  /** The conversation the run is a turn of: `metadata.sessionId` (5, 6) or `runtimeContext.sessionId` (7); none when absent. */
  sessionId?: string;
}

export function scriptedRun(index: number, ending: RunEnding = "answer"): ScriptedRun {
  return {
    ending,
    partialAnswer: `Run ${index}: sunny in`,
    modelError: `Overloaded (529): the model is busy, run ${index}`,
    index,
    userId: `user-${index}`,
    prompt: `Run ${index}: weather in city-${index} and flights from home-${index}?`,
    city: `city-${index}`,
    from: `home-${index}`,
    to: `city-${index}`,
    flightsError: `Flights API down (503) for run ${index}`,
    answer: `Run ${index}: sunny in city-${index}; no flights from home-${index}.`,
  };
}

/** What get_weather answers for a run. */
export function weatherFor(run: ScriptedRun): { city: string; tempC: number; sky: string } {
  return { city: run.city, tempC: 10 + (run.index % 20), sky: "sunny" };
}

/** Awaited by the tools: different per run, so that concurrent runs' spans interleave. */
function toolDelayMs(run: ScriptedRun): number {
  return (run.index * 7) % 11;
}

/** Registers an AsyncLocalStorage context manager unless one is registered already (it is process-wide). */
export function ensureContextManager(): void {
  const manager = new AsyncLocalStorageContextManager();
  if (!context.setGlobalContextManager(manager.enable())) manager.disable();
}

export interface AiSdkRunner {
  /** The mock model's id: the model the stored usage is under. */
  modelId: string;
  /** Runs the script with generateText; resolves to the answer text. */
  generate(run: ScriptedRun): Promise<string>;
  /** Runs the script with streamText, reading the stream as an app does (aborting it for `ending: "abort"`); resolves to the text read. */
  stream(run: ScriptedRun): Promise<string>;
}

const toolCallsOf = (run: ScriptedRun) => [
  { type: "tool-call" as const, toolCallId: `call-${run.index}-1`, toolName: "get_weather", input: JSON.stringify({ city: run.city }) },
  { type: "tool-call" as const, toolCallId: `call-${run.index}-2`, toolName: "get_flights", input: JSON.stringify({ from: run.from, to: run.to }) },
];

const responseOf = (step: number, modelId: string) => ({ id: `resp-${step}`, modelId, timestamp: new Date(0) });

/** What a mock model's stream carries: each major's LanguageModelV2/V3/V4 stream part. */
type StreamPartOf<M extends { doStream: (...args: never[]) => PromiseLike<{ stream: ReadableStream<unknown> }> }> =
  Awaited<ReturnType<M["doStream"]>>["stream"] extends ReadableStream<infer Part> ? Part : never;

function streamOf<T>(chunks: T[]): ReadableStream<T> {
  return new ReadableStream<T>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

/**
 * Step 2 of a run that does not answer: its model call rejects (`model-error`), or (`abort`) its
 * stream sends the partial answer and then waits, failing with the abort's reason once the app
 * aborts, as a provider's fetch stream does.
 */
function failingStep2<T>(run: ScriptedRun, parts: T[], abortSignal: AbortSignal | undefined): ReadableStream<T> {
  if (run.ending === "model-error") throw new Error(run.modelError);
  return new ReadableStream<T>({
    start(controller) {
      for (const part of parts) controller.enqueue(part);
      if (abortSignal?.aborted) controller.error(abortSignal.reason);
      else abortSignal?.addEventListener("abort", () => controller.error(abortSignal.reason), { once: true });
    },
  });
}

/** Step 2's parts up to the partial answer (a stream the app will abort). */
const partialParts = (run: ScriptedRun, modelId: string) => [
  { type: "stream-start" as const, warnings: [] },
  { type: "response-metadata" as const, ...responseOf(2, modelId) },
  { type: "text-start" as const, id: "t" },
  { type: "text-delta" as const, id: "t", delta: run.partialAnswer },
];

/**
 * Reads a streamText result the way an app does; for `ending: "abort"` it aborts once the partial
 * answer has arrived (the user pressed stop). Resolves to the text read; never rejects.
 */
async function readStream(run: ScriptedRun, result: { textStream: AsyncIterable<string>; consumeStream(): PromiseLike<unknown> }, abort: AbortController): Promise<string> {
  let text = "";
  try {
    for await (const delta of result.textStream) {
      text += delta;
      if (run.ending === "abort" && text.includes(run.partialAnswer)) abort.abort();
    }
  } catch {
    // An aborted or failed stream may reject here (by major); the app has what it read.
  }
  return text;
}

/** `experimental_telemetry.metadata` (ai 5, 6): the user, and the session when the run has one. */
function telemetryMetadata(run: ScriptedRun): Record<string, string> {
  return { userId: run.userId, ...(run.sessionId !== undefined && { sessionId: run.sessionId }) };
}

// ---- ai 5: experimental_telemetry with a tracer; the user in metadata.userId ---------------------

/** `ai` 5: LanguageModelV2 (flat usage, finishReason a string). */
export function aiSdk5(tracer: Tracer): AiSdkRunner {
  const modelId = "mock-model-v5";
  const usage = (step: 0 | 1) => ({ inputTokens: STEP_USAGE[step].input, outputTokens: STEP_USAGE[step].output, totalTokens: STEP_USAGE[step].input + STEP_USAGE[step].output });
  const model = (run: ScriptedRun) => {
    let calls = 0;
    return new MockLanguageModelV2({
      provider: "mock-provider",
      modelId,
      doGenerate: async () =>
        ++calls === 1
          ? { content: toolCallsOf(run), finishReason: "tool-calls", usage: usage(0), warnings: [], response: responseOf(1, modelId) }
          : { content: [{ type: "text", text: run.answer }], finishReason: "stop", usage: usage(1), warnings: [], response: responseOf(2, modelId) },
      doStream: async ({ abortSignal }) => ({
        stream:
          ++calls === 2 && run.ending !== "answer"
            ? failingStep2<StreamPartOf<MockLanguageModelV2>>(run, partialParts(run, modelId), abortSignal)
            : streamOf<StreamPartOf<MockLanguageModelV2>>(
          calls === 1
            ? [{ type: "stream-start", warnings: [] }, { type: "response-metadata", ...responseOf(1, modelId) }, ...toolCallsOf(run), { type: "finish", finishReason: "tool-calls", usage: usage(0) }]
            : [
                { type: "stream-start", warnings: [] },
                { type: "response-metadata", ...responseOf(2, modelId) },
                { type: "text-start", id: "t" },
                { type: "text-delta", id: "t", delta: run.answer },
                { type: "text-end", id: "t" },
                { type: "finish", finishReason: "stop", usage: usage(1) },
              ],
            ),
      }),
    });
  };
  const tools = (run: ScriptedRun) => ({
    get_weather: ai5.tool({
      description: "The weather in a city",
      inputSchema: z.object({ city: z.string() }),
      execute: async () => (await delay(toolDelayMs(run)), weatherFor(run)),
    }),
    get_flights: ai5.tool({
      description: "Flights between two cities",
      inputSchema: z.object({ from: z.string(), to: z.string() }),
      execute: async (): Promise<string[]> => {
        await delay(toolDelayMs(run));
        throw new Error(run.flightsError);
      },
    }),
  });
  const settings = (run: ScriptedRun) => ({
    model: model(run),
    tools: tools(run),
    stopWhen: ai5.stepCountIs(3),
    maxRetries: 0,
    prompt: run.prompt,
    experimental_telemetry: { isEnabled: true, functionId: FUNCTION_ID, metadata: telemetryMetadata(run), tracer },
  });
  return {
    modelId,
    generate: async (run) => (await ai5.generateText(settings(run))).text,
    stream: async (run) => {
      const abort = new AbortController();
      const result = ai5.streamText({ ...settings(run), abortSignal: abort.signal, onError: () => undefined });
      return readStream(run, result, abort);
    },
  };
}

/** The results a LanguageModelV3 or V4 mock returns (ai 6 and 7 share them): nested usage, `{ unified, raw }` finish reasons. */
const V3_RESULTS = {
  usage: (step: 0 | 1) => ({
    inputTokens: { total: STEP_USAGE[step].input, noCache: STEP_USAGE[step].input, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: STEP_USAGE[step].output, text: STEP_USAGE[step].output, reasoning: 0 },
  }),
  toolCalls: { unified: "tool-calls" as const, raw: "tool_use" },
  stop: { unified: "stop" as const, raw: "end_turn" },
};

/** A V3/V4 mock's stream for step 0 (the two tool calls) or step 1 (the answer). */
function v3StreamParts(run: ScriptedRun, modelId: string, step: 0 | 1) {
  const { usage, toolCalls, stop } = V3_RESULTS;
  return step === 0
    ? [{ type: "stream-start" as const, warnings: [] }, { type: "response-metadata" as const, ...responseOf(1, modelId) }, ...toolCallsOf(run), { type: "finish" as const, finishReason: toolCalls, usage: usage(0) }]
    : [
        { type: "stream-start" as const, warnings: [] },
        { type: "response-metadata" as const, ...responseOf(2, modelId) },
        { type: "text-start" as const, id: "t" },
        { type: "text-delta" as const, id: "t", delta: run.answer },
        { type: "text-end" as const, id: "t" },
        { type: "finish" as const, finishReason: stop, usage: usage(1) },
      ];
}

// ---- ai 6: the same as 5; LanguageModelV3 ------------------------------------------------------

/** `ai` 6: LanguageModelV3 (nested usage, finishReason `{ unified, raw }`). */
export function aiSdk6(tracer: Tracer): AiSdkRunner {
  const modelId = "mock-model-v6";
  const { usage, toolCalls, stop } = V3_RESULTS;
  const model = (run: ScriptedRun) => {
    let calls = 0;
    return new MockLanguageModelV3({
      provider: "mock-provider",
      modelId,
      doGenerate: async () =>
        ++calls === 1
          ? { content: toolCallsOf(run), finishReason: toolCalls, usage: usage(0), warnings: [], response: responseOf(1, modelId) }
          : { content: [{ type: "text", text: run.answer }], finishReason: stop, usage: usage(1), warnings: [], response: responseOf(2, modelId) },
      doStream: async ({ abortSignal }) => ({
        stream:
          ++calls === 2 && run.ending !== "answer"
            ? failingStep2<StreamPartOf<MockLanguageModelV3>>(run, partialParts(run, modelId), abortSignal)
            : streamOf<StreamPartOf<MockLanguageModelV3>>(v3StreamParts(run, modelId, calls === 1 ? 0 : 1)),
      }),
    });
  };
  const tools = (run: ScriptedRun) => ({
    get_weather: ai6.tool({
      description: "The weather in a city",
      inputSchema: z.object({ city: z.string() }),
      execute: async () => (await delay(toolDelayMs(run)), weatherFor(run)),
    }),
    get_flights: ai6.tool({
      description: "Flights between two cities",
      inputSchema: z.object({ from: z.string(), to: z.string() }),
      execute: async (): Promise<string[]> => {
        await delay(toolDelayMs(run));
        throw new Error(run.flightsError);
      },
    }),
  });
  const settings = (run: ScriptedRun) => ({
    model: model(run),
    tools: tools(run),
    stopWhen: ai6.stepCountIs(3),
    maxRetries: 0,
    prompt: run.prompt,
    experimental_telemetry: { isEnabled: true, functionId: FUNCTION_ID, metadata: telemetryMetadata(run), tracer },
  });
  return {
    modelId,
    generate: async (run) => (await ai6.generateText(settings(run))).text,
    stream: async (run) => {
      const abort = new AbortController();
      const result = ai6.streamText({ ...settings(run), abortSignal: abort.signal, onError: () => undefined });
      return readStream(run, result, abort);
    },
  };
}

// ---- ai 7: @ai-sdk/otel's OpenTelemetry integration; the user through runtimeContext -------------

/**
 * `ai` 7: LanguageModelV4. The integration is passed per call (`telemetry.integrations`) so that each
 * test's tracer provider gets only its own runs; an app registers it once with `registerTelemetry`.
 */
export function aiSdk7(tracer: Tracer): AiSdkRunner {
  const modelId = "mock-model-v7";
  const integration = new OpenTelemetry({ tracer, runtimeContext: true });
  const { usage, toolCalls, stop } = V3_RESULTS;
  const model = (run: ScriptedRun) => {
    let calls = 0;
    return new MockLanguageModelV4({
      provider: "mock-provider",
      modelId,
      doGenerate: async () =>
        ++calls === 1
          ? { content: toolCallsOf(run), finishReason: toolCalls, usage: usage(0), warnings: [], response: responseOf(1, modelId) }
          : { content: [{ type: "text", text: run.answer }], finishReason: stop, usage: usage(1), warnings: [], response: responseOf(2, modelId) },
      doStream: async ({ abortSignal }) => ({
        stream:
          ++calls === 2 && run.ending !== "answer"
            ? failingStep2<StreamPartOf<MockLanguageModelV4>>(run, partialParts(run, modelId), abortSignal)
            : streamOf<StreamPartOf<MockLanguageModelV4>>(v3StreamParts(run, modelId, calls === 1 ? 0 : 1)),
      }),
    });
  };
  const tools = (run: ScriptedRun) => ({
    get_weather: ai7.tool({
      description: "The weather in a city",
      inputSchema: z.object({ city: z.string() }),
      execute: async () => (await delay(toolDelayMs(run)), weatherFor(run)),
    }),
    get_flights: ai7.tool({
      description: "Flights between two cities",
      inputSchema: z.object({ from: z.string(), to: z.string() }),
      execute: async (): Promise<string[]> => {
        await delay(toolDelayMs(run));
        throw new Error(run.flightsError);
      },
    }),
  });
  const settings = (run: ScriptedRun) => ({
    model: model(run),
    tools: tools(run),
    stopWhen: ai7.stepCountIs(3),
    maxRetries: 0,
    prompt: run.prompt,
    runtimeContext: { userId: run.userId, ...(run.sessionId !== undefined && { sessionId: run.sessionId }) },
    telemetry: { functionId: FUNCTION_ID, includeRuntimeContext: { userId: true, sessionId: run.sessionId !== undefined }, integrations: [integration] },
  });
  return {
    modelId,
    generate: async (run) => (await ai7.generateText(settings(run))).text,
    stream: async (run) => {
      const abort = new AbortController();
      const result = ai7.streamText({ ...settings(run), abortSignal: abort.signal, onError: () => undefined });
      return readStream(run, result, abort);
    },
  };
}
