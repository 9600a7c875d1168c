import { LIMITS } from "./limits.js";
import type { ModelUsage } from "./schema.js";

/** The entry that collects the tokens of models beyond the first LIMITS.usageModels - 1 of a run. */
export const OTHER_MODELS = "(other)";

/**
 * Tokens to add for one model, in the wire's terms: `input_tokens` all input (uncached, cache reads
 * and cache writes), `output_tokens` all output (visible and reasoning); the optional counts are parts
 * of those (absent: 0).
 */
export interface TokenCounts {
  input_tokens: number;
  output_tokens: number;
  /** Of input_tokens, read from a cache. */
  cached_input_tokens?: number | undefined;
  /** Of input_tokens, written to a cache. */
  cache_write_tokens?: number | undefined;
  /** Of output_tokens, reasoning (thinking). */
  reasoning_tokens?: number | undefined;
}

/** The optional counts, each a part of `input_tokens` or `output_tokens`. */
export const TOKEN_PARTS = ["cached_input_tokens", "cache_write_tokens", "reasoning_tokens"] as const;
type TokenPart = (typeof TOKEN_PARTS)[number];

/**
 * Adds `tokens` into `usage` in place: into the entry of `model`, else a new entry while fewer than
 * LIMITS.usageModels - 1 other models are listed (the last slot is kept for "(other)"), else into the
 * "(other)" entry. `usage` stays valid for the wire: at most LIMITS.usageModels entries, each model
 * once, whole counts, sums capped at Number.MAX_SAFE_INTEGER, each part within its whole (a part larger
 * than its whole is cut to it), a part present only when it is above 0. A count that is not a finite
 * number >= 0 adds nothing; a fractional one is rounded.
 */
export function addModelUsage(usage: ModelUsage[], model: string, tokens: TokenCounts): void {
  const added = wholeCounts(tokens);
  const existing = usage.find((entry) => entry.model === model);
  if (existing) return addInto(existing, added);
  const named = usage.filter((entry) => entry.model !== OTHER_MODELS).length;
  if (named < LIMITS.usageModels - 1 && usage.length < LIMITS.usageModels) {
    usage.push(withCounts(model, added));
    return;
  }
  const other = usage.find((entry) => entry.model === OTHER_MODELS);
  if (other) return addInto(other, added);
  if (usage.length < LIMITS.usageModels) {
    usage.push(withCounts(OTHER_MODELS, added));
    return;
  }
  // Full without "(other)" (a list not built here): the last entry becomes "(other)", its tokens kept.
  usage[usage.length - 1] = withCounts(OTHER_MODELS, usage[usage.length - 1]!);
  addInto(usage[usage.length - 1]!, added);
}

/** `a + b`, capped at Number.MAX_SAFE_INTEGER so that a sum of valid counts is a valid count. */
export function addTokens(a: number, b: number): number {
  return Math.min(a + b, Number.MAX_SAFE_INTEGER);
}

/** Cuts `entry`'s parts in place to their wholes: cache reads, then cache writes, within input_tokens; reasoning within output_tokens. Zero parts are removed. */
export function clampTokenParts(entry: TokenCounts): void {
  const cached = Math.min(entry.cached_input_tokens ?? 0, entry.input_tokens);
  const writes = Math.min(entry.cache_write_tokens ?? 0, entry.input_tokens - cached);
  const reasoning = Math.min(entry.reasoning_tokens ?? 0, entry.output_tokens);
  setPart(entry, "cached_input_tokens", cached);
  setPart(entry, "cache_write_tokens", writes);
  setPart(entry, "reasoning_tokens", reasoning);
}

function withCounts(model: string, counts: TokenCounts): ModelUsage {
  const entry: ModelUsage = { model, input_tokens: counts.input_tokens, output_tokens: counts.output_tokens };
  for (const part of TOKEN_PARTS) setPart(entry, part, counts[part] ?? 0);
  clampTokenParts(entry);
  return entry;
}

function addInto(entry: ModelUsage, counts: TokenCounts): void {
  entry.input_tokens = addTokens(entry.input_tokens, counts.input_tokens);
  entry.output_tokens = addTokens(entry.output_tokens, counts.output_tokens);
  for (const part of TOKEN_PARTS) setPart(entry, part, addTokens(entry[part] ?? 0, counts[part] ?? 0));
  clampTokenParts(entry);
}

function setPart(entry: TokenCounts, part: TokenPart, value: number): void {
  if (value > 0) entry[part] = value;
  else delete entry[part];
}

/** `tokens` as whole counts >= 0, each part within its whole. */
function wholeCounts(tokens: TokenCounts): TokenCounts {
  const counts: TokenCounts = { input_tokens: tokenCount(tokens.input_tokens), output_tokens: tokenCount(tokens.output_tokens) };
  for (const part of TOKEN_PARTS) setPart(counts, part, tokenCount(tokens[part] ?? 0));
  clampTokenParts(counts);
  return counts;
}

function tokenCount(value: number): number {
  return Number.isFinite(value) && value > 0 ? Math.min(Math.round(value), Number.MAX_SAFE_INTEGER) : 0;
}
