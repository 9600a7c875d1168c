import type { Firestore } from "firebase-admin/firestore";
import { buildNegativeFeedbackQuery } from "./negativeFeedbackQuery.js";
import type { ReportWindow } from "./reportWindow.js";
import { NEGATIVE_FEEDBACK_FIELDS, summarizeNegativeFeedback, type NegativeFeedbackFields, type SkillNegativeFeedback } from "./summarizeNegativeFeedback.js";

/** A window's thumbs-down ratings: their exact number, per skill, and what it took to count them. */
export interface NegativeFeedbackRead {
  /** Exact, however many there are. */
  ratings: number;
  /** Per skill, from the ratings read (the oldest maxRead when `truncated`). */
  by_skill: SkillNegativeFeedback[];
  ratings_read: number;
  truncated: boolean;
  /** count() aggregations run: one when more ratings existed than were read, else none. */
  aggregations: number;
}

/**
 * Reads the window's thumbs-down ratings (their skill only), at most `maxRead` of them, oldest first;
 * when there are more, a count() aggregation makes the total exact.
 */
export async function readNegativeFeedback(db: Firestore, window: ReportWindow, maxRead: number): Promise<NegativeFeedbackRead> {
  const snapshot = await buildNegativeFeedbackQuery(db, window).select(...NEGATIVE_FEEDBACK_FIELDS).limit(maxRead + 1).get();
  const read = snapshot.docs.slice(0, maxRead).map((doc) => doc.data() as NegativeFeedbackFields);
  const truncated = snapshot.size > maxRead;
  const ratings = truncated ? (await buildNegativeFeedbackQuery(db, window).count().get()).data().count : read.length;
  return { ratings, by_skill: summarizeNegativeFeedback(read), ratings_read: read.length, truncated, aggregations: truncated ? 1 : 0 };
}
