import { DEFAULT_KEEP_RULES, NO_KEEP_RULES, type KeepRules } from "@agent-traces/core";

/**
 * Which successes the tracer keeps whatever its sampler says (TracerOptions.keep): the camelCase form
 * of core's KeepRules. A rule left out is off, except `failedTool`, which is on unless set `false`.
 */
export interface KeepOptions {
  /** A run in which any tool call failed (`is_error`), though the run itself succeeded. Default `true`. */
  failedTool?: boolean;
  /** A run that took longer than this many ms (a whole number >= 1), from its start to its end. */
  slowerThanMs?: number;
  /** A run whose tokens (input + output, all models) are more than this (a whole number >= 1). */
  tokensAbove?: number;
  /** A run whose priced cost (the tracer's `prices`) is more than this many USD (> 0); unpriced models add nothing. */
  costAboveUsd?: number;
}

const KEYS: readonly (keyof KeepOptions)[] = ["failedTool", "slowerThanMs", "tokensAbove", "costAboveUsd"];

/** The wire form of `keep` (default DEFAULT_KEEP_RULES, `false`: none), or a RangeError naming the bad option. */
export function resolveKeepRules(keep: KeepOptions | false | undefined): KeepRules {
  if (keep === undefined) return DEFAULT_KEEP_RULES;
  if (keep === false) return NO_KEEP_RULES;
  if (typeof keep !== "object" || keep === null || Array.isArray(keep)) throw new RangeError(`keep must be an object of rules or false, got ${describe(keep)}`);
  const unknown = Object.keys(keep).find((key) => !(KEYS as readonly string[]).includes(key));
  if (unknown !== undefined) throw new RangeError(`keep.${unknown} is not a keep rule (${KEYS.join(", ")})`);
  const { failedTool = true, slowerThanMs, tokensAbove, costAboveUsd } = keep;
  if (typeof failedTool !== "boolean") throw new RangeError(`keep.failedTool must be true or false, got ${describe(failedTool)}`);
  if (costAboveUsd !== undefined && (typeof costAboveUsd !== "number" || !Number.isFinite(costAboveUsd) || costAboveUsd <= 0)) {
    throw new RangeError(`keep.costAboveUsd must be a number of USD > 0, got ${describe(costAboveUsd)}`);
  }
  return {
    failed_tool: failedTool,
    ...(slowerThanMs !== undefined && { slower_than_ms: wholeAtLeastOne("keep.slowerThanMs", slowerThanMs, "ms") }),
    ...(tokensAbove !== undefined && { tokens_above: wholeAtLeastOne("keep.tokensAbove", tokensAbove, "tokens") }),
    ...(costAboveUsd !== undefined && { cost_above_usd: costAboveUsd }),
  };
}

function wholeAtLeastOne(name: string, value: unknown, unit: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a whole number of ${unit} >= 1, got ${describe(value)}`);
  return value;
}

function describe(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}
