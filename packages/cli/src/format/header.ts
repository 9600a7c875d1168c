import { CONTENT_NOT_CAPTURED_NOTICE } from "@agent-traces/core";
import { costText, formatDuration, formatInstant, formatTokens, type StoredModelUsage, type StoredTrace } from "@agent-traces/store";
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
    ...costRows(trace),
    ["recorded by", trace.recorded_by],
    ["received", formatInstant(trace.received_at, true)],
    ["sample rate", String(trace.sample_rate)],
    ...(trace.kept_for ? [["kept for", keptForText(trace.kept_for)] as [string, string]] : []),
    ...(typeof trace.weight === "number" ? [["weight", weightText(trace.weight)] as [string, string]] : []),
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
  switch (keptFor) {
    case "feedback":
      return "feedback (sampled out, stored with a thumbs-down on it; weight 0)";
    case "sampled":
      return "sampled";
    case "error":
    case "timeout":
      return `${keptFor} (every failure is kept)`;
    case "failed_tool":
      return "failed_tool (keep rule: a tool call failed)";
    case "slow":
      return "slow (keep rule: slower than the threshold)";
    case "tokens":
      return "tokens (keep rule: more tokens than the threshold)";
    case "cost":
      return "cost (keep rule: costlier than the threshold)";
  }
}

/** The runs a stored run stands for in the report's estimates. */
function weightText(weight: number): string {
  if (weight === 0) return "0 (counted through the sampled runs)";
  return `${Number(weight.toFixed(4))} (stands for ${weight === 1 ? "itself" : `${Number(weight.toFixed(2))} runs`} in the report)`;
}

/**
 * "tokens" rows: one per model (`gpt-4o: 1,200 in / 500 out, $0.0123`, with the cached, cache-write
 * and reasoning parts when some, and "unpriced" for a model without a price), then their total when
 * there are several; none when the run recorded no usage.
 */
export function usageRows(usage: readonly StoredModelUsage[] | undefined): [string, string][] {
  if (!usage?.length) return [];
  const rows: [string, string][] = usage.map((entry, index) => [index === 0 ? "tokens" : "", `${entry.model}: ${tokenText(entry)}${entryCost(entry)}`]);
  if (usage.length > 1) {
    const sum = (field: "input_tokens" | "output_tokens" | "cached_input_tokens" | "cache_write_tokens" | "reasoning_tokens") => usage.reduce((total, entry) => total + (entry[field] ?? 0), 0);
    const total = { input_tokens: sum("input_tokens"), output_tokens: sum("output_tokens"), cached_input_tokens: sum("cached_input_tokens"), cache_write_tokens: sum("cache_write_tokens"), reasoning_tokens: sum("reasoning_tokens") };
    rows.push(["", `total: ${tokenText(total)}`]);
  }
  return rows;
}

/** "1,200 in / 500 out", with "(300 cached, 10 cache writes)" after in and "(200 reasoning)" after out when some. */
function tokenText(entry: Omit<StoredModelUsage, "model">): string {
  const inputParts = [
    ...(entry.cached_input_tokens ? [`${formatTokens(entry.cached_input_tokens)} cached`] : []),
    ...(entry.cache_write_tokens ? [`${formatTokens(entry.cache_write_tokens)} cache writes`] : []),
  ];
  const input = `${formatTokens(entry.input_tokens)} in${inputParts.length ? ` (${inputParts.join(", ")})` : ""}`;
  const output = `${formatTokens(entry.output_tokens)} out${entry.reasoning_tokens ? ` (${formatTokens(entry.reasoning_tokens)} reasoning)` : ""}`;
  return `${input} / ${output}`;
}

/** ", $0.0123" for a priced entry, ", unpriced" for one with tokens and no price (or stored before costs were). */
function entryCost(entry: StoredModelUsage): string {
  if (typeof entry.cost_usd === "number") return `, ${costText(entry.cost_usd, false)}`;
  return isUnpriced(entry) ? ", unpriced" : "";
}

function isUnpriced(entry: StoredModelUsage): boolean {
  return typeof entry.cost_usd !== "number" && entry.input_tokens + entry.output_tokens > 0;
}

/** The "cost" row: the run's priced total, and the models without a price named; none when the run recorded no usage. */
function costRows(trace: StoredTrace): [string, string][] {
  if (!trace.usage?.length) return [];
  const unpriced = trace.usage.filter(isUnpriced).map((entry) => entry.model);
  return [["cost", `${costText(trace.cost_usd, unpriced.length > 0)}${unpriced.length ? ` (no price for ${unpriced.join(", ")})` : ""}`]];
}
