import { OTHER_MODELS, type ModelUsage } from "@agent-traces/core";
import type { StoredModelUsage } from "@agent-traces/store";
import type { TraceDocument } from "../traceDocument.js";

/** The fields of a stored trace the usage summary reads (failures' come with FAILURE_FIELDS, which include them). */
export type UsageFields = Pick<TraceDocument, "status" | "skill"> & { weight?: number; usage?: readonly StoredModelUsage[] };

/**
 * The projection of the usage query (successes with token usage): at most about 8 KiB a document,
 * `usage` included. Each entry's `cost_usd` comes inside `usage`: the trace's own cost fields are
 * their sums, so they are not read.
 */
export const USAGE_FIELDS = ["status", "skill", "weight", "usage"] as const;

/** One model's line of a report: its tokens (the cached, cache-write and reasoning parts present when some) and their cost. */
export interface ModelUsageSummary extends ModelUsage {
  /** USD of its priced tokens; null when none of them has a price (unpriced, never $0). */
  cost_usd: number | null;
  /** Present when some of its tokens have no price (all of them when cost_usd is null). */
  unpriced?: true;
}

/** Sums over models: tokens (the cached and cache-write parts of input, the reasoning part of output) and cost. */
export interface UsageTotals {
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  /** USD of the priced tokens; null when none has a price. */
  cost_usd: number | null;
  /** The listed models with tokens that have no price (their cost is not in cost_usd), by name. */
  unpriced_models: string[];
}

export interface SkillUsage extends UsageTotals {
  skill: string;
  /** Most tokens first; beyond USAGE_MODELS_SHOWN, the rest summed under "(other)". */
  models: ModelUsageSummary[];
}

export interface UsageBreakdown extends UsageTotals {
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
  cached: number;
  cacheWrites: number;
  reasoning: number;
  /** null until a priced part is added. */
  cost: number | null;
  unpriced: boolean;
}

/**
 * Sums the token usage and cost of stored traces per skill and model. A success stands for its
 * stored weight (1 / the probability it was kept with; 0 when kept for feedback), a failure for
 * itself (failures are never sampled out). Tokens are rounded to whole tokens per model and USD to
 * micro-dollars, and each total is the sum of the rounded entries it covers. An entry with tokens
 * and no `cost_usd` is unpriced: named, never counted as $0. Pure.
 */
export function summarizeUsage(traces: readonly UsageFields[]): UsageBreakdown {
  const bySkill = new Map<string, Map<string, Sums>>();
  for (const trace of traces) {
    const weight = weightOf(trace);
    if (!trace.usage?.length || weight === 0) continue;
    const skill = trace.skill ?? NO_SKILL;
    const models = bySkill.get(skill) ?? new Map<string, Sums>();
    bySkill.set(skill, models);
    for (const entry of trace.usage) {
      const priced = typeof entry.cost_usd === "number";
      addSums(models, entry.model, {
        input: entry.input_tokens * weight,
        output: entry.output_tokens * weight,
        cached: (entry.cached_input_tokens ?? 0) * weight,
        cacheWrites: (entry.cache_write_tokens ?? 0) * weight,
        reasoning: (entry.reasoning_tokens ?? 0) * weight,
        cost: priced ? entry.cost_usd! * weight : null,
        unpriced: !priced && entry.input_tokens + entry.output_tokens > 0,
      });
    }
  }

  const skills = [...bySkill].map(([skill, models]) => skillUsage(skill, models)).sort(byTokens((entry) => entry.skill));
  const shown = skills.length <= USAGE_SKILLS_SHOWN ? skills : [...skills.slice(0, USAGE_SKILLS_SHOWN - 1), otherSkills(skills.slice(USAGE_SKILLS_SHOWN - 1))];
  const { unpriced_models: _, ...sums } = totals(shown);
  return { ...sums, unpriced_models: [...new Set(shown.flatMap((entry) => entry.unpriced_models))].sort(), by_skill: shown };
}

/** How many runs a stored trace stands for: its stored weight for a success (0 when kept for feedback), 1 for a failure or a success stored without one. */
function weightOf(trace: UsageFields): number {
  return trace.status === "success" && typeof trace.weight === "number" && Number.isFinite(trace.weight) && trace.weight >= 0 ? trace.weight : 1;
}

function addSums(models: Map<string, Sums>, model: string, sums: Sums): void {
  const entry = models.get(model) ?? { input: 0, output: 0, cached: 0, cacheWrites: 0, reasoning: 0, cost: null, unpriced: false };
  entry.input += sums.input;
  entry.output += sums.output;
  entry.cached += sums.cached;
  entry.cacheWrites += sums.cacheWrites;
  entry.reasoning += sums.reasoning;
  if (sums.cost !== null) entry.cost = (entry.cost ?? 0) + sums.cost;
  entry.unpriced ||= sums.unpriced;
  models.set(model, entry);
}

/** A model's line: whole tokens (the parts only when some), micro-dollars. */
function modelSummary(model: string, sums: Sums): ModelUsageSummary {
  const parts = { cached_input_tokens: Math.round(sums.cached), cache_write_tokens: Math.round(sums.cacheWrites), reasoning_tokens: Math.round(sums.reasoning) };
  return {
    model,
    input_tokens: Math.round(sums.input),
    output_tokens: Math.round(sums.output),
    ...Object.fromEntries(Object.entries(parts).filter(([, count]) => count > 0)),
    cost_usd: sums.cost === null ? null : roundUsd(sums.cost),
    ...(sums.unpriced ? { unpriced: true as const } : {}),
  };
}

/** A line's sums as Sums again, to fold lines together. */
function sumsOf(entry: ModelUsageSummary): Sums {
  return {
    input: entry.input_tokens,
    output: entry.output_tokens,
    cached: entry.cached_input_tokens ?? 0,
    cacheWrites: entry.cache_write_tokens ?? 0,
    reasoning: entry.reasoning_tokens ?? 0,
    cost: entry.cost_usd,
    unpriced: entry.unpriced === true,
  };
}

/** A skill's entry: its models rounded, most tokens first and capped ("(other)" last), its totals their sums. */
function skillUsage(skill: string, models: Map<string, Sums>): SkillUsage {
  const rounded = [...models].map(([model, sums]) => modelSummary(model, sums));
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
  for (const entry of rest) for (const model of entry.models) addSums(models, model.model, sumsOf(model));
  return skillUsage(OTHER_SKILLS, models);
}

function sumAs(model: string, entries: readonly ModelUsageSummary[]): ModelUsageSummary {
  const sums = new Map<string, Sums>();
  for (const entry of entries) addSums(sums, model, sumsOf(entry));
  return modelSummary(model, sums.get(model)!);
}

/** The sums of lines (each already rounded), and the names of those with unpriced tokens. */
function totals(entries: readonly (UsageTotals | ModelUsageSummary)[]): UsageTotals {
  const sum = (count: (entry: UsageTotals | ModelUsageSummary) => number | undefined) => entries.reduce((total, entry) => total + (count(entry) ?? 0), 0);
  const priced = entries.filter((entry) => entry.cost_usd !== null);
  return {
    input_tokens: sum((entry) => entry.input_tokens),
    output_tokens: sum((entry) => entry.output_tokens),
    cached_input_tokens: sum((entry) => entry.cached_input_tokens),
    cache_write_tokens: sum((entry) => entry.cache_write_tokens),
    reasoning_tokens: sum((entry) => entry.reasoning_tokens),
    cost_usd: priced.length ? roundUsd(priced.reduce((total, entry) => total + entry.cost_usd!, 0)) : null,
    unpriced_models: entries.flatMap((entry) => ("model" in entry ? (entry.unpriced ? [entry.model] : []) : entry.unpriced_models)),
  };
}

/** USD to whole micro-dollars, so that sums carry no float noise. */
function roundUsd(usd: number): number {
  return Math.round(usd * 1_000_000) / 1_000_000;
}

/** Most tokens (input + output) first, then by name. */
function byTokens<T extends Pick<ModelUsage, "input_tokens" | "output_tokens">>(name: (entry: T) => string): (a: T, b: T) => number {
  return (a, b) => b.input_tokens + b.output_tokens - (a.input_tokens + a.output_tokens) || name(a).localeCompare(name(b));
}
