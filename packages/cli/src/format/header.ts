import { CONTENT_NOT_CAPTURED_NOTICE, type ModelUsage } from "@agent-traces/core";
import { formatDuration, formatInstant, formatTokens, type StoredTrace } from "@agent-traces/store";
import { statusLabel, statusStyle } from "./status.js";
import { PLAIN, type Style } from "./style.js";
import { cut, oneLine, padEnd } from "./text.js";

export interface HeaderOptions {
  style?: Style;
  /** Columns a line may take; long values are cut to fit (default 120). */
  columns?: number;
}

const LABEL_WIDTH = 14;

/** The run's header: identity, timing, token usage per model, storage facts, whether content was captured, error, metadata and final output, one line each. */
export function renderHeader(trace: StoredTrace, options: HeaderOptions = {}): string {
  const style = options.style ?? PLAIN;
  const valueWidth = Math.max(20, (options.columns ?? 120) - LABEL_WIDTH - 2);
  const { error, ...metadata } = trace.metadata;
  const rows: [string, string, ((text: string) => string)?][] = [
    ["user", trace.user_id == null ? "—" : String(trace.user_id)],
    ["skill", trace.skill ?? "—"],
    ...(trace.session_id ? [["session", trace.session_id] as [string, string]] : []),
    ["started", formatInstant(trace.started_at, true)],
    ["ended", trace.ended_at ? formatInstant(trace.ended_at, true) : "— (no end recorded)"],
    ["duration", formatDuration(trace.duration_ms)],
    ["iterations", String(trace.iterations)],
    ...usageRows(trace.usage),
    ["recorded by", trace.recorded_by],
    ["received", formatInstant(trace.received_at, true)],
    ["sample rate", String(trace.sample_rate)],
    ...(trace.kept_for ? [["kept for", keptForText(trace.kept_for)] as [string, string]] : []),
    ["expires", formatInstant(trace.expire_at, true)],
  ];
  if (trace.content_captured === false) rows.push(["content", CONTENT_NOT_CAPTURED_NOTICE, style.yellow]);
  if (error !== undefined) rows.push(["error", typeof error === "string" ? error : JSON.stringify(error), style.red]);
  if (trace.feedback && trace.feedback.up + trace.feedback.down > 0) rows.push(["feedback", `${trace.feedback.up} up, ${trace.feedback.down} down`, trace.feedback.down > 0 ? style.red : undefined]);
  rows.push(["metadata", Object.keys(metadata).length > 0 ? JSON.stringify(metadata) : "—"]);
  rows.push(["final output", trace.final_output === "" ? "—" : trace.final_output]);

  const title = `Trace ${trace.trace_id}  ${statusStyle(trace.status, style)(statusLabel(trace.status).trim())}`;
  const lines = rows.map(([label, value, paint]) => {
    const text = cut(oneLine(value), valueWidth);
    return `  ${style.dim(padEnd(label, LABEL_WIDTH))}${paint ? paint(text) : text}`;
  });
  return [style.bold(title), ...lines].join("\n") + "\n";
}

/** Why the run was stored, in words. */
function keptForText(keptFor: NonNullable<StoredTrace["kept_for"]>): string {
  return keptFor === "feedback" ? "feedback (sampled out, stored with a thumbs-down on it; weight 0)" : keptFor === "sampled" ? "sampled" : `${keptFor} (every failure is kept)`;
}

/**
 * "tokens" rows: one per model (`gpt-4o: 1,200 in / 500 out`), then their total when there are
 * several; none when the run recorded no usage.
 */
export function usageRows(usage: readonly ModelUsage[] | undefined): [string, string][] {
  if (!usage?.length) return [];
  const tokens = (input: number, output: number) => `${formatTokens(input)} in / ${formatTokens(output)} out`;
  const rows: [string, string][] = usage.map((entry, index) => [index === 0 ? "tokens" : "", `${entry.model}: ${tokens(entry.input_tokens, entry.output_tokens)}`]);
  if (usage.length > 1) {
    const sum = (field: "input_tokens" | "output_tokens") => usage.reduce((total, entry) => total + entry[field], 0);
    rows.push(["", `total: ${tokens(sum("input_tokens"), sum("output_tokens"))}`]);
  }
  return rows;
}
