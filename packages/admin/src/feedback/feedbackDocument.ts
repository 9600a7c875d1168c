import { FieldValue, type Timestamp } from "firebase-admin/firestore";
import { LIMITS, redactAndCut, type Feedback } from "@agent-traces/core";
import type { StoredFeedback } from "@agent-traces/store";
import type { TraceDocument } from "../traceDocument.js";

/** The fields of a run a rating reads: who may rate it, and what the rating copies of it. */
export type RatedRun = Pick<TraceDocument, "recorded_by" | "user_id" | "skill" | "session_id" | "status" | "started_at" | "expire_at" | "feedback">;

/** The run's fields RatedRun holds, to read no more of the run than that. */
export const RATED_RUN_FIELDS = ["recorded_by", "user_id", "skill", "session_id", "status", "started_at", "expire_at", "feedback"] as const satisfies readonly (keyof RatedRun)[];

/**
 * One rater's rating of a run as stored in `trace_feedback/{feedbackId}`: store's StoredFeedback (the
 * run's user, skill, session, status and start copied, so that the report and erasure need not read the
 * run) with its instants as Timestamps; `expire_at` is the run's, so that the TTL policy deletes it with its run.
 */
export type FeedbackDocument = Omit<StoredFeedback, "run_started_at" | "created_at" | "updated_at" | "expire_at"> & {
  run_started_at: Timestamp;
  /** The rater's first rating's commit time (a server timestamp when written). */
  created_at: Timestamp | FieldValue;
  /** This rating's commit time (a server timestamp when written): what the report windows by. */
  updated_at: Timestamp | FieldValue;
  expire_at: Timestamp;
  schema_version: 1;
};

/**
 * The document for `feedback` of `run` by `ratedBy`; `createdAt` is the rater's previous rating's
 * (undefined for a first rating: the commit's time). Its text is redacted and cut like a trace's.
 */
export function toFeedbackDocument(feedback: Feedback, run: RatedRun, ratedBy: string, createdAt: Timestamp | undefined): FeedbackDocument {
  const comment = feedback.comment === undefined ? "" : redactAndCut(feedback.comment, LIMITS.feedbackCommentChars);
  const tags = (feedback.tags ?? []).map((tag) => redactAndCut(tag, LIMITS.feedbackTagChars));
  return {
    trace_id: feedback.trace_id,
    rated_by: ratedBy,
    rating: feedback.rating,
    ...(feedback.value !== undefined ? { value: feedback.value } : {}),
    ...(comment !== "" ? { comment } : {}),
    ...(tags.length > 0 ? { tags } : {}),
    run_recorded_by: run.recorded_by,
    user_id: run.user_id ?? run.recorded_by, // never null as stored (toTraceDocument); the type is the wire's
    skill: run.skill ?? null,
    ...(typeof run.session_id === "string" ? { session_id: run.session_id } : {}),
    run_status: run.status,
    run_started_at: run.started_at,
    created_at: createdAt ?? FieldValue.serverTimestamp(),
    updated_at: FieldValue.serverTimestamp(),
    expire_at: run.expire_at,
    schema_version: 1,
  };
}
