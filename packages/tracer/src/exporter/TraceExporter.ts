import { recordTraceResultSchema, type RecordTraceResult, type SanitizedTrace } from "@agent-traces/core";

export type { RecordTraceReason, RecordTraceResult } from "@agent-traces/core";

/** Sends a finished, sanitized trace to where traces are stored. Rejects when the send failed. */
export interface TraceExporter {
  export(trace: SanitizedTrace): Promise<RecordTraceResult>;
}

export function isRecordTraceResult(value: unknown): value is RecordTraceResult {
  return recordTraceResultSchema.safeParse(value).success;
}
