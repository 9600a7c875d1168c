import type { DocumentReference, Firestore } from "firebase-admin/firestore";
import { FEEDBACK_COLLECTION } from "@agent-traces/store";

/** The id of one rater's rating of one run: `<trace_id>:<rated_by, URI-encoded>` (a uid may hold `/`, which a document id may not). */
export function feedbackId(traceId: string, ratedBy: string): string {
  return `${traceId}:${encodeURIComponent(ratedBy)}`;
}

/** `trace_feedback/{feedbackId}` of one rater's rating of one run. */
export function feedbackRef(db: Firestore, traceId: string, ratedBy: string): DocumentReference {
  return db.collection(FEEDBACK_COLLECTION).doc(feedbackId(traceId, ratedBy));
}
