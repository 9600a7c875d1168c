import { AggregateField, type Firestore } from "firebase-admin/firestore";
import { buildReportQuery, WEIGHT_FIELD } from "./reportQueries.js";
import type { ReportWindow } from "./reportWindow.js";
import type { SkillBreakdown } from "./skillBreakdown.js";
import { NO_SKILL } from "./summarizeFailures.js";

/** How many skills (those with the most failures) get an estimate of their runs: two aggregation queries each. */
export const SKILL_ESTIMATES = 10;

/** A skill's runs in the window, estimated like the report's overall ones. */
export interface SkillEstimate {
  /** Its failures (exact, counted) plus the summed weights of its stored successes, rounded. */
  estimated_runs: number;
  /** Failures / estimated_runs, 4 digits; null when it had no runs. */
  estimated_error_rate: number | null;
}

/**
 * Estimates the runs of each named skill (NO_SKILL: runs recorded without one) in `window` with
 * aggregation queries only, as countRuns does for all runs: its failures counted, its successes'
 * weights summed. Returns the estimates by skill and the aggregation queries run.
 */
export async function estimateSkills(db: Firestore, window: ReportWindow, skills: readonly string[]): Promise<{ bySkill: Map<string, SkillEstimate>; aggregations: number }> {
  const estimates = await Promise.all(
    skills.map(async (name) => {
      const skill = name === NO_SKILL ? null : name;
      const [failures, successes] = await Promise.all([
        buildReportQuery(db, window, { kind: "skillFailures", skill }).count().get(),
        buildReportQuery(db, window, { kind: "skillSuccesses", skill }).aggregate({ weight: AggregateField.sum(WEIGHT_FIELD) }).get(),
      ]);
      return [name, skillEstimate(failures.data().count, successes.data().weight)] as const;
    }),
  );
  return { bySkill: new Map(estimates), aggregations: skills.length * 2 };
}

/** A skill's estimate from its exact failures and its successes' summed weight. Pure. */
export function skillEstimate(failures: number, successWeight: number): SkillEstimate {
  const runs = failures + Math.round(successWeight);
  return { estimated_runs: runs, estimated_error_rate: runs === 0 ? null : Math.round((failures / runs) * 10_000) / 10_000 };
}

/** The skills an estimate is made for: the first SKILL_ESTIMATES with failures, in the breakdown's order (most failures first). Pure. */
export function skillsToEstimate(bySkill: readonly SkillBreakdown[]): string[] {
  return bySkill.filter((entry) => entry.errors + entry.timeouts > 0).slice(0, SKILL_ESTIMATES).map((entry) => entry.skill);
}
