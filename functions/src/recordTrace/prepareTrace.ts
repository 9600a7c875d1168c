import { decideRecording, sanitizeTrace, TraceIdRatioBasedSampler, validateTrace, type RecordingReason, type RecordTraceResult } from "@agent-traces/core";
import { toTraceDocument, type TraceDocument } from "@agent-traces/admin";
import type { RecordTraceConfig } from "../config.js";

/** What becomes of one received trace before anything is written. */
export type PreparedTrace =
  | { kind: "rejected"; traceId?: string; message: string; fields: string[] }
  /** Checking, sanitizing or building it threw: a bug of ours, which no retry gets past. */
  | { kind: "failed"; traceId?: string; error: unknown }
  | { kind: "answered"; result: RecordTraceResult }
  | { kind: "write"; traceId: string; reason: RecordingReason; document: TraceDocument };

export interface PrepareContext {
  uid: string;
  config: RecordTraceConfig;
  receivedAt: Date;
  /** The rate the sender sampled successes at, when it says (the batch form's `sample_rate`). */
  senderSampleRate?: number | undefined;
  /** Where the trace sits in the payload (`["traces", 3]`), for the field paths of a rejection. */
  at?: readonly PropertyKey[];
}

/**
 * Validates, samples and sanitizes one trace and builds the document to store. A success is sampled
 * at the lower of the server's rate and the sender's (which already left out what its own sampler
 * dropped: the samplers are monotonic in the rate), and that rate is stored as its `sample_rate`.
 */
export function prepareTrace(data: unknown, context: PrepareContext): PreparedTrace {
  try {
    return prepare(data, context);
  } catch (error) {
    return { kind: "failed", traceId: sentTraceId(data), error };
  }
}

function prepare(data: unknown, { uid, config, receivedAt, senderSampleRate, at }: PrepareContext): PreparedTrace {
  const validation = validateTrace(data, at);
  if (!validation.ok) return { kind: "rejected", traceId: sentTraceId(data), message: validation.message, fields: validation.fields };
  const { trace } = validation;
  const sampleRate = Math.min(config.sampleRate, senderSampleRate ?? config.sampleRate);
  const decision = decideRecording(trace.status, trace.trace_id, new TraceIdRatioBasedSampler(sampleRate));
  if (!decision.store) return { kind: "answered", result: { trace_id: trace.trace_id, stored: false, reason: decision.reason } };
  const document = toTraceDocument(sanitizeTrace(trace), {
    recordedBy: uid,
    receivedAt,
    ttlDays: trace.status === "success" ? config.ttlDays : config.errorTtlDays,
    sampleRate,
  });
  return { kind: "write", traceId: trace.trace_id, reason: decision.reason, document };
}

/** The trace id as sent, when it is a string: to name the trace in an answer about it. */
function sentTraceId(data: unknown): string | undefined {
  const traceId = (data as { trace_id?: unknown } | null)?.trace_id;
  return typeof traceId === "string" ? traceId : undefined;
}
