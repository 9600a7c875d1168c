import type { TraceErrorReport } from "./buildReport.js";

/** A Slack-compatible incoming-webhook body (`text` with mrkdwn) summarizing the report. */
export function slackMessage(report: TraceErrorReport): { text: string } {
  const percent = (rate: number | null) => (rate === null ? "n/a" : `${(rate * 100).toFixed(2)}%`);
  const change =
    report.change.failures_percent === null
      ? `${signed(report.change.failures)} vs previous window (which had none)`
      : `${signed(report.change.failures)} (${signed(report.change.failures_percent)}%) vs previous window`;
  const lines = [
    `*Agent trace errors* ${report.window_start} → ${report.window_end}`,
    `*${report.failures}* failed runs (${report.errors} errors, ${report.timeouts} timeouts), ${change}`,
    `Users affected: ${report.users_affected} · est. error rate ${percent(report.estimated_error_rate)} of ~${report.estimated_runs ?? "n/a"} runs (estimate)`,
    ...(report.by_skill.length ? [`By skill: ${report.by_skill.slice(0, 5).map((entry) => `${entry.skill} ${entry.errors + entry.timeouts}`).join(", ")}`] : []),
    ...(report.by_tool.length ? [`Failing tools: ${report.by_tool.slice(0, 5).map((entry) => `${entry.tool} ${entry.failed_calls}`).join(", ")}`] : []),
    ...report.top_errors.slice(0, 3).map((entry) => `• ${entry.count}× \`${entry.message}\` (e.g. ${entry.sample_trace_ids[0]})`),
    ...(report.truncated ? ["_Breakdowns cover the newest failures only (read cap reached); counts are exact._"] : []),
  ];
  return { text: lines.join("\n") };
}

function signed(value: number): string {
  return value > 0 ? `+${value}` : String(value);
}
