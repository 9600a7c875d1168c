import { z } from "zod";

/** The `recordTrace` callable's answer, shared by the function that sends it and the tracer that reads it. */
export const recordTraceResultSchema = z.object({
  trace_id: z.string(),
  stored: z.boolean(),
  /** Why the trace was stored or not; `duplicate` when a trace with that id was already stored. */
  reason: z.enum(["error", "timeout", "sampled", "sampled_out", "duplicate"]),
});

export type RecordTraceResult = z.output<typeof recordTraceResultSchema>;
export type RecordTraceReason = RecordTraceResult["reason"];
