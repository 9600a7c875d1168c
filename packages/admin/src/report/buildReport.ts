import type { Firestore } from "firebase-admin/firestore";
import { countRuns, type RunCounts } from "./countRuns.js";
import { estimateError, type EstimateError } from "./estimateError.js";
import { FEEDBACK_WINDOW_FIELD } from "./negativeFeedbackQuery.js";
import { readNegativeFeedback, type NegativeFeedbackRead } from "./readNegativeFeedback.js";
import { buildReportQuery, REPORT_WINDOW_FIELD } from "./reportQueries.js";
import { precedingWindow, type ReportWindow } from "./reportWindow.js";
import { skillBreakdown, type SkillBreakdown } from "./skillBreakdown.js";
import { estimateSkills, SKILL_ESTIMATES, skillsToEstimate } from "./skillEstimates.js";
import { FAILURE_FIELDS, summarizeFailures, type FailureBreakdown, type FailureFields } from "./summarizeFailures.js";
import { summarizeUsage, USAGE_FIELDS, type UsageBreakdown, type UsageFields } from "./summarizeUsage.js";

/** Successes with token usage read per report when ReportOptions.maxUsageRead is not given. */
export const DEFAULT_MAX_USAGE_READ = 2000;
/** Thumbs-down ratings read per report for the per-skill counts when ReportOptions.maxFeedbackRead is not given. */
export const DEFAULT_MAX_FEEDBACK_READ = 2000;

export interface ReportOptions {
  window: ReportWindow;
  /** At most this many failed traces are read for the breakdowns; counts stay exact beyond it. */
  maxFailuresRead: number;
  /** At most this many successes with token usage are read for the usage estimate (default DEFAULT_MAX_USAGE_READ, at least 1). */
  maxUsageRead?: number;
  /** At most this many thumbs-down ratings are read for the per-skill counts (default DEFAULT_MAX_FEEDBACK_READ, at least 1); their total stays exact beyond it. */
  maxFeedbackRead?: number;
  now?: Date;
}

export interface WindowTotals {
  window_start: string;
  window_end: string;
  errors: number;
  timeouts: number;
  failures: number;
  /** Estimated from sampled successes: see `estimate`. */
  estimated_runs: number;
  estimated_error_rate: number | null;
}

export interface TraceErrorReport extends WindowTotals, Omit<FailureBreakdown, "by_skill"> {
  /** The field both windows bound: a trace counts in the window its write was committed in, whenever it started or arrived. */
  window_field: typeof REPORT_WINDOW_FIELD;
  generated_at: string;
  /**
   * Per skill: failed runs (from the failures read) and, beside them, thumbs-down ratings given in the
   * window; the skills with the most failures (SKILL_ESTIMATES) also their estimated runs and error rate.
   */
  by_skill: SkillBreakdown[];
  /**
   * Whether the per-skill estimates in by_skill were made (`skills` a number) or could not be read
   * (`skills` null, the error in `label`). Absent on reports stored before it existed; buildErrorReport always sets it.
   */
  skill_estimates?: SkillEstimatesReport;
  /** Users' thumbs-down ratings given in the window (windowed by their own updated_at, not by the runs' commit). */
  negative_feedback: NegativeFeedbackReport;
  /** The success estimate behind estimated_runs, and its error (failures are exact: the runs' error is the successes'). */
  estimate: EstimateError & {
    label: string;
    stored_successes: number;
    estimated_successes: number;
  };
  previous: WindowTotals;
  change: {
    failures: number;
    failures_percent: number | null;
    error_rate_points: number | null;
  };
  /** Token usage per skill and model over the window. */
  usage: UsageReport;
  /**
   * Traces read one by one: the failures (capped at maxFailuresRead) and the successes that carry token
   * usage (capped at maxUsageRead); other successes are never read.
   */
  documents_read: number;
  aggregation_queries: number;
  /** True when more failures existed than were read: the breakdowns cover the newest ones only. */
  truncated: boolean;
}

export interface NegativeFeedbackReport {
  /** What is counted, or why nothing could be (its query failed: its index still building after a deploy, say). */
  label: string;
  window_field: typeof FEEDBACK_WINDOW_FIELD;
  /** Thumbs-down ratings whose latest change fell in the window, each rater's rating of a run once: exact; null when they could not be read. */
  ratings: number | null;
  /** Ratings read one by one (their skill only) for the per-skill counts. */
  ratings_read: number;
  /** More ratings existed than were read: the per-skill counts cover the oldest ones only (the total is exact). */
  truncated: boolean;
}

/**
 * The per-skill estimates' marker. When `skills` is a number, every by_skill entry with failures, up to
 * `max_skills` of them, carries estimated_runs and estimated_error_rate; a skill absent from by_skill (or
 * listed with no failure) had no failed run in the window, unless the report is truncated.
 */
export interface SkillEstimatesReport {
  /** What is estimated and for how many skills at most, or why nothing could be (its queries failed: their indexes still building after a deploy, say). */
  label: string;
  /** The skills estimated (the by_skill entries carrying estimated_runs); null when the estimates could not be read, and then none carries one. */
  skills: number | null;
  /** The cap: at most this many skills, those with the most failures, are estimated (SKILL_ESTIMATES). */
  max_skills: number;
}

export interface UsageReport extends UsageBreakdown {
  label: string;
  /** Successes with token usage whose tokens are summed (the failures' come with their breakdowns). */
  successes_read: number;
  /** More successes with usage, or more failures, existed than were read: the sums cover the newest ones only. */
  truncated: boolean;
}

const USAGE_LABEL =
  "Estimate: tokens and cost of failed runs are exact; those of successful runs are the stored ones, each weighted by the runs it stands for (1 / the probability it was kept with). Runs sent without usage add none. Cost is priced when each run was stored; a model without a price is named as unpriced, never counted as $0.";
const USAGE_UNREADABLE_LABEL = "Failed runs only: the tokens of successful runs could not be read";
const FEEDBACK_LABEL = "Thumbs-down ratings users gave in the window (by each rating's latest change), each rater's rating of a run counted once, per skill of the rated run.";
const FEEDBACK_UNREADABLE_LABEL = "Thumbs-down ratings could not be read";
const SKILL_ESTIMATES_LABEL = `Estimate per skill, made as for the window's runs (failures exact, successes the sum of the stored ones' weights), for the ${SKILL_ESTIMATES} skills with the most failures at most; a skill without failures in the window is not estimated.`;
const SKILL_ESTIMATES_UNREADABLE_LABEL = "Per-skill estimates could not be read";
const ESTIMATE_LABEL =
  "Estimate: failures are exact; successes are the sum of the stored ones' weights (1 / the probability the server kept each with: 1 for a run kept by a rule on both sides), ± margin at 95% (1.96 standard errors; the variance is the sum of weight × (weight − 1)).";

/** Builds the error report for one window of `committed_at`, compared with the window before it. */
export async function buildErrorReport(db: Firestore, options: ReportOptions): Promise<TraceErrorReport> {
  const { window, maxFailuresRead } = options;
  const maxUsageRead = Math.max(1, options.maxUsageRead ?? DEFAULT_MAX_USAGE_READ);
  const maxFeedbackRead = Math.max(1, options.maxFeedbackRead ?? DEFAULT_MAX_FEEDBACK_READ);
  const [snapshot, usageRead, feedbackRead] = await Promise.all([
    buildReportQuery(db, window, { kind: "failures" }).select(...FAILURE_FIELDS).limit(maxFailuresRead + 1).get(),
    // The usage sums are an extra: when their query fails (its index still building after a deploy,
    // say), the report goes out with the failures' tokens only, and says so.
    buildReportQuery(db, window, { kind: "usage" })
      .select(...USAGE_FIELDS)
      .limit(maxUsageRead + 1)
      .get()
      .then((usageSnapshot) => ({ ok: true as const, usageSnapshot }), (error: unknown) => ({ ok: false as const, error })),
    // Likewise the ratings: the report goes out with the failures, saying that they could not be read.
    readNegativeFeedback(db, window, maxFeedbackRead).then(
      (read) => ({ ok: true as const, read }),
      (error: unknown) => ({ ok: false as const, error }),
    ),
  ]);
  const usageSnapshot = usageRead.ok ? usageRead.usageSnapshot : undefined;
  const failures = snapshot.docs.slice(0, maxFailuresRead).map((doc) => doc.data() as FailureFields);
  const successes = (usageSnapshot?.docs ?? []).slice(0, maxUsageRead).map((doc) => doc.data() as UsageFields);
  const breakdown = summarizeFailures(failures);

  const previous = precedingWindow(window);
  const bySkill = skillBreakdown(breakdown.by_skill, feedbackRead.ok ? feedbackRead.read.by_skill : []);
  const [current, before, skillsRead] = await Promise.all([
    countRuns(db, window),
    countRuns(db, previous),
    // The per-skill estimates are an extra too: when their queries fail (their indexes still building
    // after a deploy, say), the skills go out without them, and skill_estimates says why.
    estimateSkills(db, window, skillsToEstimate(bySkill)).then(
      (read) => ({ ok: true as const, read }),
      (error: unknown) => ({ ok: false as const, error }),
    ),
  ]);
  const totals = windowTotals(window, current);
  const previousTotals = windowTotals(previous, before);

  return {
    ...totals,
    window_field: REPORT_WINDOW_FIELD,
    generated_at: (options.now ?? new Date()).toISOString(),
    ...breakdown,
    by_skill: skillsRead.ok ? bySkill.map((entry) => ({ ...entry, ...skillsRead.read.bySkill.get(entry.skill) })) : bySkill,
    skill_estimates: skillEstimatesReport(skillsRead.ok ? { ok: true, skills: skillsRead.read.bySkill.size } : skillsRead),
    negative_feedback: negativeFeedbackReport(feedbackRead),
    estimate: {
      label: ESTIMATE_LABEL,
      stored_successes: current.stored_successes,
      estimated_successes: current.estimated_successes,
      ...estimateError(current.success_variance),
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
    usage: {
      label: usageRead.ok ? USAGE_LABEL : `${USAGE_UNREADABLE_LABEL} (${errorText(usageRead.error)})`,
      ...summarizeUsage([...failures, ...successes]),
      successes_read: successes.length,
      truncated: !usageRead.ok || snapshot.size > maxFailuresRead || (usageSnapshot?.size ?? 0) > maxUsageRead,
    },
    documents_read: snapshot.size + (usageSnapshot?.size ?? 0),
    aggregation_queries: current.aggregations + before.aggregations + (feedbackRead.ok ? feedbackRead.read.aggregations : 0) + (skillsRead.ok ? skillsRead.read.aggregations : 0),
    truncated: snapshot.size > maxFailuresRead,
  };
}

/** The report's ratings section: the read's counts, or null ones saying why when the read failed. */
function negativeFeedbackReport(outcome: { ok: true; read: NegativeFeedbackRead } | { ok: false; error: unknown }): NegativeFeedbackReport {
  if (!outcome.ok) return { label: `${FEEDBACK_UNREADABLE_LABEL} (${errorText(outcome.error)})`, window_field: FEEDBACK_WINDOW_FIELD, ratings: null, ratings_read: 0, truncated: false };
  const { ratings, ratings_read, truncated } = outcome.read;
  return { label: FEEDBACK_LABEL, window_field: FEEDBACK_WINDOW_FIELD, ratings, ratings_read, truncated };
}

/** The report's per-skill estimates marker: how many skills were estimated, or null saying why none could be. Pure. */
export function skillEstimatesReport(outcome: { ok: true; skills: number } | { ok: false; error: unknown }): SkillEstimatesReport {
  if (!outcome.ok) return { label: `${SKILL_ESTIMATES_UNREADABLE_LABEL} (${errorText(outcome.error)})`, skills: null, max_skills: SKILL_ESTIMATES };
  return { label: SKILL_ESTIMATES_LABEL, skills: outcome.skills, max_skills: SKILL_ESTIMATES };
}

function windowTotals(window: ReportWindow, counts: RunCounts): WindowTotals {
  const failures = counts.errors + counts.timeouts;
  const runs = counts.estimated_successes + failures;
  return {
    window_start: window.start.toISOString(),
    window_end: window.end.toISOString(),
    errors: counts.errors,
    timeouts: counts.timeouts,
    failures,
    estimated_runs: runs,
    estimated_error_rate: runs === 0 ? null : round(failures / runs, 4),
  };
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** An error's first line, short enough for a report label. */
function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n")[0]!.slice(0, 200);
}
