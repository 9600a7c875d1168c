import type { PriceTable } from "../pricing/modelPrice.js";
import { traceCost } from "../pricing/usageCost.js";
import type { ModelUsage } from "../schema.js";

/**
 * Keep rules: successes stored whatever the sampler says, because something in the run is worth
 * reading. Snake case, as sent on the wire beside `sample_rate` (keepRulesSchema) and as the server's
 * params build them; the server checks each rule against the trace itself.
 */
export interface KeepRules {
  /** Keep a success in which any tool call failed (`is_error`). */
  failed_tool: boolean;
  /** Keep a success that ran longer than this many ms. */
  slower_than_ms?: number | undefined;
  /** Keep a success whose tokens (input + output, all models) are more than this. */
  tokens_above?: number | undefined;
  /** Keep a success whose priced cost is more than this many USD. */
  cost_above_usd?: number | undefined;
}
/** A keep rule a run met: what a stored trace's `kept_for` says. */
export type KeepRule = "failed_tool" | "slow" | "tokens" | "cost";

/** The rules unless configured otherwise (the tracer's `keep`, the function's TRACE_KEEP_* params): failed tool calls. */
export const DEFAULT_KEEP_RULES: KeepRules = { failed_tool: true };
/** No rule: successes are kept by sampling only. */
export const NO_KEEP_RULES: KeepRules = { failed_tool: false };

/** What the rules read of a run, as sent (TraceInput) or validated (Trace). */
export interface KeepRuleFacts {
  tool_traces?: readonly { is_error?: boolean | undefined }[] | undefined;
  started_at: string;
  ended_at?: string | null | undefined;
  usage?: readonly ModelUsage[] | undefined;
}

/**
 * The first rule of `rules` the run meets, in the order failed_tool, slow, tokens, cost; undefined when
 * none. Duration is ended_at - started_at (a run without ended_at is not slow); tokens are input +
 * output over all models; cost is the priced part (traceCost with `prices`: unpriced models add nothing).
 */
export function matchKeepRule(run: KeepRuleFacts, rules: KeepRules, prices: PriceTable): KeepRule | undefined {
  if (rules.failed_tool && run.tool_traces?.some((tool) => tool.is_error === true)) return "failed_tool";
  if (rules.slower_than_ms !== undefined && run.ended_at) {
    const duration = Date.parse(run.ended_at) - Date.parse(run.started_at);
    if (duration > rules.slower_than_ms) return "slow";
  }
  if (rules.tokens_above !== undefined && totalTokens(run.usage) > rules.tokens_above) return "tokens";
  if (rules.cost_above_usd !== undefined && (traceCost(run.usage, prices).cost_usd ?? 0) > rules.cost_above_usd) return "cost";
  return undefined;
}

function totalTokens(usage: readonly ModelUsage[] | undefined): number {
  let sum = 0;
  for (const entry of usage ?? []) sum += entry.input_tokens + entry.output_tokens;
  return sum;
}
