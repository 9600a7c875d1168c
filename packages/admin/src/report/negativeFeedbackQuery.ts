import { Timestamp, type Firestore, type Query } from "firebase-admin/firestore";
import { FEEDBACK_COLLECTION, type QueryPlan } from "@agent-traces/store";
import type { ReportWindow } from "./reportWindow.js";

/**
 * The field a report window bounds for ratings: when a rater's latest rating of a run was committed.
 * A rater's rating of a run is one document, so it counts in one window only: the one its latest change fell in.
 */
export const FEEDBACK_WINDOW_FIELD = "updated_at";

/** The report's query of ratings: thumbs-down ones updated in the window, oldest first (index rating ASC, updated_at ASC). */
export function planNegativeFeedbackQuery(): QueryPlan {
  return { collection: FEEDBACK_COLLECTION, equalities: ["rating"], ranges: [FEEDBACK_WINDOW_FIELD], orderBy: [{ field: FEEDBACK_WINDOW_FIELD, direction: "asc" }] };
}

/** The thumbs-down ratings whose `updated_at` falls in the half-open window, oldest first. */
export function buildNegativeFeedbackQuery(db: Firestore, window: ReportWindow): Query {
  const plan = planNegativeFeedbackQuery();
  let built: Query = db.collection(plan.collection).where("rating", "==", "down");
  built = built.where(FEEDBACK_WINDOW_FIELD, ">=", Timestamp.fromDate(window.start)).where(FEEDBACK_WINDOW_FIELD, "<", Timestamp.fromDate(window.end));
  for (const { field, direction } of plan.orderBy) built = built.orderBy(field, direction);
  return built;
}
