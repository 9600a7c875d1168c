import { repairTrace, sanitizeTrace, type TraceInput } from "@agent-traces/core";
import type { PreparedTrace } from "./PreparedTrace.js";
import { toolTraceFromShape as parseToolTrace } from "./toolTraceShape.js";

export { parseToolTrace };

/**
 * Browser: no schema library in the page (it would be most of the bundle). The run goes through
 * repairTrace, which takes what the wire schema takes without the library: defaults applied, ids
 * lowercased, whatever the schema would refuse rewritten and counted in `values_repaired`; never refused.
 * Only a value that throws when read is reported, not sent.
 */
export function prepareTrace(input: TraceInput): PreparedTrace {
  try {
    return { ok: true, trace: sanitizeTrace(repairTrace(input).trace) };
  } catch (error) {
    return { ok: false, message: `Invalid trace: could not be read: ${error instanceof Error ? error.message : String(error)}`, fields: [] };
  }
}
