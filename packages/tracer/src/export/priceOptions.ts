import type { ModelPrice, PriceTable } from "@agent-traces/core";

const PER_MILLION: readonly (keyof ModelPrice)[] = ["input", "output", "cached_input", "cache_write", "reasoning"];
const KEYS: readonly string[] = [...PER_MILLION, "as_of", "source"];

/**
 * TracerOptions.prices as given (the shipped table is `DEFAULT_PRICES` of `@agent-traces/tracer/prices`,
 * kept out of the tracer's own bundle), checked as the server checks TRACE_PRICES but without a schema
 * library (the browser build has none): a RangeError names the bad entry, or says the cost rule has none.
 */
export function resolvePrices(prices: Readonly<Record<string, ModelPrice>> | undefined, costRule: boolean): PriceTable {
  if (prices === undefined) {
    if (costRule) throw new RangeError('keep.costAboveUsd needs prices: pass `prices: DEFAULT_PRICES` (from "@agent-traces/tracer/prices", spread your own over it) or your own table');
    return {};
  }
  if (typeof prices !== "object" || prices === null || Array.isArray(prices)) throw new RangeError(`prices must be an object of { <model>: { input, output, ... } }, got ${String(prices)}`);
  for (const [model, price] of Object.entries(prices)) {
    const name = `prices[${JSON.stringify(model)}]`;
    if (model.length === 0 || model.length > 128) throw new RangeError(`${name}: a model name must be 1 to 128 characters`);
    if (typeof price !== "object" || price === null || Array.isArray(price)) throw new RangeError(`${name} must be an object { input, output, cached_input?, cache_write?, reasoning?, as_of?, source? }`);
    const unknown = Object.keys(price).find((key) => !KEYS.includes(key));
    if (unknown !== undefined) throw new RangeError(`${name}.${unknown} is not a price field (${KEYS.join(", ")})`);
    for (const field of PER_MILLION) {
      const value: unknown = price[field];
      if (value === undefined && field !== "input" && field !== "output") continue;
      if (typeof value !== "number" || !Number.isFinite(value) || value < 0) throw new RangeError(`${name}.${field} must be a price in USD per million tokens (a number >= 0), got ${String(value)}`);
    }
    if (price.as_of !== undefined && !(typeof price.as_of === "string" && /^\d{4}-\d{2}-\d{2}$/.test(price.as_of))) throw new RangeError(`${name}.as_of must be a date, YYYY-MM-DD`);
    if (price.source !== undefined && !(typeof price.source === "string" && price.source.length >= 1 && price.source.length <= 500)) throw new RangeError(`${name}.source must be a string of 1 to 500 characters`);
  }
  return prices;
}
