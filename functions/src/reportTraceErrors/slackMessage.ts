import type { TraceErrorReport } from "@agent-traces/admin";
import { costText, formatTokens } from "@agent-traces/store";

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]+/g;

/**
 * Makes text from traces literal in Slack mrkdwn: control characters become a space, then `&`, `<`
 * and `>` become entities (in that order), so `<!channel>`, `<@U123>` or `<http://x|y>` arrive as text.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(CONTROL_CHARACTERS, " ").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * A Slack-compatible incoming-webhook body (`text` with mrkdwn) summarizing the report. Every text
 * from traces (skills, tool names, error messages, trace ids) is shown by `literal`: as inline code,
 * where Slack neither formats nor links; the message's own formatting stays outside code.
 */
export function slackMessage(report: TraceErrorReport): { text: string } {
  const percent = (rate: number | null) => (rate === null ? "n/a" : `${(rate * 100).toFixed(2)}%`);
  const change =
    report.change.failures_percent === null
      ? `${signed(report.change.failures)} vs previous window (which had none)`
      : `${signed(report.change.failures)} (${signed(report.change.failures_percent)}%) vs previous window`;
  const lines = [
    `*Agent trace errors* ${report.window_start} → ${report.window_end} (by commit time)`,
    `*${report.failures}* failed runs (${report.errors} errors, ${report.timeouts} timeouts), ${change}`,
    `Users affected: ${report.users_affected} · est. error rate ${percent(report.estimated_error_rate)} of ~${report.estimated_runs ?? "n/a"}${margin(report)} runs (estimate)`,
    ...(report.by_skill.some(failed) ? [`By skill: ${report.by_skill.filter(failed).slice(0, 5).map((entry) => `${literal(entry.skill)} ${entry.errors + entry.timeouts}`).join(", ")}`] : []),
    ...negativeFeedbackLines(report),
    ...(report.by_tool.length ? [`Failing tools: ${report.by_tool.slice(0, 5).map((entry) => `${literal(entry.tool)} ${entry.failed_calls}`).join(", ")}`] : []),
    ...report.top_errors.slice(0, 3).map((entry) => `• ${entry.count}× ${literal(entry.message)} (e.g. ${entry.sample_trace_ids[0] === undefined ? "n/a" : literal(entry.sample_trace_ids[0])})`),
    ...usageLines(report.usage),
    ...(report.truncated ? ["_Breakdowns cover the newest failures only (read cap reached); counts are exact._"] : []),
  ];
  return { text: lines.join("\n") };
}

function failed(entry: TraceErrorReport["by_skill"][number]): boolean {
  return entry.errors + entry.timeouts > 0;
}

/** The window's thumbs-down ratings, when there were some (or when they could not be read): the total and the skills with most. */
function negativeFeedbackLines({ negative_feedback: feedback, by_skill }: TraceErrorReport): string[] {
  if (feedback.ratings === null) return ["_Thumbs-down ratings could not be read._"];
  if (feedback.ratings === 0) return [];
  const skills = by_skill
    .filter((entry) => entry.negative_feedback > 0)
    .sort((a, b) => b.negative_feedback - a.negative_feedback || a.skill.localeCompare(b.skill))
    .slice(0, 5)
    .map((entry) => `${literal(entry.skill)} ${entry.negative_feedback}`);
  return [
    `Negative feedback: *${feedback.ratings}* thumbs-down ${feedback.ratings === 1 ? "rating" : "ratings"} given in the window${skills.length ? `; by skill: ${skills.join(", ")}` : ""}`,
    ...(feedback.truncated ? ["_Feedback by skill covers the oldest ratings only (read cap reached); the total is exact._"] : []),
  ];
}

/** " ± 12.3": the estimate's margin at 95%, when it is not 0 (every success kept with certainty). */
function margin(report: TraceErrorReport): string {
  return report.estimate.margin_95 > 0 ? ` ± ${report.estimate.margin_95}` : "";
}

/** The window's token usage and cost, when any run recorded some: totals and the top skills; models without a price named. */
function usageLines(usage: TraceErrorReport["usage"]): string[] {
  if (usage.input_tokens + usage.output_tokens === 0) return [];
  const tokens = (entry: { input_tokens: number; output_tokens: number }) => `${formatTokens(entry.input_tokens)} in / ${formatTokens(entry.output_tokens)} out`;
  const cost = (entry: { cost_usd: number | null; unpriced_models: string[] }) => costText(entry.cost_usd, entry.unpriced_models.length > 0);
  const top = usage.by_skill.slice(0, 3);
  const skills = top.map((entry) => `${literal(entry.skill)} ${tokens(entry)}`);
  const costs = top.map((entry) => `${literal(entry.skill)} ${cost(entry)}`);
  const unpriced = usage.unpriced_models.slice(0, 5).map(literal);
  return [
    `Tokens (estimate): ${tokens(usage)}${skills.length ? `; by skill: ${skills.join(", ")}` : ""}`,
    `Cost (estimate): ${cost(usage)}${costs.length ? `; by skill: ${costs.join(", ")}` : ""}`,
    ...(unpriced.length ? [`No price for ${unpriced.join(", ")}${usage.unpriced_models.length > unpriced.length ? ` and ${usage.unpriced_models.length - unpriced.length} more` : ""} (their tokens are not in the cost)`] : []),
    ...(usage.truncated ? ["_Token sums cover the newest traces only (read cap reached)._"] : []),
  ];
}

/**
 * Text from a trace as Slack inline code, so that it reaches no one and formats nothing: Slack does
 * no formatting inside inline code (no `*bold*`, `_italic_`, `~strike~`, `:emoji:`, no link made of
 * a bare URL or domain), and `escapeMrkdwn` has already turned `<!channel>`, `<@U…>` and `<url|x>`
 * into text. The text's own backticks become `'` so it cannot close the span early, and its leading
 * and trailing spaces are dropped so each backtick of the span touches a visible character (a marker
 * next to a space is not reliably read as one). Empty text is shown as `(empty)`, outside code: it is ours.
 */
export function literal(text: string): string {
  const shown = escapeMrkdwn(text).replace(/`/g, "'").trim();
  return shown === "" ? "(empty)" : `\`${shown}\``;
}

function signed(value: number): string {
  return value > 0 ? `+${value}` : String(value);
}
