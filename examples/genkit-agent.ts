/**
 * A Genkit agent traced from its OpenTelemetry spans. Against the local stack:
 *   npm run emulators:exec -- "tsx --conditions=source examples/genkit-agent.ts"
 * The model is a fake (ai.defineModel) so that it runs offline; a real one (googleAI.model(…)) is
 * traced the same way. For a real project, initialize the app with your config and drop the two
 * connect… lines.
 */
import { initializeApp } from "firebase/app";
import { connectAuthEmulator, getAuth, signInAnonymously } from "firebase/auth";
import { connectFunctionsEmulator, getFunctions } from "firebase/functions";
import { genkit, z } from "genkit";
import { enableTelemetry } from "genkit/tracing";
import { AgentTracesSpanProcessor } from "@agent-traces/otel";
import type { RecordTraceResult } from "@agent-traces/tracer";

const app = initializeApp({ projectId: process.env.GCLOUD_PROJECT ?? "demo-agent-traces", apiKey: "demo-api-key" });
const auth = getAuth(app);
const functions = getFunctions(app);
connectAuthEmulator(auth, "http://127.0.0.1:9099", { disableWarnings: true });
connectFunctionsEmulator(functions, "127.0.0.1", 5001);
await signInAnonymously(auth); // recordTrace only takes signed-in callers

// The one line: after importing genkit, before its first flow, model or tool call. Each root flow
// becomes a trace: its tool calls, its model calls as iterations with their token usage, its output.
const answers = new Map<string, RecordTraceResult>();
const processor = new AgentTracesSpanProcessor({ functions, onSent: (result) => answers.set(result.trace_id, result) });
enableTelemetry({ spanProcessors: [processor] });

const ai = genkit({});

/** A fake model: asks for both tools, then answers from their results. */
const travelModel = ai.defineModel({ name: "fake/travel-model", supports: { tools: true, multiturn: true } }, async (request) => {
  const toolMessage = request.messages.find((message) => message.role === "tool");
  if (!toolMessage) {
    const city = /trip to (\w+)/.exec(request.messages.at(-1)?.content[0]?.text ?? "")?.[1] ?? "Paris";
    return {
      message: {
        role: "model",
        content: [{ toolRequest: { name: "get_weather", input: { city } } }, { toolRequest: { name: "get_flights", input: { from: "BER", to: city } } }],
      },
      usage: { inputTokens: 120, outputTokens: 30 },
    };
  }
  const results = Object.fromEntries(toolMessage.content.map((part) => [part.toolResponse?.name, part.toolResponse?.output]));
  return {
    message: { role: "model", content: [{ text: `It will be ${results.get_weather}; take ${(results.get_flights as string[]).join(" or ")}.` }] },
    usage: { inputTokens: 200, outputTokens: 15 },
  };
});

const getWeather = ai.defineTool(
  { name: "get_weather", description: "Tomorrow's weather in a city", inputSchema: z.object({ city: z.string() }), outputSchema: z.string() },
  async ({ city }) => (city === "Paris" ? "sunny, 21°C" : "cloudy, 12°C"),
);
const getFlights = ai.defineTool(
  { name: "get_flights", description: "Flights between two places", inputSchema: z.object({ from: z.string(), to: z.string() }), outputSchema: z.array(z.string()) },
  async ({ from, to }) => {
    if (to === "Atlantis") throw new Error(`no airport serves ${to}`); // the call is recorded with is_error, the flow fails
    return [`LH1034 ${from}-${to} 07:10`, `AF1735 ${from}-${to} 12:25`];
  },
);

const travelAgent = ai.defineFlow({ name: "travelAgent", inputSchema: z.string(), outputSchema: z.string() }, async (city) => {
  const response = await ai.generate({ model: travelModel, prompt: `Plan a day trip to ${city} tomorrow.`, tools: [getWeather, getFlights] });
  return response.text;
});

const traceIds: string[] = [];
for (const city of ["Paris", "Atlantis"]) {
  const uid = auth.currentUser!.uid;
  // The user: Genkit puts no auth in its spans, so pass it as a telemetry label of the flow's root span.
  const options = { context: { auth: { uid } }, telemetryLabels: { "agent_traces.user_id": uid } };
  try {
    const { result, telemetry } = await travelAgent.run(city, options);
    traceIds.push(telemetry.traceId);
    console.log(`${city}: ${result} (trace ${telemetry.traceId})`);
  } catch (error) {
    const { message, traceId } = error as Error & { traceId: string };
    traceIds.push(traceId);
    console.log(`${city}: failed: ${message} (trace ${traceId})`);
  }
}

await processor.forceFlush(); // send what ended and wait for the answers, before the process (or an instance) stops
for (const traceId of traceIds) {
  const answer = answers.get(traceId);
  console.log(`trace ${traceId}: ${answer ? `stored=${answer.stored} (${answer.reason})` : "not sent (a success the 10% sampler left out)"}`);
}
process.exit(0);
