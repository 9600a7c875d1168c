import { strict as assert } from "node:assert";
import { addModelUsage, LIMITS, OTHER_MODELS, validateTrace, type ModelUsage } from "@agent-traces/core";
import { formatTokens } from "@agent-traces/store";

const tokens = (input_tokens: number, output_tokens: number) => ({ input_tokens, output_tokens });

/** Whether `usage` passes the wire schema as a trace's `usage`. */
function sendable(usage: ModelUsage[]): boolean {
  return validateTrace({ trace_id: "4bf92f3577b34da6a3ce929d0e0e4736", started_at: "2025-01-31T12:00:00Z", status: "success", usage }).ok;
}

describe("addModelUsage", () => {
  it("sums into the entry of a model, and appends a model not listed yet, in order of first use", () => {
    const usage: ModelUsage[] = [];
    addModelUsage(usage, "gpt-4o", tokens(100, 20));
    addModelUsage(usage, "claude-sonnet-4", tokens(7, 3));
    addModelUsage(usage, "gpt-4o", tokens(50, 5));
    assert.deepEqual(usage, [
      { model: "gpt-4o", input_tokens: 150, output_tokens: 25 },
      { model: "claude-sonnet-4", input_tokens: 7, output_tokens: 3 },
    ]);
  });

  it(`lists ${LIMITS.usageModels - 1} models, then sums the rest into "${OTHER_MODELS}" in the last slot`, () => {
    const usage: ModelUsage[] = [];
    for (let index = 0; index < LIMITS.usageModels + 5; index++) addModelUsage(usage, `model-${index}`, tokens(10, 1));
    addModelUsage(usage, "model-0", tokens(1, 1));
    assert.equal(usage.length, LIMITS.usageModels);
    assert.deepEqual(usage.slice(0, LIMITS.usageModels - 1).map((entry) => entry.model), Array.from({ length: LIMITS.usageModels - 1 }, (_, index) => `model-${index}`));
    assert.deepEqual(usage[0], { model: "model-0", input_tokens: 11, output_tokens: 2 });
    assert.deepEqual(usage.at(-1), { model: OTHER_MODELS, input_tokens: 60, output_tokens: 6 }, "the 6 models past the 15th");
    assert.ok(sendable(usage));
  });

  it(`keeps a list it did not build within ${LIMITS.usageModels} entries, its totals whole`, () => {
    const full = Array.from({ length: LIMITS.usageModels }, (_, index) => ({ model: `m${index}`, input_tokens: 1, output_tokens: 2 }));
    addModelUsage(full, "newcomer", tokens(10, 20));
    assert.equal(full.length, LIMITS.usageModels);
    assert.deepEqual(full.at(-1), { model: OTHER_MODELS, input_tokens: 11, output_tokens: 22 }, "the last entry became (other), its tokens kept");
    addModelUsage(full, "another", tokens(1, 1));
    assert.deepEqual(full.at(-1), { model: OTHER_MODELS, input_tokens: 12, output_tokens: 23 });
    assert.ok(sendable(full));
  });

  it("keeps counts valid for the wire: whole, >= 0, capped at the largest safe integer", () => {
    const usage: ModelUsage[] = [];
    addModelUsage(usage, "m", tokens(Number.MAX_SAFE_INTEGER - 1, 2.6));
    addModelUsage(usage, "m", tokens(5, -4));
    addModelUsage(usage, "m", tokens(Number.NaN, Number.POSITIVE_INFINITY));
    assert.deepEqual(usage, [{ model: "m", input_tokens: Number.MAX_SAFE_INTEGER, output_tokens: 3 }]);
    assert.ok(sendable(usage));
  });
});

describe("formatTokens", () => {
  it("groups thousands with commas, whatever the locale", () => {
    assert.deepEqual([0, 999, 1000, 1234567, 9_007_199_254_740_991].map(formatTokens), ["0", "999", "1,000", "1,234,567", "9,007,199,254,740,991"]);
    assert.equal(formatTokens(1234.6), "1,235");
    assert.equal(formatTokens(Number.NaN), "—");
  });
});
