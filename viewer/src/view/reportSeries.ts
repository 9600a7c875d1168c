/**
 * The stored reports of the last days as series over time, for the Reports page plots. Pure.
 *
 * A point is one report's window (an hour, or longer when the reports were written with a longer
 * window); the hours no report covers are gaps, never zeros: the scheduler may not have run, and
 * "no report" is not "no failures".
 */

const HOUR_MS = 3_600_000;

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
  /** The estimate fields are absent on reports written before per-skill estimates, and on skills beyond their cap. */
  by_skill: { skill: string; errors: number; timeouts: number; estimated_runs?: number; estimated_error_rate?: number | null }[];
  by_tool: { tool: string; failed_calls: number; runs: number }[];
  /** Absent on reports written before token usage was summed; cost fields absent on those written before costs were. */
  usage?: { input_tokens: number; output_tokens: number; cost_usd?: number | null; unpriced_models?: string[] };
}

/** A skill's failed runs in one window, and its estimated error rate: undefined when the report carries none for it, null when it could not be estimated. */
export interface SkillPoint {
  failures: number;
  errors: number;
  timeouts: number;
  errorRate: number | null | undefined;
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
  /** Keyed by ReportSeries.skills; a shown skill absent from the report had no failures in it. */
  skills: Record<string, SkillPoint>;
  /** Keyed by ReportSeries.tools. */
  tools: Record<string, ToolPoint>;
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
  const skillPoints: Record<string, SkillPoint> = {};
  for (const skill of skills) skillPoints[skill] = { failures: 0, errors: 0, timeouts: 0, errorRate: undefined };
  for (const entry of report.by_skill) {
    const shown = skills.includes(entry.skill) && entry.skill !== OTHER_SKILLS_SERIES;
    const name = shown ? entry.skill : OTHER_SKILLS_SERIES;
    const point = skillPoints[name];
    if (!point) continue; // a skill without failures over the whole period
    point.errors += entry.errors;
    point.timeouts += entry.timeouts;
    point.failures += entry.errors + entry.timeouts;
    if (shown && entry.estimated_error_rate !== undefined) point.errorRate = entry.estimated_error_rate;
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
 * The error rate's range when the estimated runs are `runs` ± `margin`: failures are exact, so the
 * rate is highest with the fewest runs (never fewer than the failures) and lowest with the most.
 */
export function rateRange(failures: number, runs: number | null, margin: number | undefined): { low: number; high: number } | undefined {
  if (margin === undefined || runs === null || runs <= 0 || failures <= 0) return undefined;
  return { low: failures / (runs + margin), high: failures / Math.max(failures, runs - margin) };
}
