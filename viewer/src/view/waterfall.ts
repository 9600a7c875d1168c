import { toolCallTimeline, type StoredTrace } from "@agent-traces/store";

/** One tool call's bar on the run's time axis, in percent of the axis. */
export interface WaterfallBar {
  /** The call's position in `tool_traces`. */
  index: number;
  offsetMs: number;
  durationMs: number;
  leftPercent: number;
  widthPercent: number;
}

/** A bar is never narrower than this, so a 0 ms call is still seen. */
export const MIN_BAR_PERCENT = 0.4;

/**
 * The tool calls on one time axis, ordered by start: each bar's left edge is its offset from the
 * run's start and its width its duration, over the run's duration (or the latest call end, if later).
 */
export function waterfallBars(trace: Pick<StoredTrace, "started_at" | "duration_ms" | "tool_traces">): { totalMs: number; bars: WaterfallBar[] } {
  const { totalMs, calls } = toolCallTimeline(trace);
  const bars = calls.map(({ index, offsetMs, durationMs }) => {
    const left = Math.min(100 - MIN_BAR_PERCENT, (offsetMs / totalMs) * 100);
    const width = Math.min(100 - left, Math.max(MIN_BAR_PERCENT, (durationMs / totalMs) * 100));
    return { index, offsetMs, durationMs, leftPercent: round2(left), widthPercent: round2(width) };
  });
  return { totalMs, bars };
}

/** Axis labels at 0 %, 25 %, 50 %, 75 % and 100 % of `totalMs`. */
export function axisTicks(totalMs: number): { percent: number; ms: number }[] {
  return [0, 25, 50, 75, 100].map((percent) => ({ percent, ms: Math.round((totalMs * percent) / 100) }));
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
