/**
 * A Vercel AI SDK 7 agent traced through OpenTelemetry. Against the local stack:
 *   npm run emulators:exec -- "tsx --conditions=source examples/ai-sdk-agent.ts"
 * For a real project, initialize the app with your config, drop the two connect… lines, and use your
 * provider's model (e.g. `google("gemini-2.5-flash")`) instead of the mock, which keeps this offline.
 */
import { randomBytes } from "node:crypto";
import { initializeApp } from "firebase/app";
import { connectAuthEmulator, getAuth, signInAnonymously } from "firebase/auth";
import { connectFunctionsEmulator, getFunctions } from "firebase/functions";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { generateText, registerTelemetry, stepCountIs, tool } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { OpenTelemetry } from "@ai-sdk/otel";
import { z } from "zod";
import { DEFAULT_SAMPLE_RATE, TraceIdRatioBasedSampler } from "@agent-traces/core";
import { AgentTracesSpanProcessor } from "@agent-traces/otel";

const app = initializeApp({ projectId: process.env.GCLOUD_PROJECT ?? "demo-agent-traces", apiKey: "demo-api-key" });
const auth = getAuth(app);
const functions = getFunctions(app);
connectAuthEmulator(auth, "http://127.0.0.1:9099", { disableWarnings: true });
connectFunctionsEmulator(functions, "127.0.0.1", 5001);
await signInAnonymously(auth); // recordTrace only takes signed-in callers

/** Demo only: trace ids the 10% sampler keeps, so that this one successful run is stored. Leave it out in an app. */
const sampler = new TraceIdRatioBasedSampler(DEFAULT_SAMPLE_RATE);
const keptTraceIds = {
  generateTraceId: (): string => {
    for (;;) {
      const id = randomBytes(16).toString("hex");
      if (sampler.shouldSample(id)) return id;
    }
  },
  generateSpanId: () => randomBytes(8).toString("hex"),
};

// Each AI SDK call (the `invoke_agent` span and its chat and execute_tool spans) becomes one trace.
const processor = new AgentTracesSpanProcessor({
  functions,
  onSent: (result) => console.log(`trace ${result.trace_id}: stored=${result.stored} (${result.reason})`),
  onError: (error) => console.warn(`trace ${error.traceId} not recorded: ${error.message}`),
});
const provider = new BasicTracerProvider({ spanProcessors: [processor], idGenerator: keptTraceIds });
// The one line: the AI SDK's spans go to our processor (runtimeContext: true lets the user id through).
registerTelemetry(new OpenTelemetry({ tracer: provider.getTracer("agent"), runtimeContext: true }));

/** A model that asks for both tools, then answers from their results: swap in a real one. */
let modelCalls = 0;
const model = new MockLanguageModelV4({
  provider: "mock",
  modelId: "mock-travel-model",
  doGenerate: async () => {
    const usage = { inputTokens: { total: 120, noCache: 120, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 25, text: 25, reasoning: 0 } };
    const response = { id: `response-${modelCalls}`, modelId: "mock-travel-model", timestamp: new Date() };
    if (++modelCalls === 1) {
      return {
        content: [
          { type: "tool-call", toolCallId: "call-1", toolName: "get_weather", input: JSON.stringify({ city: "Lisbon" }) },
          { type: "tool-call", toolCallId: "call-2", toolName: "get_flights", input: JSON.stringify({ from: "BER", to: "LIS" }) },
        ],
        finishReason: { unified: "tool-calls", raw: "tool_use" },
        usage,
        warnings: [],
        response,
      };
    }
    const text = "Lisbon is sunny (24°C); the flight search failed, try again later.";
    return { content: [{ type: "text", text }], finishReason: { unified: "stop", raw: "end_turn" }, usage, warnings: [], response };
  },
});

const tools = {
  get_weather: tool({
    description: "The weather in a city",
    inputSchema: z.object({ city: z.string() }),
    execute: async ({ city }) => ({ city, tempC: 24, sky: "sunny" }),
  }),
  get_flights: tool({
    description: "Flights between two airports",
    inputSchema: z.object({ from: z.string(), to: z.string() }),
    // A tool that throws is a failed tool call (is_error) in a run that goes on: the model gets the error.
    execute: async ({ from, to }): Promise<string[]> => {
      throw new Error(`flight search unavailable for ${from}->${to}`);
    },
  }),
};

const result = await generateText({
  model,
  tools,
  stopWhen: stepCountIs(5),
  prompt: "Should I fly to Lisbon this weekend?",
  runtimeContext: { userId: "user-42" }, // the trace's user_id…
  telemetry: { functionId: "travel-agent", includeRuntimeContext: { userId: true } }, // …and its skill
});
console.log(result.text);
await provider.forceFlush(); // records the run and waits for the server's answer before the process stops
process.exit(0);
