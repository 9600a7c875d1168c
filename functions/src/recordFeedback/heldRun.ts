import type { Firestore } from "firebase-admin/firestore";
import { HttpsError } from "firebase-functions/v2/https";
import type { Feedback } from "@agent-traces/core";
import { createTracesWithinLimit, type KnownCounters, type LimitedWrite } from "@agent-traces/admin";
import type { RecordTraceConfig } from "../config.js";
import { logs } from "../logs.js";
import { documentRefused, toHttpsError, withinDeadline } from "../recordTrace/firestoreErrors.js";
import { prepareTrace, type PreparedTrace } from "../recordTrace/prepareTrace.js";

/** A held run ready to write: its document built as recordTrace builds one. */
export type HeldRun = Extract<PreparedTrace, { kind: "write" }>;

/**
 * The run sent with a thumbs-down (`feedback.trace`, held by the sender after its sampler dropped it),
 * prepared as recordTrace prepares a trace (validated, failed runs repaired, content omitted when
 * capture is off, sanitized), kept for `feedback` (weight 0) when it is not in the sample (keepDecision.ts).
 * Throws `invalid-argument` naming the fields (paths under `trace`) for an invalid run or one whose
 * trace_id is not the feedback's, `internal` when preparing it threw (a bug of ours, logged).
 */
export function prepareHeldRun(feedback: Feedback, uid: string, config: RecordTraceConfig, receivedAt: Date): HeldRun | undefined {
  const prepared = prepareTrace(feedback.trace, { uid, config, receivedAt, senderSampleRate: feedback.sample_rate, senderKeepRules: feedback.keep_rules, at: ["trace"], keptFor: "feedback" });
  if (prepared.kind === "rejected") {
    logs.feedbackRejected(prepared.fields, uid);
    throw new HttpsError("invalid-argument", prepared.message, { fields: prepared.fields });
  }
  if (prepared.kind === "failed") {
    logs.tracePrepareFailed(prepared.traceId, prepared.error);
    throw new HttpsError("internal", "recordFeedback could not process the run sent with the feedback: a bug on the server's side, logged as trace_prepare_failed.");
  }
  // Not reached with keptFor: every valid run is written.
  if (prepared.kind === "answered") return undefined;
  if (prepared.traceId !== feedback.trace_id) {
    logs.feedbackRejected(["trace.trace_id"], uid);
    throw new HttpsError("invalid-argument", `Invalid feedback: trace.trace_id: must be the rated run's id, the feedback's trace_id (${feedback.trace_id})`, { fields: ["trace.trace_id"] });
  }
  return prepared;
}

export interface HeldRunWrite {
  db: Firestore;
  uid: string;
  config: RecordTraceConfig;
  receivedAt: Date;
  knownCounters: KnownCounters | undefined;
  onWrite: ((write: Promise<unknown>) => void) | undefined;
  /** When the call's writes must have settled (Date.now() milliseconds). */
  deadline: number;
}

/**
 * Creates the held run's document within the caller's rate limit (createTracesWithinLimit, as
 * recordTrace does): true once it is stored, by this call or by an earlier attempt of it (a retry whose
 * first attempt stored the run but not the rating: a tracer never sends a run recordTrace stored). Throws `permission-denied` when another run holds its id (another caller's, or another
 * run of this caller's), `resource-exhausted` (with `retry_after_ms`) over the rate limit,
 * `invalid-argument` when Firestore refuses the document, and the mapped error when the write fails.
 */
export async function storeHeldRun(run: HeldRun, { db, uid, config, receivedAt, knownCounters, onWrite, deadline }: HeldRunWrite): Promise<boolean> {
  let written: LimitedWrite;
  try {
    const write = createTracesWithinLimit(db, uid, [run.document], config.rateLimitPerMinute, receivedAt, knownCounters);
    onWrite?.(write);
    written = await withinDeadline(write, Math.max(0, deadline - Date.now()));
  } catch (error) {
    logs.traceWritesFailed([run.traceId], error);
    throw toHttpsError(error);
  }
  const outcome = written.outcomes[0]!;
  if (outcome === "refused") {
    logs.traceRateLimited(uid, 1, written.retryAfterMs);
    const message = `This caller stored its limit of ${config.rateLimitPerMinute} traces in the last minute (TRACE_RATE_LIMIT_PER_MINUTE), so the run sent with the feedback was not stored; send the feedback again after ${written.retryAfterMs} ms.`;
    throw new HttpsError("resource-exhausted", message, { retry_after_ms: written.retryAfterMs });
  }
  if (outcome === "created") {
    logs.tracesStored(uid, [{ traceId: run.traceId, reason: run.document.kept_for, toolTracesDropped: run.document.tool_traces_dropped }]);
    return true;
  }
  if (outcome === "duplicate") return true;
  if (outcome === "conflict") {
    logs.feedbackRefused(run.traceId, uid, "conflict");
    throw new HttpsError("permission-denied", `Another run holds trace id ${run.traceId} (another caller's, or another run of this caller's): the run sent with the feedback was not stored and the feedback was not recorded.`);
  }
  logs.traceWriteRefused(run.traceId, uid, outcome.invalid);
  throw new HttpsError("invalid-argument", documentRefused(outcome.invalid).message, { fields: [] });
}
