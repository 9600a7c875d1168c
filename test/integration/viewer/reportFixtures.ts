/**
 * Seven days of hourly error reports, as the scheduled function stores them, ending at the last full
 * hour: some hours without a report, a skill whose error rate rises over the last day, an hour where
 * the other skill had no failure, one whose per-skill estimates could not be read, one whose failures
 * read were capped, a tool that starts failing 12 hours ago, token usage with one unpriced hour and
 * older reports without usage or per-skill estimates.
 */
import { HOUR_MS } from "@agent-traces/core";
import { writeErrorReport, type TraceErrorReport } from "@agent-traces/admin";
import { adminFirestore } from "../support/emulators.js";

export { HOUR_MS };

/** The hours (1 = the last full hour, 168 = the first of the week) that have no report. */
export const MISSING_HOURS: readonly number[] = [5, 6, 7, 100];
/** Reports of these hours and older carry no per-skill estimate (written before there were any). */
export const SKILL_ESTIMATES_FROM = 48;
/** The hour where search had no failed run: its error rate is "no failures" (0; its runs not estimated). */
export const SEARCH_QUIET_HOUR = 3;
/** The hour whose per-skill estimates could not be read (its marker says so). */
export const UNREADABLE_ESTIMATES_HOUR = 40;
/** The hour whose failures read were capped: UNREAD_FAILURES more errors than its breakdowns count. */
export const CAPPED_HOUR = 20;
export const UNREAD_FAILURES = 50;
/** Reports of these hours and older carry no token usage (written before it was summed). */
export const USAGE_FROM = 160;
/** The hour whose usage has no price (only a model without one). */
export const UNPRICED_HOUR = 2;
/** The tool failing in the last WEB_FETCH_HOURS hours only. */
export const WEB_FETCH_HOURS = 12;
export const ESTIMATED_RUNS = 200;
export const MARGIN_RUNS = 10;

/** The numbers of hour `k` (1 = the last full hour): what the fixture stores and the tests read back. */
export function hourNumbers(k: number): { planningErrors: number; searchErrors: number; errors: number; timeouts: number; failures: number; input: number; output: number } {
  // planning: 1 error an hour, then one more each hour over the last day (24 in the last hour).
  const planningErrors = k <= 24 ? 25 - k : 1;
  // search: 1 error an hour but in SEARCH_QUIET_HOUR; planning also 1 timeout an hour; and the capped hour's unread errors.
  const searchErrors = k === SEARCH_QUIET_HOUR ? 0 : 1;
  const errors = planningErrors + searchErrors + (k === CAPPED_HOUR ? UNREAD_FAILURES : 0);
  const timeouts = 1;
  return { planningErrors, searchErrors, errors, timeouts, failures: errors + timeouts, input: 10_000 + k, output: 1_000 };
}

/** The start of the window of hour `k` before `lastHourEnd`. */
export function windowOf(lastHourEnd: number, k: number): { start: Date; end: Date } {
  return { start: new Date(lastHourEnd - k * HOUR_MS), end: new Date(lastHourEnd - (k - 1) * HOUR_MS) };
}

/** The report of hour `k`, shaped as buildErrorReport returns it. */
export function hourReport(lastHourEnd: number, k: number): TraceErrorReport {
  const { start, end } = windowOf(lastHourEnd, k);
  const { planningErrors, searchErrors, errors, timeouts, failures, input, output } = hourNumbers(k);
  const totals = {
    window_start: start.toISOString(),
    window_end: end.toISOString(),
    errors,
    timeouts,
    failures,
    estimated_runs: ESTIMATED_RUNS,
    estimated_error_rate: failures / ESTIMATED_RUNS,
  };
  const estimates = k < SKILL_ESTIMATES_FROM && k !== UNREADABLE_ESTIMATES_HOUR;
  const priced = k !== UNPRICED_HOUR;
  const usage = {
    label: "Estimate",
    input_tokens: input,
    output_tokens: output,
    cached_input_tokens: 0,
    cache_write_tokens: 0,
    reasoning_tokens: 0,
    cost_usd: priced ? 0.05 : null,
    unpriced_models: priced ? [] : ["in-house-llm"],
    by_skill: [],
    successes_read: 10,
    truncated: false,
  };
  const report: TraceErrorReport = {
    ...totals,
    window_field: "committed_at",
    generated_at: end.toISOString(),
    // As buildErrorReport: a skill without a failed run (search in its quiet hour) is absent.
    by_skill: [
      { skill: "planning", errors: planningErrors, timeouts, negative_feedback: 0, ...(estimates ? { estimated_runs: 100, estimated_error_rate: (planningErrors + timeouts) / 100 } : {}) },
      ...(searchErrors > 0 ? [{ skill: "search", errors: searchErrors, timeouts: 0, negative_feedback: 0, ...(estimates ? { estimated_runs: 100, estimated_error_rate: searchErrors / 100 } : {}) }] : []),
    ],
    ...(k === UNREADABLE_ESTIMATES_HOUR
      ? { skill_estimates: { label: "Per-skill estimates could not be read (FAILED_PRECONDITION: the index is building)", skills: null, max_skills: 10 } }
      : estimates
        ? { skill_estimates: { label: "Estimate per skill", skills: searchErrors > 0 ? 2 : 1, max_skills: 10 } }
        : {}),
    by_tool: [...(k <= WEB_FETCH_HOURS ? [{ tool: "web_fetch", failed_calls: 3, runs: 2 }] : []), { tool: "db_query", failed_calls: 1, runs: 1 }],
    top_errors: [{ message: "boom", count: failures, sample_trace_ids: [] }],
    users_affected: 1,
    negative_feedback: { label: "Thumbs-down", window_field: "updated_at", ratings: 0, ratings_read: 0, truncated: false },
    estimate: { label: "Estimate", stored_successes: 20, estimated_successes: ESTIMATED_RUNS - failures, standard_error: MARGIN_RUNS / 1.96, margin_95: MARGIN_RUNS },
    previous: { ...totals, window_start: new Date(start.getTime() - HOUR_MS).toISOString(), window_end: start.toISOString() },
    change: { failures: 0, failures_percent: 0, error_rate_points: 0 },
    usage,
    documents_read: failures,
    aggregation_queries: 4,
    truncated: k === CAPPED_HOUR,
  };
  if (k >= USAGE_FROM) {
    const { usage: _none, ...older } = report;
    return older as TraceErrorReport;
  }
  return report;
}

/** Stores the week of reports ending at `lastHourEnd` (an hour's start), MISSING_HOURS left out. */
export async function seedReportWeek(lastHourEnd: number): Promise<void> {
  const db = adminFirestore();
  const hours = Array.from({ length: 168 }, (_, index) => index + 1).filter((k) => !MISSING_HOURS.includes(k));
  await Promise.all(hours.map((k) => writeErrorReport(db, hourReport(lastHourEnd, k), 90)));
}
