import { DEFAULT_PRICES } from "./defaultPrices.js";
import type { ModelPrice, PriceTable } from "./modelPrice.js";

/** `overrides` over `base` (default DEFAULT_PRICES), model by model; an override without `source` says it is the project's. */
export function mergePrices(overrides: Readonly<Record<string, ModelPrice>> | undefined, base: PriceTable = DEFAULT_PRICES): PriceTable {
  if (!overrides) return base;
  const merged: Record<string, ModelPrice> = { ...base };
  for (const [model, price] of Object.entries(overrides)) merged[model] = { ...price, source: price.source ?? "project override" };
  return merged;
}
