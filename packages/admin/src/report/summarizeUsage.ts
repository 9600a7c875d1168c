import { OTHER_MODELS, type ModelUsage } from "@agent-traces/core";
import type { TraceDocument } from "../traceDocument.js";

/** The fields of a stored trace the usage summary reads (failures' come with FAILURE_FIELDS, which include them). */
export type UsageFields = Pick<TraceDocument, "status" | "skill"> & { weight?: number; usage?: TraceDocument["usage"] };

/** The projection of the usage query (successes with token usage): at most about 7 KiB a document, `usage` included. */
export const USAGE_FIELDS = ["status", "skill", "weight", "usage"] as const;

export interface SkillUsage {
  skill: string;
  input_tokens: number;
  output_tokens: number;
  /** Most tokens first; beyond USAGE_MODELS_SHOWN, the rest summed under "(other)". */
  models: ModelUsage[];
}

export interface UsageBreakdown {
  input_tokens: number;
  output_tokens: number;
  /** Most tokens first; beyond USAGE_SKILLS_SHOWN, the rest summed under "(other skills)". */
  by_skill: SkillUsage[];
}

/** Skills listed in a report's usage, the last one the sum of any beyond. */
export const USAGE_SKILLS_SHOWN = 20;
/** Models listed per skill, the last one the sum of any beyond. */
export const USAGE_MODELS_SHOWN = 8;
export const OTHER_SKILLS = "(other skills)";
const NO_SKILL = "(none)";

interface Sums {
  input: number;
  output: number;
}

/**
 * Sums the token usage of stored traces per skill and model. A success stands for its stored weight
 * (1 / the rate it was kept at), a failure for itself (failures are never sampled out). Counts are
 * rounded to whole tokens per model, and each total is the sum of the rounded entries it covers. Pure.
 */
export function summarizeUsage(traces: readonly UsageFields[]): UsageBreakdown {
  const bySkill = new Map<string, Map<string, Sums>>();
  for (const trace of traces) {
    if (!trace.usage?.length) continue;
    const weight = weightOf(trace);
    const skill = trace.skill ?? NO_SKILL;
    const models = bySkill.get(skill) ?? new Map<string, Sums>();
    bySkill.set(skill, models);
    for (const { model, input_tokens, output_tokens } of trace.usage) addSums(models, model, { input: input_tokens * weight, output: output_tokens * weight });
  }

  const skills = [...bySkill].map(([skill, models]) => skillUsage(skill, models)).sort(byTokens((entry) => entry.skill));
  const shown = skills.length <= USAGE_SKILLS_SHOWN ? skills : [...skills.slice(0, USAGE_SKILLS_SHOWN - 1), otherSkills(skills.slice(USAGE_SKILLS_SHOWN - 1))];
  return {
    input_tokens: shown.reduce((sum, entry) => sum + entry.input_tokens, 0),
    output_tokens: shown.reduce((sum, entry) => sum + entry.output_tokens, 0),
    by_skill: shown,
  };
}

/** How many runs a stored trace stands for: its stored weight for a success, 1 for a failure (or a success stored without one). */
function weightOf(trace: UsageFields): number {
  return trace.status === "success" && typeof trace.weight === "number" && trace.weight >= 1 ? trace.weight : 1;
}

function addSums(models: Map<string, Sums>, model: string, sums: Sums): void {
  const entry = models.get(model) ?? { input: 0, output: 0 };
  entry.input += sums.input;
  entry.output += sums.output;
  models.set(model, entry);
}

/** A skill's entry: its models rounded, most tokens first and capped ("(other)" last), its totals their sums. */
function skillUsage(skill: string, models: Map<string, Sums>): SkillUsage {
  const rounded = [...models].map(([model, sums]) => ({ model, input_tokens: Math.round(sums.input), output_tokens: Math.round(sums.output) }));
  const named = rounded.filter((entry) => entry.model !== OTHER_MODELS).sort(byTokens((entry) => entry.model));
  // The traces' own "(other)" entries and the models beyond the cap are summed into one, listed last.
  const room = named.length + (named.length < rounded.length ? 1 : 0) <= USAGE_MODELS_SHOWN ? named.length : USAGE_MODELS_SHOWN - 1;
  const rest = [...named.slice(room), ...rounded.filter((entry) => entry.model === OTHER_MODELS)];
  const list = rest.length ? [...named.slice(0, room), sumAs(OTHER_MODELS, rest)] : named;
  return { skill, ...totals(list), models: list };
}

/** The skills beyond the shown ones as one entry, their models summed per model. */
function otherSkills(rest: readonly SkillUsage[]): SkillUsage {
  const models = new Map<string, Sums>();
  for (const entry of rest) for (const model of entry.models) addSums(models, model.model, { input: model.input_tokens, output: model.output_tokens });
  return skillUsage(OTHER_SKILLS, models);
}

function sumAs(model: string, entries: readonly ModelUsage[]): ModelUsage {
  return { model, ...totals(entries) };
}

function totals(entries: readonly Pick<ModelUsage, "input_tokens" | "output_tokens">[]): Pick<ModelUsage, "input_tokens" | "output_tokens"> {
  return {
    input_tokens: entries.reduce((sum, entry) => sum + entry.input_tokens, 0),
    output_tokens: entries.reduce((sum, entry) => sum + entry.output_tokens, 0),
  };
}

/** Most tokens (input + output) first, then by name. */
function byTokens<T extends Pick<ModelUsage, "input_tokens" | "output_tokens">>(name: (entry: T) => string): (a: T, b: T) => number {
  return (a, b) => b.input_tokens + b.output_tokens - (a.input_tokens + a.output_tokens) || name(a).localeCompare(name(b));
}
