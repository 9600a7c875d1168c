import { isToolInput, LIMITS, type ToolTrace, type ToolTraceInput } from "@agent-traces/core";

const TOOL_TRACE_KEYS = new Set(["name", "input", "output", "duration_ms", "is_error", "timestamp"]);

/**
 * A tool call in wire form with its defaults, when its fields have the wire types; `undefined`
 * otherwise. A cheap check, no schema library: the trace's validation still judges what it lets by.
 */
export function toolTraceFromShape(call: ToolTraceInput): ToolTrace | undefined {
  if (typeof call !== "object" || call === null || Object.keys(call).some((key) => !TOOL_TRACE_KEYS.has(key))) return undefined;
  const { name, input = {}, output = "", duration_ms: durationMs, is_error: isError = false, timestamp } = call;
  if (typeof name !== "string" || name.length === 0 || !isToolInput(input) || typeof output !== "string" || typeof isError !== "boolean") return undefined;
  if (!Number.isInteger(durationMs) || durationMs < 0 || durationMs > LIMITS.maxDurationMs) return undefined;
  if (typeof timestamp !== "string" || Number.isNaN(Date.parse(timestamp))) return undefined;
  return { name, input, output, duration_ms: durationMs, is_error: isError, timestamp };
}
