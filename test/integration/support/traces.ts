import { randomTraceId, type TraceInput } from "@agent-traces/core";

/** A complete, valid wire trace; override any field. */
export function aTrace(overrides: Partial<TraceInput> = {}): TraceInput {
  const started = new Date(Date.now() - 5_000);
  return {
    trace_id: randomTraceId(),
    user_id: "user-1",
    skill: "planning",
    started_at: started.toISOString(),
    ended_at: new Date(started.getTime() + 1_234).toISOString(),
    iterations: 2,
    tool_traces: [
      {
        name: "web_search",
        input: { query: "firebase ttl" },
        output: "3 results",
        duration_ms: 150,
        is_error: false,
        timestamp: new Date(started.getTime() + 10).toISOString(),
      },
    ],
    final_output: "Done.",
    status: "success",
    metadata: { model: "gemini-2.5-flash", temperature: 0.2 },
    ...overrides,
  };
}
