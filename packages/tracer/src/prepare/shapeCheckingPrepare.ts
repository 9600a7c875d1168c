import { sanitizeTrace, type ToolTrace, type TraceInput } from "@agent-traces/core";
import type { PreparedTrace } from "./PreparedTrace.js";
import { toolTraceFromShape as parseToolTrace } from "./toolTraceShape.js";

export { parseToolTrace };

/** A trace with the wire schema's defaults applied, as sanitizeTrace takes it. */
type Trace = Parameters<typeof sanitizeTrace>[0];

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
