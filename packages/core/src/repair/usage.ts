import { LIMITS } from "../limits.js";
import { addModelUsage, TOKEN_PARTS, type TokenCounts } from "../modelUsage.js";
import { isPlainObject } from "../plainObject.js";
import type { ModelUsage } from "../schema.js";
import { stringifyValue } from "../stringify.js";
import { cutText } from "../text.js";
import type { RepairCounter } from "./repairCounter.js";

/** What a usage entry without a usable model name is counted under. */
export const UNKNOWN_MODEL = "(unknown model)";

const USAGE_KEYS = new Set<string>(["model", "input_tokens", "output_tokens", ...TOKEN_PARTS]);

/**
 * Token usage the wire schema takes, from any value: as it is when it already is; otherwise each
 * entry's model made a name of 1-128 characters, its counts whole numbers >= 0, and the entries added
 * up with addModelUsage (a model listed twice summed, models beyond the limit under "(other)"); a part
 * (cache reads, cache writes, reasoning) larger than its whole is cut to it. A value that is not a list,
 * and an entry that is not an object, are left out. Each rewrite is counted.
 */
export function repairUsage(usage: unknown, counter: RepairCounter): ModelUsage[] | undefined {
  if (usage === undefined) return undefined;
  if (!Array.isArray(usage)) {
    counter.count++;
    return undefined;
  }
  if (isValidUsage(usage)) return usage;
  const repaired: ModelUsage[] = [];
  for (const entry of usage) {
    if (!isPlainObject(entry)) {
      counter.count++;
      continue;
    }
    const before = counter.count;
    for (const key of Object.keys(entry)) if (!USAGE_KEYS.has(key)) counter.count++;
    const model = modelName(entry.model, counter);
    const counts: TokenCounts = { input_tokens: tokenCount(entry.input_tokens, counter), output_tokens: tokenCount(entry.output_tokens, counter) };
    for (const part of TOKEN_PARTS) if (entry[part] !== undefined) counts[part] = tokenCount(entry[part], counter);
    if (!partsWithinWholes(counts)) counter.count++;
    const merged = repaired.some((kept) => kept.model === model) || repaired.length >= LIMITS.usageModels - 1;
    if (merged && counter.count === before) counter.count++;
    addModelUsage(repaired, model, counts);
  }
  return repaired;
}

function isValidUsage(usage: unknown[]): usage is ModelUsage[] {
  if (usage.length > LIMITS.usageModels) return false;
  const seen = new Set<string>();
  for (const entry of usage) {
    if (!isPlainObject(entry) || Object.keys(entry).some((key) => !USAGE_KEYS.has(key))) return false;
    const { model, input_tokens: input, output_tokens: output } = entry;
    if (typeof model !== "string" || model.length === 0 || model.length > LIMITS.modelNameChars || seen.has(model)) return false;
    if (!isTokenCount(input) || !isTokenCount(output)) return false;
    if (TOKEN_PARTS.some((part) => entry[part] !== undefined && !isTokenCount(entry[part]))) return false;
    if (!partsWithinWholes(entry as unknown as TokenCounts)) return false;
    seen.add(model);
  }
  return true;
}

/** Whether cache reads + cache writes are at most input_tokens and reasoning at most output_tokens (the wire's rule). */
function partsWithinWholes(counts: TokenCounts): boolean {
  return (counts.cached_input_tokens ?? 0) + (counts.cache_write_tokens ?? 0) <= counts.input_tokens && (counts.reasoning_tokens ?? 0) <= counts.output_tokens;
}

function isTokenCount(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

function tokenCount(value: unknown, counter: RepairCounter): number {
  if (isTokenCount(value)) return value;
  counter.count++;
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.min(Math.round(value), Number.MAX_SAFE_INTEGER) : 0;
}

function modelName(model: unknown, counter: RepairCounter): string {
  if (typeof model === "string" && model.length > 0 && model.length <= LIMITS.modelNameChars) return model;
  counter.count++;
  const text = model === undefined || model === null ? "" : stringifyValue(model);
  return text.length === 0 ? UNKNOWN_MODEL : cutText(text, LIMITS.modelNameChars);
}
