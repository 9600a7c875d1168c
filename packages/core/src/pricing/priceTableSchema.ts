import { z } from "zod";
import type { ModelPrice } from "./modelPrice.js";

/** USD per million tokens: a price as a project states it (finite, >= 0). */
const perMillion = z.number({ error: "must be a price in USD per million tokens (a number >= 0)" }).refine(Number.isFinite, "must be a finite number").pipe(z.number().min(0, "must be >= 0"));

/** A ModelPrice as a project states it: prices >= 0, `as_of` a date, `source` any text. */
export const modelPriceSchema = z.strictObject({
  input: perMillion,
  output: perMillion,
  cached_input: perMillion.optional(),
  cache_write: perMillion.optional(),
  reasoning: perMillion.optional(),
  as_of: z.string({ error: "must be a date, YYYY-MM-DD" }).regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date, YYYY-MM-DD").optional(),
  source: z.string({ error: "must be a string (where the price comes from)" }).min(1).max(500).optional(),
}) satisfies z.ZodType<ModelPrice>;

/** A project's prices (TRACE_PRICES, the tracer's `prices`), per model name: merged over DEFAULT_PRICES. */
export const priceTableSchema = z.record(
  z.string().min(1, "a model name must not be empty").max(128, "a model name must be at most 128 characters"),
  modelPriceSchema,
  { error: "must be an object of { <model>: { input, output, cached_input?, cache_write?, reasoning?, as_of?, source? } }" },
);
