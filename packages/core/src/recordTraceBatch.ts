import { z } from "zod";
import { keepRulesSchema } from "./keep/keepRulesSchema.js";
import { MAX_BATCH_TRACES } from "./limits.js";
import { recordTraceResultSchema } from "./recordTraceResult.js";

/**
 * The batch form of a `recordTrace` call: `{ traces: [...], sample_rate?, keep_rules? }`. Each trace is
 * validated on its own (one bad trace never rejects the others); `sample_rate` is the rate the sender
 * sampled successes at and `keep_rules` the rules it kept successes by besides (absent: none), so the
 * server stores the rate a trace was really kept at.
 */
export const recordTraceBatchSchema = z.strictObject({
  traces: z.array(z.unknown()).min(1, `must hold 1 to ${MAX_BATCH_TRACES} traces`).max(MAX_BATCH_TRACES, `must hold 1 to ${MAX_BATCH_TRACES} traces`),
  sample_rate: z.number().min(0).max(1).optional(),
  /** Rules the server cannot read are taken as none (weights then assume sampling only): they never cost a batch its traces. */
  keep_rules: keepRulesSchema.optional().catch(undefined),
});

/**
 * The answer for one trace of a batch that was not stored, nothing of it written: `invalid-argument`
 * (it failed validation; `fields` names the bad ones), `resource-exhausted` (its sender's rate limit;
 * retry after `retry_after_ms`) or `internal` (a bug of the server's, logged).
 */
export const traceRejectionSchema = z.object({
  trace_id: z.string().optional(),
  error: z.object({
    code: z.enum(["invalid-argument", "resource-exhausted", "internal"]),
    message: z.string(),
    fields: z.array(z.string()),
    retry_after_ms: z.number().optional(),
  }),
});

/** One answer per trace of the batch, in the batch's order. */
export const recordTraceBatchResultSchema = z.object({
  results: z.array(z.union([recordTraceResultSchema, traceRejectionSchema])),
});

export type RecordTraceBatch = z.output<typeof recordTraceBatchSchema>;
export type TraceRejection = z.output<typeof traceRejectionSchema>;
export type RecordTraceBatchItemResult = z.output<typeof recordTraceBatchResultSchema>["results"][number];
export type RecordTraceBatchResult = z.output<typeof recordTraceBatchResultSchema>;

/** Whether a callable payload is the batch form (a single trace has no `traces` field). */
export function isBatchPayload(data: unknown): boolean {
  return typeof data === "object" && data !== null && !Array.isArray(data) && "traces" in data;
}
