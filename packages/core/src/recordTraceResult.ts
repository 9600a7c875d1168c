import { z } from "zod";

/** The `recordTrace` callable's answer, shared by the function that sends it and the tracer that reads it. */
export const recordTraceResultSchema = z.object({
  trace_id: z.string(),
  stored: z.boolean(),
  /**
   * Why the trace was stored or not: its status, the keep rule it met, `sampled` or `sampled_out`; `duplicate` when this caller already stored this run under that id
   * (a retry); `conflict` when another run (another caller's, or another run of this caller's) holds
   * the id, nothing written: send the run again under a new id, with `original_trace_id` set.
   */
  reason: z.enum(["error", "timeout", "failed_tool", "slow", "tokens", "cost", "sampled", "sampled_out", "duplicate", "conflict"]),
  /** The fields recordTrace replaced to store a failed run that failed validation (at most 20 paths). */
  repaired_fields: z.array(z.string()).optional(),
});

export type RecordTraceResult = z.output<typeof recordTraceResultSchema>;
export type RecordTraceReason = RecordTraceResult["reason"];
