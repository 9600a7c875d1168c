import { strict as assert } from "node:assert";
import { DEFAULT_PRICES, findPrice, mergePrices, priceTableSchema, traceCost, usageCost, type ModelPrice } from "@agent-traces/core";

const price: ModelPrice = { input: 2, cached_input: 0.5, cache_write: 2.5, output: 8, reasoning: 10, as_of: "2026-12-01", source: "test" };

describe("usageCost", () => {
  it("prices each token once: uncached input, cache reads, cache writes, visible output and reasoning at their own prices", () => {
    // 1,000,000 input = 600,000 uncached + 300,000 cache reads + 100,000 cache writes; 500,000 output = 400,000 visible + 100,000 reasoning.
    const cost = usageCost({ model: "m", input_tokens: 1_000_000, cached_input_tokens: 300_000, cache_write_tokens: 100_000, output_tokens: 500_000, reasoning_tokens: 100_000 }, price);
    assert.equal(round(cost), round(0.6 * 2 + 0.3 * 0.5 + 0.1 * 2.5 + 0.4 * 8 + 0.1 * 10));
  });

  it("bills cached input and cache writes at the input price, and reasoning at the output price, when the table lists none", () => {
    const plain: ModelPrice = { input: 1, output: 4 };
    const cost = usageCost({ model: "m", input_tokens: 2_000_000, cached_input_tokens: 1_000_000, cache_write_tokens: 500_000, output_tokens: 1_000_000, reasoning_tokens: 250_000 }, plain);
    assert.equal(round(cost), round(2 * 1 + 1 * 4));
  });

  it("takes a part larger than its whole as the whole: no token is billed twice", () => {
    const cost = usageCost({ model: "m", input_tokens: 1_000_000, cached_input_tokens: 5_000_000, cache_write_tokens: 5_000_000, output_tokens: 1_000_000, reasoning_tokens: 9_000_000 }, price);
    assert.equal(round(cost), round(1 * 0.5 + 1 * 10));
  });
});

describe("findPrice", () => {
  it("finds exact names, provider and resource prefixes, and dated or pinned versions", () => {
    for (const [model, expected] of [
      ["gemini-2.5-flash", "gemini-2.5-flash"],
      ["googleai/gemini-2.5-flash", "gemini-2.5-flash"],
      ["vertexai/gemini-2.5-flash", "gemini-2.5-flash"],
      ["publishers/google/models/gemini-2.5-flash", "gemini-2.5-flash"],
      ["gemini-2.0-flash-001", "gemini-2.0-flash"],
      ["gemini-2.5-flash-lite", "gemini-2.5-flash-lite"],
      ["gpt-4o-2024-08-06", "gpt-4o"],
      ["gpt-4o-mini-2024-07-18", "gpt-4o-mini"],
      ["openai/gpt-4.1-mini", "gpt-4.1-mini"],
      ["claude-sonnet-4-5-20250929", "claude-sonnet-4-5"],
      ["claude-sonnet-4-5@20250929", "claude-sonnet-4-5"],
      ["claude-sonnet-4-20250514", "claude-sonnet-4"],
      ["claude-haiku-4-5-20251001", "claude-haiku-4-5"],
      ["anthropic.claude-haiku-4-5-20251001-v1:0", undefined],
      ["claude-3-5-haiku-latest", "claude-3-5-haiku"],
      ["GPT-4O", "gpt-4o"],
    ] as const) {
      assert.equal(findPrice(model, DEFAULT_PRICES), expected === undefined ? undefined : DEFAULT_PRICES[expected], model);
    }
  });

  it("leaves a model it does not know unpriced, never priced as a neighbour that shares its prefix", () => {
    for (const model of ["my-finetune", "gpt-4omni", "gemini-2.5", "(other)", "(unknown model)", "o3x", "claude-sonnet-4-6", "gpt-5.4-pro", "gpt-4o-audio-preview", "gemini-2.5-flash-image"]) assert.equal(findPrice(model, DEFAULT_PRICES), undefined, model);
  });

  it("every default price has a date and a source", () => {
    for (const [model, entry] of Object.entries(DEFAULT_PRICES)) {
      assert.match(entry.as_of ?? "", /^\d{4}-\d{2}-\d{2}$/, model);
      assert.match(entry.source ?? "", /^https:\/\//, model);
      assert.ok(priceTableSchema.safeParse({ [model]: entry }).success, model);
    }
  });
});

describe("traceCost", () => {
  it("sums the priced models and names the unpriced ones, which are never free", () => {
    const cost = traceCost(
      [
        { model: "gemini-2.5-flash", input_tokens: 1_000_000, output_tokens: 1_000_000 },
        { model: "my-finetune", input_tokens: 10, output_tokens: 10 },
        { model: "(other)", input_tokens: 5, output_tokens: 0 },
        { model: "another-unknown", input_tokens: 0, output_tokens: 0 },
      ],
      DEFAULT_PRICES,
    );
    assert.deepEqual(cost, { costs: [0.3 + 2.5, null, null, 0], cost_usd: 0.3 + 2.5, unpriced_models: ["my-finetune", "(other)"] });
  });

  it("has no cost when nothing is priced, and none without usage", () => {
    assert.deepEqual(traceCost([{ model: "my-finetune", input_tokens: 1, output_tokens: 1 }], DEFAULT_PRICES), { costs: [null], cost_usd: undefined, unpriced_models: ["my-finetune"] });
    assert.deepEqual(traceCost(undefined, DEFAULT_PRICES), { costs: [], cost_usd: undefined, unpriced_models: [] });
  });
});

describe("mergePrices", () => {
  it("lays a project's prices over the defaults, model by model, and marks them as the project's", () => {
    const merged = mergePrices({ "my-finetune": { input: 1, output: 2 }, "gpt-4o": { input: 3, output: 12, as_of: "2027-01-01", source: "contract" } });
    assert.deepEqual(merged["my-finetune"], { input: 1, output: 2, source: "project override" });
    assert.deepEqual(merged["gpt-4o"], { input: 3, output: 12, as_of: "2027-01-01", source: "contract" });
    assert.equal(merged["gemini-2.5-flash"], DEFAULT_PRICES["gemini-2.5-flash"]);
    assert.equal(mergePrices(undefined), DEFAULT_PRICES);
  });

  it("rejects a price that is not a number >= 0, naming the model and the field", () => {
    const result = priceTableSchema.safeParse({ "my-model": { input: -1, output: "2" } });
    assert.equal(result.success, false);
    const paths = result.error!.issues.map((issue) => issue.path.join("."));
    assert.deepEqual(paths.sort(), ["my-model.input", "my-model.output"]);
  });
});

function round(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}
