/**
 * One model's list prices in USD per million tokens. A missing `cached_input` or `cache_write` price is
 * the `input` price, a missing `reasoning` price the `output` price (what the providers bill when they
 * list none). `as_of` (YYYY-MM-DD) and `source` say where the figures come from.
 */
export interface ModelPrice {
  input: number;
  output: number;
  cached_input?: number | undefined;
  cache_write?: number | undefined;
  reasoning?: number | undefined;
  as_of?: string | undefined;
  source?: string | undefined;
}

/** Prices per model name (see findPrice for how a run's model name finds its entry). */
export type PriceTable = Readonly<Record<string, ModelPrice>>;
