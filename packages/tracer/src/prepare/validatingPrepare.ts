import { sanitizeTrace, toolTraceSchema, validateTrace, type ToolTrace, type ToolTraceInput, type TraceInput } from "@agent-traces/core";
import type { PreparedTrace } from "./PreparedTrace.js";

/** Node: validates the run against the wire schema before sanitizing it, so a bad field is named before any call. */
export function prepareTrace(input: TraceInput): PreparedTrace {
  const validation = validateTrace(input);
  return validation.ok ? { ok: true, trace: sanitizeTrace(validation.trace) } : validation;
}

/** A tool call in its schema form (defaults applied), or `undefined` when it does not fit the schema. */
export function parseToolTrace(input: ToolTraceInput): ToolTrace | undefined {
  const parsed = toolTraceSchema.safeParse(input);
  return parsed.success ? parsed.data : undefined;
}
