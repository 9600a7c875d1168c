/**
 * The stored reports of the last days as series over time, for the Reports page plots. Pure.
 *
 * A point is one report's window (an hour, or longer when the reports were written with a longer
 * window); the hours no report covers are gaps, never zeros: the scheduler may not have run, and
 * "no report" is not "no failures".
 */

import { HOUR_MS } from "@agent-traces/core";

/** Days the plots cover, ending at the last full hour. */
export const SERIES_DAYS = 7;
/** Skills with a series of their own (most failures over the period first); the rest are summed as OTHER_SKILLS_SERIES. */
export const SKILLS_SHOWN = 6;
/** Tools with a series of their own (most failed calls over the period first); the rest are summed as OTHER_TOOLS_SERIES. */
export const TOOLS_SHOWN = 6;
export const OTHER_SKILLS_SERIES = "(other skills)";
export const OTHER_TOOLS_SERIES = "(other tools)";

/** The fields of a stored report (`trace_reports` document) the series read; `TraceErrorReport` has them. */
export interface SeriesReport {
  window_start: string;
  window_end: string;
  failures: number;
  errors: number;
  timeouts: number;
  estimated_runs: number | null;
  estimated_error_rate: number | null;
  /** Absent on reports written before the estimate had its margin. */
  estimate?: { margin_95?: number };
  /** From the failures read (the newest ones only when `truncated`). The estimate fields are absent on reports written before per-skill estimates, and on skills beyond their cap. */
  by_skill: { skill: string; errors: number; timeouts: number; estimated_runs?: number; estimated_error_rate?: number | null }[];
  /** From the failures read, like by_skill. */
  by_tool: { tool: string; failed_calls: number; runs: number }[];
  /** Whether the per-skill estimates were made (`skills` a number) or could not be read (null); absent on reports written before it was. */
  skill_estimates?: { skills: number | null };
  /** More failures existed than were read: by_skill and by_tool cover the newest ones only (the counts are exact). Absent on some hand-made reports. */
  truncated?: boolean;
  /** Absent on reports written before token usage was summed; cost fields absent on those written before costs were. */
  usage?: { input_tokens: number; output_tokens: number; cost_usd?: number | null; unpriced_models?: string[] };
}

/** Why a skill has no error rate in a window (written "—" and the reason). */
export type NoRateReason =
  /** The report was written before per-skill estimates. */
  | "before-estimates"
  /** The report's per-skill estimates could not be read (its queries failed). */
  | "unreadable"
  /** The skill failed but was not among those estimated (the most failures, up to the report's cap). */
  | "beyond-cap"
  /** No failure of the skill among those read, but the report read only the newest: not known to be none. */
  | "not-read"
  /** Several skills summed (OTHER_SKILLS_SERIES): never estimated together. */
  | "summed"
  /** Estimated, and no runs found (estimated_error_rate null). */
  | "no-runs";

/**
 * A skill's error rate in one window: the report's estimate; or, where the report made per-skill
 * estimates and the skill had no failed run, "no failures" (0 failed; its runs are not estimated: the
 * report estimates only skills with failures); or none, and why.
 */
export type SkillRate = { kind: "estimate"; rate: number } | { kind: "no-failures" } | { kind: "none"; reason: NoRateReason };

/** A skill's failed runs in one window (from the failures read), and its error rate. */
export interface SkillPoint {
  failures: number;
  errors: number;
  timeouts: number;
  rate: SkillRate;
}

/** A tool's failures in one window: its failed calls and the failed runs they were in. */
export interface ToolPoint {
  failedCalls: number;
  runs: number;
}

/** A window's token usage; `costUsd` undefined on reports written before costs were, null when no model had a price. */
export interface UsagePoint {
  input: number;
  output: number;
  costUsd: number | null | undefined;
  unpriced: string[];
}

/** Hours no stored report covers (consecutive ones merged). */
export interface GapSlot {
  kind: "gap";
  start: number;
  end: number;
}

/** One report's window and its numbers. */
export interface ReportSlot {
  kind: "report";
  start: number;
  end: number;
  failures: number;
  errors: number;
  timeouts: number;
  estimatedRuns: number | null;
  errorRate: number | null;
  /** The error rate's range implied by the estimated runs' margin at 95%; undefined when the report has no margin. */
  errorRateRange: { low: number; high: number } | undefined;
  /** The estimated runs' margin at 95%, in runs. */
  marginRuns: number | undefined;
  /** Keyed by ReportSeries.skills; a shown skill absent from the report had no failures among those read. */
  skills: Record<string, SkillPoint>;
  /** Keyed by ReportSeries.tools. */
  tools: Record<string, ToolPoint>;
  /** The skills' and tools' breakdowns cover only the newest `failuresRead` of the `failures` (the report's read cap). */
  truncated: boolean;
  /** The failures the breakdowns count (all of them unless `truncated`). */
  failuresRead: number;
  /** Undefined on reports written before usage was summed. */
  usage: UsagePoint | undefined;
}

export type Slot = GapSlot | ReportSlot;

export interface ReportSeries {
  /** The period, in epoch milliseconds: [start, end). */
  start: number;
  end: number;
  /** Oldest first, covering the period without overlap: each report's window, and the gaps between. */
  slots: Slot[];
  /** The skills with a series, most failures first; OTHER_SKILLS_SERIES last when more skills failed. */
  skills: string[];
  /** The tools with a series, most failed calls first; OTHER_TOOLS_SERIES last when more tools failed. */
  tools: string[];
  /** Reports left out because their window overlaps an earlier one's (the window length changed). */
  overlapping: number;
}

/** The hour that `instant` falls in, as its start (UTC hours: the report windows are whole UTC hours). */
export function hourStart(instant: number): number {
  return Math.floor(instant / HOUR_MS) * HOUR_MS;
}

/**
 * The series of the reports whose window starts in the `days` before the last full hour at `now`
 * (any order in; others ignored). A report whose window overlaps an earlier one's is left out and counted.
 */
export function reportSeries(reports: readonly SeriesReport[], now: number, days = SERIES_DAYS): ReportSeries {
  const last = hourStart(now);
  const start = last - days * 24 * HOUR_MS;
  const inPeriod = reports
    .map((report) => ({ report, start: Date.parse(report.window_start), end: Date.parse(report.window_end) }))
    .filter((entry) => Number.isFinite(entry.start) && Number.isFinite(entry.end) && entry.end > entry.start && entry.start >= start && entry.start < Math.max(last, now))
    .sort((a, b) => a.start - b.start);
  const end = Math.max(last, ...inPeriod.map((entry) => entry.end));

  const kept: typeof inPeriod = [];
  let overlapping = 0;
  for (const entry of inPeriod) {
    const previous = kept.at(-1);
    if (previous && entry.start < previous.end) overlapping++;
    else kept.push(entry);
  }

  const skills = topNames(
    kept.flatMap(({ report }) => report.by_skill.map((entry) => [entry.skill, entry.errors + entry.timeouts] as const)),
    SKILLS_SHOWN,
    OTHER_SKILLS_SERIES,
  );
  const tools = topNames(
    kept.flatMap(({ report }) => report.by_tool.map((entry) => [entry.tool, entry.failed_calls] as const)),
    TOOLS_SHOWN,
    OTHER_TOOLS_SERIES,
  );

  const slots: Slot[] = [];
  let cursor = start;
  for (const entry of kept) {
    if (entry.start > cursor) slots.push({ kind: "gap", start: cursor, end: entry.start });
    slots.push(reportSlot(entry.report, entry.start, entry.end, skills, tools));
    cursor = entry.end;
  }
  if (cursor < end) slots.push({ kind: "gap", start: cursor, end });
  return { start, end, slots, skills, tools, overlapping };
}

/** The names with the largest positive totals, at most `shown`, then `other` when more had some. */
function topNames(counts: readonly (readonly [string, number])[], shown: number, other: string): string[] {
  const totals = new Map<string, number>();
  for (const [name, count] of counts) totals.set(name, (totals.get(name) ?? 0) + count);
  const ranked = [...totals].filter(([, total]) => total > 0).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const names = ranked.slice(0, shown).map(([name]) => name);
  return ranked.length > shown ? [...names, other] : names;
}

function reportSlot(report: SeriesReport, start: number, end: number, skills: readonly string[], tools: readonly string[]): ReportSlot {
  const marginRuns = typeof report.estimate?.margin_95 === "number" ? report.estimate.margin_95 : undefined;
  const truncated = report.truncated === true;
  const skillPoints: Record<string, SkillPoint> = {};
  for (const skill of skills) skillPoints[skill] = { failures: 0, errors: 0, timeouts: 0, rate: { kind: "none", reason: "summed" } };
  for (const entry of report.by_skill) {
    const shown = skills.includes(entry.skill) && entry.skill !== OTHER_SKILLS_SERIES;
    const point = skillPoints[shown ? entry.skill : OTHER_SKILLS_SERIES];
    if (!point) continue; // a skill without failures over the whole period
    point.errors += entry.errors;
    point.timeouts += entry.timeouts;
    point.failures += entry.errors + entry.timeouts;
  }
  for (const skill of skills) {
    if (skill !== OTHER_SKILLS_SERIES) skillPoints[skill]!.rate = skillRate(report, report.by_skill.find((entry) => entry.skill === skill), truncated);
  }
  const toolPoints: Record<string, ToolPoint> = {};
  for (const tool of tools) toolPoints[tool] = { failedCalls: 0, runs: 0 };
  for (const entry of report.by_tool) {
    const point = toolPoints[tools.includes(entry.tool) && entry.tool !== OTHER_TOOLS_SERIES ? entry.tool : OTHER_TOOLS_SERIES];
    if (!point) continue;
    point.failedCalls += entry.failed_calls;
    point.runs += entry.runs;
  }
  return {
    kind: "report",
    start,
    end,
    failures: report.failures,
    errors: report.errors,
    timeouts: report.timeouts,
    estimatedRuns: report.estimated_runs,
    errorRate: report.estimated_error_rate,
    errorRateRange: rateRange(report.failures, report.estimated_runs, marginRuns),
    marginRuns,
    skills: skillPoints,
    tools: toolPoints,
    truncated,
    failuresRead: report.by_skill.reduce((sum, entry) => sum + entry.errors + entry.timeouts, 0),
    usage: report.usage
      ? {
          input: report.usage.input_tokens,
          output: report.usage.output_tokens,
          costUsd: report.usage.cost_usd === undefined && report.usage.unpriced_models === undefined ? undefined : (report.usage.cost_usd ?? null),
          unpriced: report.usage.unpriced_models ?? [],
        }
      : undefined,
  };
}

/**
 * A skill's error rate in a report (see SkillRate). The report made per-skill estimates when its
 * `skill_estimates` marker says so or, on reports written before the marker, when any skill carries one.
 */
function skillRate(report: SeriesReport, entry: SeriesReport["by_skill"][number] | undefined, truncated: boolean): SkillRate {
  if (report.skill_estimates?.skills === null) return { kind: "none", reason: "unreadable" };
  if (entry?.estimated_error_rate !== undefined) return entry.estimated_error_rate === null ? { kind: "none", reason: "no-runs" } : { kind: "estimate", rate: entry.estimated_error_rate };
  const estimated = report.skill_estimates !== undefined || report.by_skill.some((other) => other.estimated_runs !== undefined);
  if (!estimated) return { kind: "none", reason: "before-estimates" };
  if (entry && entry.errors + entry.timeouts > 0) return { kind: "none", reason: "beyond-cap" };
  return truncated ? { kind: "none", reason: "not-read" } : { kind: "no-failures" };
}

/**
 * The error rate's range when the estimated runs are `runs` ± `margin`: failures are exact, so the
 * rate is highest with the fewest runs (never fewer than the failures) and lowest with the most.
 */
export function rateRange(failures: number, runs: number | null, margin: number | undefined): { low: number; high: number } | undefined {
  if (margin === undefined || runs === null || runs <= 0 || failures <= 0) return undefined;
  return { low: failures / (runs + margin), high: failures / Math.max(failures, runs - margin) };
}
