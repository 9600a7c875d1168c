import type { FailureBreakdown } from "./summarizeFailures.js";
import type { SkillNegativeFeedback } from "./summarizeNegativeFeedback.js";

/** A skill's line of the report: its failed runs and, beside them, its thumbs-down ratings (0 when none). */
export interface SkillBreakdown {
  skill: string;
  errors: number;
  timeouts: number;
  negative_feedback: number;
  /** Its runs in the window, estimated (see estimateSkills): on the SKILL_ESTIMATES skills with the most failures only, absent on others and on older reports. */
  estimated_runs?: number;
  /** Its failures / estimated_runs, 4 digits (null: no runs); present with estimated_runs. */
  estimated_error_rate?: number | null;
}

/**
 * One entry per skill with failures or thumbs-down ratings (or both): most failures first, then most
 * thumbs-down ratings, then by name. Pure.
 */
export function skillBreakdown(failures: FailureBreakdown["by_skill"], negative: readonly SkillNegativeFeedback[]): SkillBreakdown[] {
  const bySkill = new Map<string, SkillBreakdown>();
  for (const { skill, errors, timeouts } of failures) bySkill.set(skill, { skill, errors, timeouts, negative_feedback: 0 });
  for (const { skill, negative_feedback } of negative) {
    const entry = bySkill.get(skill) ?? { skill, errors: 0, timeouts: 0, negative_feedback: 0 };
    entry.negative_feedback += negative_feedback;
    bySkill.set(skill, entry);
  }
  return [...bySkill.values()].sort(
    (a, b) => b.errors + b.timeouts - (a.errors + a.timeouts) || b.negative_feedback - a.negative_feedback || a.skill.localeCompare(b.skill),
  );
}
