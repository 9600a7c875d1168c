import {
  omitContent,
  repairTrace,
  sanitizeTrace,
  sha256Hex,
  stringifyValue,
  validateTrace,
  type KeepRules,
  type RecordingReason,
  type RecordTraceResult,
  type Trace,
} from "@agent-traces/core";
import { toTraceDocument, type TraceDocument } from "@agent-traces/admin";
import type { RecordTraceConfig } from "../config.js";
import { decideKeep, senderRate } from "./keepDecision.js";

/** What becomes of one received trace before anything is written. */
export type PreparedTrace =
  | { kind: "rejected"; traceId?: string; message: string; fields: string[] }
  /** Checking, sanitizing or building it threw: a bug of ours, which no retry gets past. */
  | { kind: "failed"; traceId?: string; error: unknown }
  | { kind: "answered"; result: RecordTraceResult }
  /**
   * `reason`: the answer's (the document's `kept_for`; `sampled_out` for a run stored kept for
   * feedback); `repairedFields`: the fields replaced to store a failed run that failed validation (see prepareTrace).
   */
  | { kind: "write"; traceId: string; reason: RecordingReason; document: TraceDocument; repairedFields?: string[] };

export interface PrepareContext {
  uid: string;
  config: RecordTraceConfig;
  receivedAt: Date;
  /** The rate the sender sampled successes at, when it says (the batch form's `sample_rate`). */
  senderSampleRate?: number | undefined;
  /** The rules the sender kept successes by besides sampling (the batch form's `keep_rules`); absent: none. */
  senderKeepRules?: KeepRules | undefined;
  /** Where the trace sits in the payload (`["traces", 3]`), for the field paths of a rejection. */
  at?: readonly PropertyKey[];
  /** Set: a success its sender did not keep, or the server's decision drops, is stored anyway, kept for this reason (weight 0; recordFeedback's keep on complaint). */
  keptFor?: "feedback";
}

/**
 * Validates, decides (keepDecision.ts: failures, keep rules checked on the run itself, the samplers)
 * and sanitizes one trace and builds the document to store: its `kept_for` says why it was kept, its
 * `sample_rate` the probability a run like it is stored, and it weighs 1 / that rate in the report.
 *
 * An invalid trace is rejected (invalid-argument, the fields named), except a failed run: a trace
 * whose `status` is `error` or `timeout` as sent is repaired (core's repairTrace) and stored, the
 * fields validation named (the first 20, paths within the trace) kept as its `repaired_fields` and
 * the values rewritten added to its `values_repaired`. A failed run with an invalid `trace_id` is
 * stored under an id derived from the caller's uid and the id sent (repairedTraceId), so that a retry
 * of it is answered `duplicate`. A trace whose status is itself invalid is rejected: nothing says it failed.
 * With content capture off (config.captureContent false, or the trace says `content_captured: false`) the
 * stored run keeps its shape only: core's omitContent, whatever the sender sent. With `keptFor`, a
 * success that is not in the sample is written too (reason `sampled_out`, its document's `kept_for` that reason, weight 0).
 */
export function prepareTrace(data: unknown, context: PrepareContext): PreparedTrace {
  try {
    return prepare(data, context);
  } catch (error) {
    return { kind: "failed", traceId: sentTraceId(data), error };
  }
}

function prepare(data: unknown, { uid, config, receivedAt, senderSampleRate, senderKeepRules, at, keptFor }: PrepareContext): PreparedTrace {
  const validation = validateTrace(data);
  let repairedFields: string[] | undefined;
  let trace: Trace;
  if (validation.ok) trace = validation.trace;
  else {
    const repaired = isFailedRun(data) ? validateTrace(repairTrace(data, { traceIdFor: (sent) => repairedTraceId(uid, sent), now: receivedAt.getTime() }).trace) : undefined;
    if (!repaired?.ok) {
      // Named again with where the trace sits in the payload (`traces[3].…`), for the rejection.
      const { message, fields } = at?.length ? describeRejection(data, at, validation) : validation;
      return { kind: "rejected", traceId: sentTraceId(data), message, fields };
    }
    trace = repaired.trace;
    repairedFields = [...new Set(validation.fields)];
  }
  const decision = decideKeep(trace, {
    serverRate: config.sampleRate,
    serverRules: config.keepRules,
    prices: config.prices,
    senderRate: senderSampleRate,
    senderRules: senderKeepRules,
    keptFor,
  });
  if (!decision.store) return { kind: "answered", result: { trace_id: trace.trace_id, stored: false, reason: decision.reason } };
  // Content capture off (the server's param, or the sender already omitted): omitted again, before sanitizing, so lengths are the original's.
  if (!config.captureContent || trace.content_captured === false) trace = omitContent(trace);
  const document = toTraceDocument(sanitizeTrace(trace), {
    recordedBy: uid,
    receivedAt,
    ttlDays: trace.status === "success" ? config.ttlDays : config.errorTtlDays,
    sampleRate: decision.sampleRate,
    keptFor: decision.keptFor,
    ...(config.prices && { prices: config.prices }),
    ...(repairedFields && { repairedFields }),
  });
  return { kind: "write", traceId: trace.trace_id, reason: decision.reason, document, ...(repairedFields && { repairedFields }) };
}

/** The rate the samplers keep a plain success at (no keep rule met): the server's, or the sender's when lower (see keepDecision's senderRate). */
export function keptSampleRate(serverRate: number, senderSampleRate: number | undefined): number {
  return Math.min(serverRate, senderRate({ senderRate: senderSampleRate }));
}

function describeRejection(data: unknown, at: readonly PropertyKey[], unplaced: { message: string; fields: string[] }): { message: string; fields: string[] } {
  const validation = validateTrace(data, at);
  return validation.ok ? unplaced : validation;
}

/** Whether `data` says it is a failed run: its own `status` (not one it inherits) is `error` or `timeout`. */
function isFailedRun(data: unknown): boolean {
  if (typeof data !== "object" || data === null || !Object.hasOwn(data, "status")) return false;
  const { status } = data as { status?: unknown };
  return status === "error" || status === "timeout";
}

/**
 * The id a failed run sent with an invalid trace id is stored under: 32 hex digits of the SHA-256 of
 * the caller's uid and the id as sent, so the same caller resending it gets the same id (answered
 * `duplicate`), and no other caller's run derives it.
 */
export function repairedTraceId(uid: string, sent: unknown): string {
  const id = sha256Hex(`recordTrace repaired id\n${uid}\n${stringifyValue(sent)}`).slice(0, 32);
  return /^0+$/.test(id) ? `${id.slice(0, 31)}1` : id;
}

/** The trace id as sent, when it is a string: to name the trace in an answer about it. */
function sentTraceId(data: unknown): string | undefined {
  const traceId = (data as { trace_id?: unknown } | null)?.trace_id;
  return typeof traceId === "string" ? traceId : undefined;
}
