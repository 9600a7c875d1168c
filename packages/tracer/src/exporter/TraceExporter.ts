import type { RecordingReason, SanitizedTrace } from "@agent-traces/core";

/** Why the server stored a trace or not; `duplicate` when a trace with that id was already stored. */
export type RecordTraceReason = RecordingReason | "duplicate";

/** The `recordTrace` callable's answer. */
export interface RecordTraceResult {
  trace_id: string;
  stored: boolean;
  reason: RecordTraceReason;
}

/** Sends a finished, sanitized trace to where traces are stored. Rejects when the send failed. */
export interface TraceExporter {
  export(trace: SanitizedTrace): Promise<RecordTraceResult>;
}

const REASONS: readonly string[] = ["error", "timeout", "sampled", "sampled_out", "duplicate"] satisfies RecordTraceReason[];

export function isRecordTraceResult(value: unknown): value is RecordTraceResult {
  if (typeof value !== "object" || value === null) return false;
  const { trace_id, stored, reason } = value as Record<string, unknown>;
  return typeof trace_id === "string" && typeof stored === "boolean" && typeof reason === "string" && REASONS.includes(reason);
}
