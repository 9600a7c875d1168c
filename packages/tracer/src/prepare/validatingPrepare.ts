import { repairTrace, sanitizeTrace, toolTraceSchema, validateTrace, type ToolTrace, type ToolTraceInput, type TraceInput } from "@agent-traces/core";
import type { PreparedTrace } from "./PreparedTrace.js";

/**
 * Node: validates the run against the wire schema; a run that fails is repaired (repairTrace: what the
 * schema refuses is rewritten and counted in `values_repaired`), never refused. The repaired run is
 * validated again: only a bug in the repair (or a value that throws when read) is reported, not sent.
 */
export function prepareTrace(input: TraceInput): PreparedTrace {
  try {
    const validation = validateTrace(input);
    if (validation.ok) return { ok: true, trace: sanitizeTrace(validation.trace) };
    const repaired = validateTrace(repairTrace(input).trace);
    return repaired.ok ? { ok: true, trace: sanitizeTrace(repaired.trace) } : repaired;
  } catch (error) {
    return { ok: false, message: `Invalid trace: could not be read: ${error instanceof Error ? error.message : String(error)}`, fields: [] };
  }
}

/** A tool call in its schema form (defaults applied), or `undefined` when it does not fit the schema. */
export function parseToolTrace(input: ToolTraceInput): ToolTrace | undefined {
  const parsed = toolTraceSchema.safeParse(input);
  return parsed.success ? parsed.data : undefined;
}
