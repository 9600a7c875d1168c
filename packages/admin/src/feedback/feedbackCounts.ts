import type { FeedbackRating } from "@agent-traces/core";
import type { FeedbackCounts } from "@agent-traces/store";

/**
 * A run's counts once a rater's rating `rating` replaces their `replaced` one (undefined: their first):
 * each rater counted once, by their latest rating; a count never goes below 0 (counts set by hand).
 */
export function countsAfter(counts: Partial<FeedbackCounts> | undefined, rating: FeedbackRating, replaced: FeedbackRating | undefined): FeedbackCounts {
  const next: FeedbackCounts = { up: wholeCount(counts?.up), down: wholeCount(counts?.down) };
  if (replaced !== undefined) next[replaced] = Math.max(0, next[replaced] - 1);
  next[rating] += 1;
  return next;
}

/** A stored count as a whole number of at least 0 (anything else, absent included, is 0). */
function wholeCount(value: unknown): number {
  return typeof value === "number" && Number.isSafeInteger(value) && value > 0 ? value : 0;
}
