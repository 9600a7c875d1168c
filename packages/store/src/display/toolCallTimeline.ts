/** One tool call on a run's timeline: `index` is its position in `tool_traces` (0-based). */
export interface TimelineCall {
  index: number;
  /** From the run's start to the call's start, never negative. */
  offsetMs: number;
  durationMs: number;
}

/** A run's tool calls in order of start, on a scale of `totalMs`. */
export interface ToolCallTimeline {
  /** The run's duration, stretched to the end of the last call if later (or the run has no end); at least 1. */
  totalMs: number;
  calls: TimelineCall[];
}

/**
 * Where each tool call of a trace sits in time: its offset from `started_at` (clamped at 0), the
 * calls sorted by offset, ties in their original order, and the scale that holds the run and every call.
 */
export function toolCallTimeline(trace: {
  started_at: string;
  duration_ms: number | null;
  tool_traces: readonly { timestamp: string; duration_ms: number }[];
}): ToolCallTimeline {
  const started = Date.parse(trace.started_at);
  const calls = trace.tool_traces
    .map((tool, index) => ({ index, offsetMs: Math.max(0, Date.parse(tool.timestamp) - started), durationMs: tool.duration_ms }))
    .sort((a, b) => a.offsetMs - b.offsetMs || a.index - b.index);
  const totalMs = Math.max(1, trace.duration_ms ?? 0, ...calls.map((call) => call.offsetMs + call.durationMs));
  return { totalMs, calls };
}
