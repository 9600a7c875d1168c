import type { TraceErrorReport } from "@agent-traces/admin";
import { formatInstant } from "@agent-traces/core";
import { PLAIN, type Style } from "./style.js";
import { cut, oneLine, padEnd } from "./text.js";

/** The error report as a terminal reads it: totals, change, breakdowns, top messages; text from traces on one line, no control characters. */
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
    `  est. runs       ~${report.estimated_runs ?? "n/a"}, error rate ${percent(report.estimated_error_rate)}  ${style.dim("(estimate)")}`,
    style.dim(`                  ${report.estimate.label} Stored successes: ${report.estimate.stored_successes}; sample rates: ${report.estimate.sample_rates.join(", ")}.`),
  ];
  if (report.by_skill.length) {
    lines.push("", "By skill:");
    for (const entry of report.by_skill) lines.push(`  ${padEnd(cut(oneLine(entry.skill), 40), 24)} ${String(entry.errors).padStart(5)} errors ${String(entry.timeouts).padStart(5)} timeouts`);
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
  lines.push("", style.dim(`Read ${report.documents_read} failed traces one by one and ran ${report.aggregation_queries} count() aggregations; successes are never read.`));
  if (report.truncated) lines.push(style.yellow("Breakdowns cover the newest failures only (read cap reached); the counts are exact."));
  return `${lines.join("\n")}\n`;
}
