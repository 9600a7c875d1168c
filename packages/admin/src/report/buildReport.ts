import type { Firestore } from "firebase-admin/firestore";
import { countRuns, type RunCounts } from "./countRuns.js";
import { buildReportQuery, REPORT_WINDOW_FIELD } from "./reportQueries.js";
import { precedingWindow, type ReportWindow } from "./reportWindow.js";
import { FAILURE_FIELDS, summarizeFailures, type FailureBreakdown, type FailureFields } from "./summarizeFailures.js";

export interface ReportOptions {
  window: ReportWindow;
  /** At most this many failed traces are read for the breakdowns; counts stay exact beyond it. */
  maxFailuresRead: number;
  /** The success sample rate configured now, used for successes stored at a rate no failure shows. */
  currentSampleRate: number;
  now?: Date;
}

export interface WindowTotals {
  window_start: string;
  window_end: string;
  errors: number;
  timeouts: number;
  failures: number;
  /** Estimated from sampled successes: see `estimate`. */
  estimated_runs: number | null;
  estimated_error_rate: number | null;
}

export interface TraceErrorReport extends WindowTotals, Omit<FailureBreakdown, "sample_rates"> {
  /** The field both windows bound: a trace counts in the window it arrived in, whenever it started. */
  window_field: typeof REPORT_WINDOW_FIELD;
  generated_at: string;
  estimate: {
    label: string;
    stored_successes: number;
    estimated_successes: number | null;
    sample_rates: number[];
  };
  previous: WindowTotals;
  change: {
    failures: number;
    failures_percent: number | null;
    error_rate_points: number | null;
  };
  /** Failed traces read one by one (capped at maxFailuresRead); successes are never read. */
  documents_read: number;
  aggregation_queries: number;
  /** True when more failures existed than were read: the breakdowns cover the newest ones only. */
  truncated: boolean;
}

const ESTIMATE_LABEL = "Estimate: failures are exact; successes are the stored ones weighted by 1 / the sample rate they were kept at.";

/** Builds the error report for one window of `received_at`, compared with the window before it. */
export async function buildErrorReport(db: Firestore, options: ReportOptions): Promise<TraceErrorReport> {
  const { window, maxFailuresRead, currentSampleRate } = options;
  const snapshot = await buildReportQuery(db, window, { kind: "failures" })
    .select(...FAILURE_FIELDS)
    .limit(maxFailuresRead + 1)
    .get();
  const failures = snapshot.docs.slice(0, maxFailuresRead).map((doc) => doc.data() as FailureFields);
  const { sample_rates, ...breakdown } = summarizeFailures(failures);
  const rates = [...new Set([...sample_rates, currentSampleRate])].sort((a, b) => a - b);

  const previous = precedingWindow(window);
  const [current, before] = await Promise.all([
    countRuns(db, window, rates, currentSampleRate),
    countRuns(db, previous, rates, currentSampleRate),
  ]);
  const totals = windowTotals(window, current);
  const previousTotals = windowTotals(previous, before);

  return {
    ...totals,
    window_field: REPORT_WINDOW_FIELD,
    generated_at: (options.now ?? new Date()).toISOString(),
    ...breakdown,
    estimate: {
      label: ESTIMATE_LABEL,
      stored_successes: current.stored_successes,
      estimated_successes: current.estimated_successes,
      sample_rates: rates,
    },
    previous: previousTotals,
    change: {
      failures: totals.failures - previousTotals.failures,
      failures_percent: previousTotals.failures === 0 ? null : round(((totals.failures - previousTotals.failures) / previousTotals.failures) * 100, 1),
      error_rate_points:
        totals.estimated_error_rate === null || previousTotals.estimated_error_rate === null
          ? null
          : round((totals.estimated_error_rate - previousTotals.estimated_error_rate) * 100, 2),
    },
    documents_read: snapshot.size,
    aggregation_queries: current.aggregations + before.aggregations,
    truncated: snapshot.size > maxFailuresRead,
  };
}

function windowTotals(window: ReportWindow, counts: RunCounts): WindowTotals {
  const failures = counts.errors + counts.timeouts;
  const runs = counts.estimated_successes === null ? null : counts.estimated_successes + failures;
  return {
    window_start: window.start.toISOString(),
    window_end: window.end.toISOString(),
    errors: counts.errors,
    timeouts: counts.timeouts,
    failures,
    estimated_runs: runs,
    estimated_error_rate: runs === null || runs === 0 ? null : round(failures / runs, 4),
  };
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
