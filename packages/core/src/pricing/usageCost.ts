import type { ModelUsage } from "../schema.js";
import { findPrice } from "./findPrice.js";
import type { ModelPrice, PriceTable } from "./modelPrice.js";

/**
 * What one model's usage cost in USD: uncached input at `input`, cache reads at `cached_input`, cache
 * writes at `cache_write`, visible output at `output` and reasoning at `reasoning` (see ModelPrice for
 * the fallbacks). Each token is priced once: the cached, cache-write and reasoning counts are parts of
 * input_tokens and output_tokens (a part larger than its whole is taken as the whole).
 */
export function usageCost(usage: ModelUsage, price: ModelPrice): number {
  const cached = Math.min(usage.cached_input_tokens ?? 0, usage.input_tokens);
  const cacheWrites = Math.min(usage.cache_write_tokens ?? 0, usage.input_tokens - cached);
  const reasoning = Math.min(usage.reasoning_tokens ?? 0, usage.output_tokens);
  const micro =
    (usage.input_tokens - cached - cacheWrites) * price.input +
    cached * (price.cached_input ?? price.input) +
    cacheWrites * (price.cache_write ?? price.input) +
    (usage.output_tokens - reasoning) * price.output +
    reasoning * (price.reasoning ?? price.output);
  return micro / 1_000_000;
}

/** A run's cost: per usage entry (null: no price), the priced entries' sum, and the models with tokens and no price. */
export interface TraceCost {
  /** One per usage entry, in order: its USD, or null when its model has no price. */
  costs: (number | null)[];
  /** The sum of the priced entries; undefined when none is priced (unpriced is never free). */
  cost_usd: number | undefined;
  /** Models with tokens and no price, in usage order. */
  unpriced_models: string[];
}

/** Prices each entry of a run's usage with `table` (findPrice); an entry without tokens costs 0 whatever its model. */
export function traceCost(usage: readonly ModelUsage[] | undefined, table: PriceTable): TraceCost {
  const costs: (number | null)[] = [];
  const unpriced: string[] = [];
  let sum: number | undefined;
  for (const entry of usage ?? []) {
    const price = findPrice(entry.model, table);
    if (price) {
      const cost = usageCost(entry, price);
      costs.push(cost);
      sum = (sum ?? 0) + cost;
    } else if (entry.input_tokens + entry.output_tokens === 0) costs.push(0);
    else {
      costs.push(null);
      unpriced.push(entry.model);
    }
  }
  return { costs, cost_usd: sum, unpriced_models: unpriced };
}
