import { getCurrentTrace } from "@agent-traces/tracer";

/**
 * A small make-believe agent: a few skills, each a loop of tool calls, with tools that sometimes
 * fail and runs that sometimes time out or crash. It only uses the tracer's public API, the way an
 * agent would: `withTrace` around the run (in runDemo.ts), `getCurrentTrace()` and `trace.tool()` inside.
 */
export const SKILLS = ["research", "planning", "support"] as const;
export type Skill = (typeof SKILLS)[number];

export class ToolTimeout extends Error {}

/** A seeded generator, so that every `npm start` shows the same runs. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const TOOLS: Record<Skill, string[]> = {
  research: ["web_search", "fetch_page", "summarize"],
  planning: ["calendar_lookup", "create_task", "estimate_effort"],
  support: ["lookup_customer", "search_kb", "send_reply"],
};

export async function runAgent(skill: Skill, question: string, random: () => number): Promise<string> {
  const trace = getCurrentTrace();
  if (!trace) throw new Error("runAgent must run inside withTrace");
  const steps = 1 + Math.floor(random() * 3);
  const notes: string[] = [];
  for (let step = 0; step < steps; step++) {
    trace.incrementIteration();
    // What a model call of this step would have used, as Firebase AI Logic reports it: half the prompt from
    // the context cache, a third of the output thinking (priced with the shipped gemini-2.5-flash prices).
    const inputTokens = 400 + Math.floor(random() * 800);
    const outputTokens = 50 + Math.floor(random() * 200);
    trace.addUsage("gemini-2.5-flash", { inputTokens, outputTokens, cachedInputTokens: Math.floor(inputTokens / 2), reasoningTokens: Math.floor(outputTokens / 3) });
    const tool = TOOLS[skill][Math.floor(random() * 3)]!;
    const roll = random();
    try {
      notes.push(
        await trace.tool(tool, { query: question, step, ...(tool === "lookup_customer" ? { api_key: `sk-demo-${"x7".repeat(12)}` } : {}) }, async () => {
          await sleep(5 + Math.floor(random() * 40));
          if (roll < 0.12) throw new Error(`${tool} failed: upstream returned HTTP ${500 + Math.floor(random() * 4)} for request ${Math.floor(random() * 1e6)}`);
          if (roll < 0.17) throw new ToolTimeout(`${tool} timed out after ${2000 + Math.floor(random() * 1000)} ms`);
          return `${tool} result ${step} for "${question}"`;
        }),
      );
    } catch (error) {
      if (error instanceof ToolTimeout) {
        trace.setStatus("timeout");
        trace.setMetadata("error", error.message);
        return "Sorry, that took too long.";
      }
      // A failed tool call is recorded with is_error; the agent carries on with what it has,
      // except now and then when it gives up and the run fails.
      if (random() < 0.35) throw new Error(`could not complete ${skill}: ${(error as Error).message}`, { cause: error });
    }
  }
  const answer = `Answer to "${question}" from ${notes.length} tool results.`;
  trace.setOutput(answer);
  return answer;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
