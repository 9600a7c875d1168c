import { HOUR_MS, type ModelUsage, type TraceStatus } from "@agent-traces/core";
import { costText, formatInstant, formatTokens } from "@agent-traces/store";
import { listFilterSearch } from "./listFilter.js";
import { formatPercent, signed } from "./format.js";
import type { NoRateReason, SkillRate } from "./reportSeries.js";

/** The report fields the page reads (a `trace_reports` document). */
export interface ReportFields {
  window_start: string;
  window_end: string;
  failures: number;
  errors: number;
  timeouts: number;
  estimated_runs: number | null;
  estimated_error_rate: number | null;
  users_affected: number;
  previous: { failures: number; estimated_error_rate: number | null };
  change: { failures: number; failures_percent: number | null; error_rate_points: number | null };
  /** Absent on reports written before thumbs-down ratings were counted. */
  negative_feedback?: { label: string; ratings: number | null; ratings_read: number; truncated: boolean };
  /** Absent on reports written before the estimate had its own section; its error fields absent on those written before they were computed. */
  estimate?: { standard_error?: number; margin_95?: number };
  /** Absent on reports written before token usage was summed; its cost fields absent on those written before costs were. */
  usage?: UsageCost & {
    input_tokens: number;
    output_tokens: number;
    by_skill: (UsageCost & { skill: string; input_tokens: number; output_tokens: number; models: (ModelUsage & { cost_usd?: number | null; unpriced?: true })[] })[];
    truncated: boolean;
  };
}

/** A report's cost of some runs: the priced models' USD (null or absent: none priced), and the models with tokens and no price. */
interface UsageCost {
  cost_usd?: number | null;
  unpriced_models?: string[];
}

/** A report's usage rows, written: tokens and, on reports that priced them, cost. */
export interface UsageText {
  total: string;
  /** The estimated cost in all; undefined on reports written before costs were. */
  cost: string | undefined;
  /** The models without a price, named; undefined when all are priced. */
  unpriced: string | undefined;
  rows: { skill: string; input: string; output: string; cost: string | undefined; models: string }[];
  truncated: boolean;
}

/** A report's token usage and cost as the page writes them, one row per skill with its models on one line; undefined when none was recorded. */
export function reportUsage(report: Pick<ReportFields, "usage">): UsageText | undefined {
  const usage = report.usage;
  if (!usage || usage.input_tokens + usage.output_tokens === 0) return undefined;
  const priced = usage.cost_usd !== undefined || usage.unpriced_models !== undefined;
  const cost = (entry: UsageCost) => costText(entry.cost_usd, (entry.unpriced_models?.length ?? 0) > 0);
  return {
    total: `${formatTokens(usage.input_tokens)} in / ${formatTokens(usage.output_tokens)} out`,
    cost: priced ? cost(usage) : undefined,
    unpriced: usage.unpriced_models?.length ? usage.unpriced_models.join(", ") : undefined,
    rows: usage.by_skill.map((entry) => ({
      skill: entry.skill,
      input: formatTokens(entry.input_tokens),
      output: formatTokens(entry.output_tokens),
      cost: priced ? cost(entry) : undefined,
      models: entry.models
        .map((model) => `${model.model} ${formatTokens(model.input_tokens)} / ${formatTokens(model.output_tokens)}${priced ? ` (${costText(model.cost_usd, model.cost_usd === null || model.unpriced === true)})` : ""}`)
        .join(" · "),
    })),
    truncated: usage.truncated,
  };
}

/**
 * A report's thumbs-down ratings as the page writes them: the total (or why there is none), whether
 * its by-skill table has their column, and whether those per-skill counts cover only some ratings;
 * undefined on reports written before ratings were counted.
 */
export function reportNegativeFeedback(report: Pick<ReportFields, "negative_feedback">): { total: string; bySkill: boolean; truncated: string | undefined } | undefined {
  const feedback = report.negative_feedback;
  if (!feedback) return undefined;
  if (feedback.ratings === null) return { total: "could not be read", bySkill: false, truncated: undefined };
  return {
    total: `${feedback.ratings} thumbs-down ${feedback.ratings === 1 ? "rating" : "ratings"}`,
    bySkill: true,
    truncated: feedback.truncated ? `The thumbs-down counts per skill cover the oldest ${feedback.ratings_read} ratings only (read cap reached); the total is exact.` : undefined,
  };
}

/** The headline numbers of a report as the page writes them. */
export function reportHeadline(report: ReportFields): { failures: string; errorRate: string; margin: string | undefined; change: string } {
  const { change } = report;
  const failuresChange =
    change.failures_percent === null ? `${signed(change.failures)} (previous window had none)` : `${signed(change.failures)} (${signed(change.failures_percent)}%)`;
  const rateChange = change.error_rate_points === null ? "" : `, error rate ${signed(change.error_rate_points)} points`;
  return {
    failures: `${report.failures} (${report.errors} errors, ${report.timeouts} timeouts)`,
    errorRate: `${formatPercent(report.estimated_error_rate)} of ~${report.estimated_runs ?? "?"} runs`,
    margin: typeof report.estimate?.margin_95 === "number" ? `± ${Math.round(report.estimate.margin_95 * 10) / 10} runs at 95%` : undefined,
    change: `${failuresChange}${rateChange}`,
  };
}

/**
 * The list of the report's window, filtered. The list bounds runs by when they started and the
 * report by when they arrived, so a run that started before its window is outside this link.
 */
export function reportListHref(report: Pick<ReportFields, "window_start" | "window_end">, filter: { status?: TraceStatus; skill?: string; tool?: string } = {}): string {
  return `/${listFilterSearch({ ...filter, from: new Date(report.window_start), to: new Date(report.window_end) })}`;
}

/** A span of the plots as their tables write it: "2026-12-01 10:00" for an hour, its end too when longer ("… → 13:00 (3 h)"). */
export function spanText(span: { start: number; end: number }): string {
  const minute = (instant: number) => formatInstant(new Date(instant).toISOString()).slice(0, 16);
  const hours = Math.round((span.end - span.start) / HOUR_MS);
  if (hours === 1) return minute(span.start);
  const start = minute(span.start);
  const end = minute(span.end);
  return `${start} → ${end.slice(0, 10) === start.slice(0, 10) ? end.slice(11) : end} (${hours} h)`;
}

/** A window's cost as the plots' table writes it: "not recorded" on reports written before costs were, "unpriced" (never $0) when no model had a price. */
export function slotCostText(usage: { costUsd: number | null | undefined; unpriced: readonly string[] } | undefined): string {
  if (!usage || usage.costUsd === undefined) return "not recorded";
  return costText(usage.costUsd, usage.unpriced.length > 0);
}

/** Why a skill has no error rate, as the plots' tables write it after "—". */
export const NO_RATE_TEXT: Record<NoRateReason, string> = {
  "before-estimates": "older report",
  unreadable: "could not be read",
  "beyond-cap": "beyond the cap",
  "not-read": "not in the failures read",
  summed: "skills summed",
  "no-runs": "no runs",
};

/** A skill's error rate in a window as the plots' table writes it: "25.0%", "no failures", or "— " and why there is none. */
export function skillRateText(rate: SkillRate): string {
  if (rate.kind === "estimate") return formatPercent(rate.rate);
  if (rate.kind === "no-failures") return "no failures";
  return `— ${NO_RATE_TEXT[rate.reason]}`;
}
