import type { StoredFeedback } from "@agent-traces/store";
import { NO_SKILL } from "./summarizeFailures.js";

/** The field of a thumbs-down rating the report reads: the rated run's skill, copied onto the rating. */
export type NegativeFeedbackFields = Pick<StoredFeedback, "skill">;

/** The projection of the report's ratings query: a few dozen bytes a document. */
export const NEGATIVE_FEEDBACK_FIELDS = ["skill"] as const;

/** One skill's thumbs-down ratings in the window. */
export interface SkillNegativeFeedback {
  skill: string;
  negative_feedback: number;
}

/** Counts thumbs-down ratings per skill of the rated run (each document one rating), most first, then by name. Pure. */
export function summarizeNegativeFeedback(ratings: readonly NegativeFeedbackFields[]): SkillNegativeFeedback[] {
  const bySkill = new Map<string, number>();
  for (const { skill } of ratings) bySkill.set(skill ?? NO_SKILL, (bySkill.get(skill ?? NO_SKILL) ?? 0) + 1);
  return [...bySkill]
    .map(([skill, negative_feedback]) => ({ skill, negative_feedback }))
    .sort((a, b) => b.negative_feedback - a.negative_feedback || a.skill.localeCompare(b.skill));
}
