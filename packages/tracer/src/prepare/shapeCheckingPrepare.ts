import { isToolInput, LIMITS, sanitizeTrace, type ToolTrace, type ToolTraceInput, type TraceInput } from "@agent-traces/core";
import type { PreparedTrace } from "./PreparedTrace.js";

/** A trace with the wire schema's defaults applied, as sanitizeTrace takes it. */
type Trace = Parameters<typeof sanitizeTrace>[0];

const TOOL_TRACE_KEYS = new Set(["name", "input", "output", "duration_ms", "is_error", "timestamp"]);

/**
 * Browser: no schema library in the page (it would be most of the bundle). The run is built by
 * TraceContext in wire form, so only its tool calls' shape is checked here; `recordTrace` validates
 * every field against the wire schema and names a bad one in its answer (an InvalidTraceError).
 */
export function prepareTrace(input: TraceInput): PreparedTrace {
  const toolTraces: ToolTrace[] = [];
  for (const [index, call] of (input.tool_traces ?? []).entries()) {
    const parsed = parseToolTrace(call);
    if (!parsed) return { ok: false, message: `Invalid trace: tool_traces[${index}]: is not a tool call (name, input, output, duration_ms, is_error, timestamp)`, fields: [`tool_traces[${index}]`] };
    toolTraces.push(parsed);
  }
  const trace = { tool_traces_shortened: 0, ...input, tool_traces: toolTraces } as Trace;
  try {
    return { ok: true, trace: sanitizeTrace(trace) };
  } catch (error) {
    return { ok: false, message: `Invalid trace: ${error instanceof Error ? error.message : String(error)}`, fields: [] };
  }
}

/** A tool call in wire form with its defaults, when its fields have the wire types; `undefined` otherwise. */
export function parseToolTrace(call: ToolTraceInput): ToolTrace | undefined {
  if (typeof call !== "object" || call === null || Object.keys(call).some((key) => !TOOL_TRACE_KEYS.has(key))) return undefined;
  const { name, input = {}, output = "", duration_ms: durationMs, is_error: isError = false, timestamp } = call;
  if (typeof name !== "string" || name.length === 0 || !isToolInput(input) || typeof output !== "string" || typeof isError !== "boolean") return undefined;
  if (!Number.isInteger(durationMs) || durationMs < 0 || durationMs > LIMITS.maxDurationMs) return undefined;
  if (typeof timestamp !== "string" || Number.isNaN(Date.parse(timestamp))) return undefined;
  return { name, input, output, duration_ms: durationMs, is_error: isError, timestamp };
}
