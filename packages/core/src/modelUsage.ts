import { LIMITS } from "./limits.js";
import type { ModelUsage } from "./schema.js";

/** The entry that collects the tokens of models beyond the first LIMITS.usageModels - 1 of a run. */
export const OTHER_MODELS = "(other)";

/** Tokens to add for one model. */
export interface TokenCounts {
  input_tokens: number;
  output_tokens: number;
}

/**
 * Adds `tokens` into `usage` in place: into the entry of `model`, else a new entry while fewer than
 * LIMITS.usageModels - 1 other models are listed (the last slot is kept for "(other)"), else into the
 * "(other)" entry. `usage` stays valid for the wire: at most LIMITS.usageModels entries, each model
 * once, whole counts, sums capped at Number.MAX_SAFE_INTEGER. A count that is not a finite number >= 0
 * adds nothing; a fractional one is rounded.
 */
export function addModelUsage(usage: ModelUsage[], model: string, tokens: TokenCounts): void {
  const input = tokenCount(tokens.input_tokens);
  const output = tokenCount(tokens.output_tokens);
  const existing = usage.find((entry) => entry.model === model);
  if (existing) return addInto(existing, input, output);
  const named = usage.filter((entry) => entry.model !== OTHER_MODELS).length;
  if (named < LIMITS.usageModels - 1 && usage.length < LIMITS.usageModels) {
    usage.push({ model, input_tokens: input, output_tokens: output });
    return;
  }
  const other = usage.find((entry) => entry.model === OTHER_MODELS);
  if (other) return addInto(other, input, output);
  if (usage.length < LIMITS.usageModels) {
    usage.push({ model: OTHER_MODELS, input_tokens: input, output_tokens: output });
    return;
  }
  // Full without "(other)" (a list not built here): the last entry becomes "(other)", its tokens kept.
  const last = usage[usage.length - 1]!;
  usage[usage.length - 1] = { model: OTHER_MODELS, input_tokens: last.input_tokens, output_tokens: last.output_tokens };
  addInto(usage[usage.length - 1]!, input, output);
}

/** `a + b`, capped at Number.MAX_SAFE_INTEGER so that a sum of valid counts is a valid count. */
export function addTokens(a: number, b: number): number {
  return Math.min(a + b, Number.MAX_SAFE_INTEGER);
}

function addInto(entry: ModelUsage, input: number, output: number): void {
  entry.input_tokens = addTokens(entry.input_tokens, input);
  entry.output_tokens = addTokens(entry.output_tokens, output);
}

function tokenCount(value: number): number {
  return Number.isFinite(value) && value > 0 ? Math.min(Math.round(value), Number.MAX_SAFE_INTEGER) : 0;
}
