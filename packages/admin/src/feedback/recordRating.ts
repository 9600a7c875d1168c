import { FieldValue, Timestamp, type Firestore } from "firebase-admin/firestore";
import type { Feedback, FeedbackRating } from "@agent-traces/core";
import type { FeedbackCounts } from "@agent-traces/store";
import { traceRef } from "../writeTrace.js";
import { countsAfter } from "./feedbackCounts.js";
import { RATED_RUN_FIELDS, toFeedbackDocument, type RatedRun } from "./feedbackDocument.js";
import { feedbackRef } from "./feedbackId.js";

/** Who rates: a signed-in caller's uid, and whether they hold the admin claim (they may rate any run). */
export interface Rater {
  uid: string;
  admin: boolean;
}

/**
 * What became of a rating: `recorded` (with the rating it replaced, if any, and the run's counts now);
 * `not-found`, no run is stored under the id; `refused`, the run is another caller's and the rater no
 * admin. Nothing is written for either of the last two.
 */
export type RatingOutcome =
  | { outcome: "recorded"; replaced: FeedbackRating | undefined; counts: FeedbackCounts }
  | { outcome: "not-found" }
  | { outcome: "refused" };

/**
 * Records `feedback` by `rater` in one transaction: reads the run (its RatedRun fields), checks the
 * rater may rate it (its sender, or an admin), sets the rater's rating document (replacing their
 * previous one, whose `created_at` it keeps), and updates the run's `feedback` counts and
 * `negative_feedback` (present exactly when `feedback.down` > 0).
 */
export async function recordRating(db: Firestore, feedback: Feedback, rater: Rater): Promise<RatingOutcome> {
  const runRef = traceRef(db, feedback.trace_id);
  const ratingRef = feedbackRef(db, feedback.trace_id, rater.uid);
  return db.runTransaction(async (transaction): Promise<RatingOutcome> => {
    const [runSnapshot] = await transaction.getAll(runRef, { fieldMask: [...RATED_RUN_FIELDS] });
    const run = runSnapshot?.exists ? (runSnapshot.data() as RatedRun) : undefined;
    // A document recordTrace did not write (no Timestamps) is no stored run.
    if (!run || !(run.started_at instanceof Timestamp) || !(run.expire_at instanceof Timestamp)) return { outcome: "not-found" };
    if (run.recorded_by !== rater.uid && !rater.admin) return { outcome: "refused" };
    const [previousSnapshot] = await transaction.getAll(ratingRef, { fieldMask: ["rating", "created_at"] });
    const previous = previousSnapshot?.exists ? (previousSnapshot.data() as { rating?: unknown; created_at?: unknown }) : undefined;
    const replaced = previous?.rating === "up" || previous?.rating === "down" ? previous.rating : undefined;
    const createdAt = previous?.created_at instanceof Timestamp ? previous.created_at : undefined;
    const counts = countsAfter(run.feedback, feedback.rating, replaced);
    transaction.set(ratingRef, toFeedbackDocument(feedback, run, rater.uid, createdAt));
    transaction.update(runRef, { feedback: counts, negative_feedback: counts.down > 0 ? true : FieldValue.delete() });
    return { outcome: "recorded", replaced, counts };
  });
}
