import type { TraceErrorReport } from "@agent-traces/admin";
import { costText, formatInstant, formatTokens } from "@agent-traces/store";
import { PLAIN, type Style } from "./style.js";
import { cut, oneLine, padEnd } from "./text.js";

/** The error report as a terminal reads it: totals, change, thumbs-down ratings, breakdowns, top messages, token usage; text from traces on one line, no control characters. */
export function renderReport(report: TraceErrorReport, options: { style?: Style } = {}): string {
  const style = options.style ?? PLAIN;
  const percent = (rate: number | null) => (rate === null ? "n/a" : `${(rate * 100).toFixed(2)}%`);
  const signed = (value: number) => (value > 0 ? `+${value}` : String(value));
  const change =
    report.change.failures_percent === null
      ? `${signed(report.change.failures)} (previous window had none)`
      : `${signed(report.change.failures)} (${signed(report.change.failures_percent)}%)`;
  const lines = [
    style.bold(oneLine(`Error report  ${formatInstant(report.window_start)} → ${formatInstant(report.window_end)}`)),
    `  failed runs     ${report.failures > 0 ? style.red(String(report.failures)) : "0"}  (${report.errors} errors, ${report.timeouts} timeouts)`,
    `  vs previous     ${change}  (previous: ${report.previous.failures} failed of ~${report.previous.estimated_runs ?? "n/a"} runs)`,
    `  users affected  ${report.users_affected}`,
    ...negativeFeedbackLines(report.negative_feedback, style),
    `  est. runs       ~${report.estimated_runs ?? "n/a"}${marginText(report.estimate)}, error rate ${percent(report.estimated_error_rate)}  ${style.dim("(estimate)")}`,
    style.dim(`                  ${report.estimate.label} Stored successes: ${report.estimate.stored_successes}.`),
  ];
  // A report made before ratings were counted has no negative_feedback: no column for it.
  const ratingsCounted = typeof report.negative_feedback?.ratings === "number";
  if (report.by_skill.length) {
    lines.push("", "By skill:");
    for (const entry of report.by_skill) {
      const down = ratingsCounted ? ` ${String(entry.negative_feedback ?? 0).padStart(5)} thumbs-down` : "";
      lines.push(`  ${padEnd(cut(oneLine(entry.skill), 40), 24)} ${String(entry.errors).padStart(5)} errors ${String(entry.timeouts).padStart(5)} timeouts${down}`);
    }
  }
  if (report.by_tool.length) {
    lines.push("", "Failing tools (calls with is_error, in failed runs):");
    for (const entry of report.by_tool) lines.push(`  ${padEnd(cut(oneLine(entry.tool), 40), 24)} ${String(entry.failed_calls).padStart(5)} calls in ${entry.runs} runs`);
  }
  if (report.top_errors.length) {
    lines.push("", "Top error messages:");
    for (const entry of report.top_errors) {
      lines.push(`  ${String(entry.count).padStart(5)}×  ${cut(oneLine(entry.message), 90)}`, style.dim(`         e.g. ${oneLine(entry.sample_trace_ids.join(", "))}`));
    }
  }
  lines.push("", ...usageLines(report.usage, style));
  lines.push(
    "",
    style.dim(
      `Read ${report.documents_read} traces one by one (the failures, and ${report.usage.successes_read} successes with token usage)${report.negative_feedback?.ratings_read ? `, ${report.negative_feedback.ratings_read} thumbs-down ratings (their skill only),` : ""} and ran ${report.aggregation_queries} count() and sum() aggregations; other successes are never read.`,
    ),
  );
  if (report.truncated) lines.push(style.yellow("Breakdowns cover the newest failures only (read cap reached); the counts are exact."));
  if (report.usage.truncated) lines.push(style.yellow("Token sums cover the newest traces only (read cap reached)."));
  return `${lines.join("\n")}\n`;
}

/** The window's thumbs-down ratings, exact, with what they count; a warning when they could not be read or were not all read. */
export function negativeFeedbackLines(feedback: TraceErrorReport["negative_feedback"] | undefined, style: Style = PLAIN): string[] {
  if (!feedback) return [];
  if (feedback.ratings === null) return [`  thumbs-down     ${style.yellow("n/a")}  ${style.dim(`(${oneLine(feedback.label)})`)}`];
  return [
    `  thumbs-down     ${feedback.ratings > 0 ? style.yellow(String(feedback.ratings)) : "0"}  ${style.dim("(ratings given in the window, by their latest change)")}`,
    ...(feedback.truncated ? [style.yellow(`                  Thumbs-down by skill covers the oldest ${feedback.ratings_read} ratings only (read cap reached); the total is exact.`)] : []),
  ];
}

/** " ± 12.3 (95%)": the estimate's margin, when it is not 0 (every success kept with certainty). */
function marginText(estimate: TraceErrorReport["estimate"]): string {
  return estimate.margin_95 > 0 ? ` ± ${estimate.margin_95} (95%)` : "";
}

/**
 * Token usage and cost per skill, and per model within each skill, with the estimate's label; one
 * line when there is none. A model without a price shows "unpriced", never $0.
 */
export function usageLines(usage: TraceErrorReport["usage"], style: Style = PLAIN): string[] {
  if (usage.input_tokens + usage.output_tokens === 0) return ["Token usage: none recorded in this window."];
  const tokens = (entry: { input_tokens: number; output_tokens: number }) =>
    `${formatTokens(entry.input_tokens).padStart(15)} in ${formatTokens(entry.output_tokens).padStart(15)} out`;
  const cost = (costUsd: number | null, unpriced: boolean) => costText(costUsd, unpriced).padStart(12);
  const lines = [`Token usage  ${formatTokens(usage.input_tokens)} in / ${formatTokens(usage.output_tokens)} out, cost ${costText(usage.cost_usd, usage.unpriced_models.length > 0)}  ${style.dim("(estimate)")}`];
  const parts = [
    ["cached input", usage.cached_input_tokens],
    ["cache writes", usage.cache_write_tokens],
    ["reasoning", usage.reasoning_tokens],
  ] as const;
  const shownParts = parts.filter(([, count]) => count > 0).map(([name, count]) => `${name} ${formatTokens(count)}`);
  if (shownParts.length) lines.push(style.dim(`  of which ${shownParts.join(", ")}`));
  for (const skill of usage.by_skill) {
    lines.push(`  ${padEnd(cut(oneLine(skill.skill), 30), 30)} ${tokens(skill)} ${cost(skill.cost_usd, skill.unpriced_models.length > 0)}`);
    for (const model of skill.models) lines.push(style.dim(`    ${padEnd(cut(oneLine(model.model), 28), 28)} ${tokens(model)} ${cost(model.cost_usd, model.unpriced === true)}`));
  }
  if (usage.unpriced_models.length) lines.push(style.yellow(`  No price for ${usage.unpriced_models.map((model) => cut(oneLine(model), 40)).join(", ")}: their tokens are not in the cost.`));
  lines.push(style.dim(`  ${usage.label}`));
  return lines;
}
