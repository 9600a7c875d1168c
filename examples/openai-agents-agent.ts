/**
 * An OpenAI Agents SDK agent traced by agent-traces. Against the local stack:
 *   npm run emulators:exec -- "tsx --conditions=source examples/openai-agents-agent.ts"
 * It runs offline (a scripted Model stands in for OpenAI); with a real one, drop ScriptedModel and
 * give the agent a model name. For a real project, initialize the app with your config and drop the
 * two connect… lines.
 */
import { initializeApp } from "firebase/app";
import { connectAuthEmulator, getAuth, signInAnonymously } from "firebase/auth";
import { connectFunctionsEmulator, getFunctions } from "firebase/functions";
import { Agent, generateTraceId, Runner, setTraceProcessors, tool, Usage, type Model, type ModelRequest, type ModelResponse } from "@openai/agents";
import { z } from "zod";
import { AgentTracesTracingProcessor } from "@agent-traces/openai-agents";

const app = initializeApp({ projectId: process.env.GCLOUD_PROJECT ?? "demo-agent-traces", apiKey: "demo-api-key" });
const auth = getAuth(app);
const functions = getFunctions(app);
connectAuthEmulator(auth, "http://127.0.0.1:9099", { disableWarnings: true });
connectFunctionsEmulator(functions, "127.0.0.1", 5001);
await signInAnonymously(auth); // recordTrace only takes signed-in callers

// Every agent run (one SDK trace) becomes one agent trace. setTraceProcessors replaces the SDK's
// default exporter to OpenAI's dashboard; addTraceProcessor would keep it as well.
const processor = new AgentTracesTracingProcessor({
  functions,
  onSent: (result) => console.log(`trace ${result.trace_id}: stored=${result.stored} (${result.reason})`),
  onError: (error) => console.warn(`trace ${error.traceId} not recorded: ${error.message}`),
});
setTraceProcessors([processor]);

const searchFlights = tool({
  name: "search_flights",
  description: "Flights to a city on a date.",
  parameters: z.object({ to: z.string(), date: z.string() }),
  execute: async ({ to, date }) => [{ flight: "AF1", to, date, departs: "09:00" }],
  // Any errorFunction of your own keeps a failure's message in the trace (the SDK's default redacts it);
  // what it returns is what the model is told.
  errorFunction: () => "Flight search is unavailable right now.",
});
const bookFlight = tool({
  name: "book_flight",
  description: "Books a flight.",
  parameters: z.object({ flight: z.string() }),
  execute: async ({ flight }) => {
    throw new Error(`card declined for ${flight}`);
  },
  errorFunction: null, // a failed booking stops the run (recorded as an error) instead of going back to the model
});

/** Stands in for OpenAI: searches, then books what it found. */
class ScriptedModel implements Model {
  async getResponse(request: ModelRequest): Promise<ModelResponse> {
    const searched = typeof request.input !== "string" && request.input.some((item) => item.type === "function_call_result");
    const call = searched
      ? { callId: "call_2", name: "book_flight", arguments: JSON.stringify({ flight: "AF1" }) }
      : { callId: "call_1", name: "search_flights", arguments: JSON.stringify({ to: "Oslo", date: "2026-12-24" }) };
    return { usage: new Usage({ requests: 1, inputTokens: 120, outputTokens: 15, totalTokens: 135 }), output: [{ type: "function_call", status: "completed", ...call }] };
  }
  getStreamedResponse(): AsyncIterable<never> {
    throw new Error("not used here");
  }
}

const agent = new Agent({ name: "travel", instructions: "Find and book flights.", model: new ScriptedModel(), tools: [searchFlights, bookFlight] });
const traceId = generateTraceId(); // trace_<32 hex>: agent-traces stores the run under the hex part
console.log(`running trace ${traceId.slice("trace_".length)}`);
try {
  const result = await new Runner({ traceId, traceMetadata: { user_id: "user-42" } }).run(agent, "Book me a flight to Oslo on Christmas Eve.");
  console.log(result.finalOutput);
} catch (error) {
  console.log(`the run failed: ${(error as Error).message}`); // an error: kept whatever the sampler says
}
await processor.forceFlush(); // wait for the background send before the process (or a serverless instance) stops
process.exit(0);
