import type { FeedbackCounts, StoredFeedback } from "@agent-traces/store";

/** How the viewer writes ratings: counts on one line, one rater's rating, and the order ratings are listed in. */

/** "👍 2 · 👎 1" (only the non-zero ones); "" when the run has no rating. */
export function feedbackCountsText(counts: Partial<FeedbackCounts> | undefined): string {
  const up = counts?.up ?? 0;
  const down = counts?.down ?? 0;
  return [up > 0 ? `👍 ${up}` : "", down > 0 ? `👎 ${down}` : ""].filter(Boolean).join(" · ");
}

/** "👍 up" or "👎 down". */
export function ratingLabel(rating: StoredFeedback["rating"]): string {
  return rating === "down" ? "👎 down" : "👍 up";
}

/** Ratings newest first by their latest change (updated_at), then by rater, so equal instants keep one order. */
export function sortFeedback(feedback: readonly StoredFeedback[]): StoredFeedback[] {
  return [...feedback].sort((a, b) => Date.parse(b.updated_at) - Date.parse(a.updated_at) || (a.rated_by < b.rated_by ? -1 : a.rated_by > b.rated_by ? 1 : 0));
}
