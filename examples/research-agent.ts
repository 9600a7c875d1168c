/**
 * A complete traced agent. Against the local stack:
 *   npm run emulators:exec -- "tsx --conditions=source examples/research-agent.ts"
 * For a real project, initialize the app with your config and drop the two connect… lines.
 */
import { initializeApp } from "firebase/app";
import { connectAuthEmulator, getAuth, signInAnonymously } from "firebase/auth";
import { connectFunctionsEmulator, getFunctions } from "firebase/functions";
import { flush, getCurrentTrace, withTrace } from "@agent-traces/tracer";

const app = initializeApp({ projectId: process.env.GCLOUD_PROJECT ?? "demo-agent-traces", apiKey: "demo-api-key" });
const auth = getAuth(app);
const functions = getFunctions(app);
connectAuthEmulator(auth, "http://127.0.0.1:9099", { disableWarnings: true });
connectFunctionsEmulator(functions, "127.0.0.1", 5001);
await signInAnonymously(auth); // recordTrace only takes signed-in callers

/** A tool: recorded (input, output, duration, is_error) wherever it is called from inside a run. */
async function lookUpDocs(topic: string): Promise<string[]> {
  return getCurrentTrace()!.tool("lookup_docs", { topic }, async () => {
    const pages: Record<string, string[]> = { ttl: ["TTL policies delete expired documents", "Deletion takes up to 24 hours"] };
    const found = pages[topic];
    if (!found) throw new Error(`no docs about ${topic}`); // recorded with is_error, then rethrown
    return found;
  });
}

async function researchAgent(topics: string[]): Promise<string> {
  const trace = getCurrentTrace()!;
  const notes: string[] = [];
  for (const topic of topics) {
    trace.incrementIteration();
    notes.push(...(await lookUpDocs(topic).catch(() => [])));
  }
  const answer = notes.join("; ") || "Nothing found.";
  trace.setOutput(answer);
  return answer;
}

const answer = await withTrace(
  {
    functions,
    userId: "user-42",
    skill: "research",
    metadata: { model: "gemini-2.5-flash" },
    onSent: (result) => console.log(`trace ${result.trace_id}: stored=${result.stored} (${result.reason})`),
    onError: (error) => console.warn(`trace ${error.traceId} not recorded: ${error.message}`),
  },
  async (trace) => {
    const result = await researchAgent(["ttl", "indexes"]);
    trace.setStatus("error"); // one lookup failed: keep this run whatever the sampler says
    return result;
  },
);
console.log(answer);
await flush(); // wait for the background send before the process (or a serverless instance) stops
process.exit(0);
