import { formatInstant, type StoredFeedback } from "@agent-traces/store";
import { PLAIN, type Style } from "./style.js";
import { cut, oneLine } from "./text.js";

/**
 * A run's ratings under `show`'s header, newest first: thumbs, value, tags, rater (the run's sender or
 * an admin) and when on one line, the comment indented on the next; nothing when it has none.
 */
export function renderFeedback(feedback: readonly StoredFeedback[], options: { style?: Style; columns?: number; sender?: string } = {}): string {
  if (feedback.length === 0) return "";
  const style = options.style ?? PLAIN;
  const width = Math.max(20, (options.columns ?? 120) - 4);
  const lines = [style.bold(`Feedback (${feedback.length} ${feedback.length === 1 ? "rating" : "ratings"})`)];
  for (const rating of feedback) {
    const thumb = rating.rating === "down" ? style.red("✗ down") : "  up  ";
    const parts = [
      rating.value !== undefined && rating.value !== null ? `value ${rating.value}` : "",
      rating.tags?.length ? `tags: ${rating.tags.map(oneLine).join(", ")}` : "",
      `by ${oneLine(rating.rated_by)}${options.sender === undefined ? "" : rating.rated_by === options.sender ? " (sender)" : " (admin)"}`,
      formatInstant(rating.updated_at),
    ].filter(Boolean);
    lines.push(`  ${thumb}  ${cut(parts.join("  "), width - 8)}`);
    if (rating.comment) lines.push(`          ${cut(`"${oneLine(rating.comment)}"`, width - 8)}`);
  }
  return `${lines.join("\n")}\n`;
}
