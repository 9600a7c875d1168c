import { Timestamp, type Firestore } from "firebase-admin/firestore";
import { DAY_MS, type FeedbackRating, type TraceStatus } from "@agent-traces/core";
import { FEEDBACK_COLLECTION, feedbackId, type FeedbackDocument } from "@agent-traces/admin";
import { adminFirestore } from "./emulators.js";

/** One rating as recordFeedback stores it (the design's trace_feedback shape), its times chosen by the test. */
export interface SeedFeedback {
  traceId: string;
  ratedBy: string;
  rating: FeedbackRating;
  /** The rated run's sender (default: the rater), user, skill, status and start, copied onto the rating. */
  runRecordedBy?: string;
  userId?: string | number;
  skill?: string | null;
  runStatus?: TraceStatus;
  runStartedAt?: Date;
  /** The first rating's commit; defaults to updatedAt. */
  createdAt?: Date;
  /** The latest rating's commit: what the report windows by. */
  updatedAt: Date;
  comment?: string;
}

/** Writes ratings straight into trace_feedback (a rater's second rating of a run replaces the first); returns their document ids. */
export async function seedFeedback(ratings: readonly SeedFeedback[], db: Firestore = adminFirestore()): Promise<string[]> {
  const writer = db.bulkWriter();
  const ids: string[] = [];
  for (const seed of ratings) {
    const id = feedbackId(seed.traceId, seed.ratedBy);
    const runStartedAt = seed.runStartedAt ?? new Date(seed.updatedAt.getTime() - 60_000);
    ids.push(id);
    void writer.set(db.collection(FEEDBACK_COLLECTION).doc(id), {
      trace_id: seed.traceId,
      rated_by: seed.ratedBy,
      rating: seed.rating,
      ...(seed.comment !== undefined ? { comment: seed.comment } : {}),
      run_recorded_by: seed.runRecordedBy ?? seed.ratedBy,
      user_id: seed.userId ?? seed.ratedBy,
      skill: seed.skill === undefined ? "planning" : seed.skill,
      run_status: seed.runStatus ?? "success",
      run_started_at: Timestamp.fromDate(runStartedAt),
      created_at: Timestamp.fromDate(seed.createdAt ?? seed.updatedAt),
      updated_at: Timestamp.fromDate(seed.updatedAt),
      expire_at: Timestamp.fromMillis(runStartedAt.getTime() + 7 * DAY_MS),
      schema_version: 1,
    } satisfies FeedbackDocument);
  }
  await writer.close();
  return ids;
}
