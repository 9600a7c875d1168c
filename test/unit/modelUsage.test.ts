import { strict as assert } from "node:assert";
import { addModelUsage, LIMITS, OTHER_MODELS, repairTrace, sanitizeTrace, validateTrace, type ModelUsage } from "@agent-traces/core";
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

const TRACE = { trace_id: "4bf92f3577b34da6a3ce929d0e0e4736", started_at: "2025-01-31T12:00:00Z", status: "success" } as const;

describe("usage: cached, cache-write and reasoning tokens, parts of the totals", () => {
  it("addModelUsage sums the parts with the totals, leaves a zero part out and cuts a part larger than its whole", () => {
    const usage: ModelUsage[] = [];
    addModelUsage(usage, "gemini-2.5-flash", { input_tokens: 100, output_tokens: 30, cached_input_tokens: 60, reasoning_tokens: 10 });
    addModelUsage(usage, "gemini-2.5-flash", { input_tokens: 50, output_tokens: 20, cached_input_tokens: 0, cache_write_tokens: 5, reasoning_tokens: 12 });
    addModelUsage(usage, "gpt-4o", { input_tokens: 10, output_tokens: 2 });
    addModelUsage(usage, "o3", { input_tokens: 10, output_tokens: 4, cached_input_tokens: 8, cache_write_tokens: 7, reasoning_tokens: 9 });
    assert.deepEqual(usage, [
      { model: "gemini-2.5-flash", input_tokens: 150, output_tokens: 50, cached_input_tokens: 60, cache_write_tokens: 5, reasoning_tokens: 22 },
      { model: "gpt-4o", input_tokens: 10, output_tokens: 2 },
      { model: "o3", input_tokens: 10, output_tokens: 4, cached_input_tokens: 8, cache_write_tokens: 2, reasoning_tokens: 4 },
    ]);
    assert.ok(sendable(usage));
  });

  it(`sums the parts of the models past the limit into "${OTHER_MODELS}" too`, () => {
    const usage: ModelUsage[] = [];
    for (let index = 0; index < LIMITS.usageModels + 1; index++) addModelUsage(usage, `model-${index}`, { input_tokens: 10, output_tokens: 4, cached_input_tokens: 3, reasoning_tokens: 1 });
    assert.deepEqual(usage.at(-1), { model: OTHER_MODELS, input_tokens: 20, output_tokens: 8, cached_input_tokens: 6, reasoning_tokens: 2 });
  });

  it("the wire refuses a part larger than its whole, naming the field", () => {
    const cases: [ModelUsage, string][] = [
      [{ model: "m", input_tokens: 10, output_tokens: 5, cached_input_tokens: 11 }, "usage.0.cached_input_tokens"],
      [{ model: "m", input_tokens: 10, output_tokens: 5, cached_input_tokens: 6, cache_write_tokens: 5 }, "usage.0.cache_write_tokens"],
      [{ model: "m", input_tokens: 10, output_tokens: 5, reasoning_tokens: 6 }, "usage.0.reasoning_tokens"],
    ];
    for (const [entry, field] of cases) {
      const result = validateTrace({ ...TRACE, usage: [entry] });
      assert.equal(result.ok, false, field);
      if (!result.ok) assert.ok(result.fields.some((named) => named.replace(/\[(\d+)\]/g, ".$1") === field), `${result.fields.join(", ")} names ${field}`);
    }
    assert.ok(validateTrace({ ...TRACE, usage: [{ model: "m", input_tokens: 10, output_tokens: 5, cached_input_tokens: 6, cache_write_tokens: 4, reasoning_tokens: 5 }] }).ok, "parts equal to their whole are fine");
  });

  it("repair cuts a part larger than its whole (a failed run's usage is kept) and counts it; valid parts count nothing", () => {
    const { trace, repaired } = repairTrace({ ...TRACE, usage: [{ model: "m", input_tokens: 10, output_tokens: 5, cached_input_tokens: 12, reasoning_tokens: 2.4 }] });
    assert.deepEqual(trace.usage, [{ model: "m", input_tokens: 10, output_tokens: 5, cached_input_tokens: 10, reasoning_tokens: 2 }]);
    assert.equal(repaired, 2, "the fractional reasoning count and the cached count over the input");
    assert.ok(validateTrace(trace).ok);
    const valid = { ...TRACE, usage: [{ model: "m", input_tokens: 10, output_tokens: 5, cached_input_tokens: 4, cache_write_tokens: 6, reasoning_tokens: 5 }] };
    assert.equal(repairTrace(valid).repaired, 0);
    assert.deepEqual(repairTrace(valid).trace.usage, valid.usage);
  });

  it("sanitize keeps the parts and sums them for models whose names become the same (a lone surrogate made well-formed)", () => {
    const result = validateTrace({
      ...TRACE,
      usage: [
        { model: "gemini\uFFFD", input_tokens: 10, output_tokens: 5, cached_input_tokens: 4, reasoning_tokens: 1 },
        { model: "gemini\uD800", input_tokens: 20, output_tokens: 6, cache_write_tokens: 3, reasoning_tokens: 2 },
        { model: "other", input_tokens: 1, output_tokens: 1, cached_input_tokens: 1 },
      ],
    });
    assert.ok(result.ok);
    const stored = sanitizeTrace(result.trace).usage;
    assert.deepEqual(stored, [
      { model: "gemini\uFFFD", input_tokens: 30, output_tokens: 11, cached_input_tokens: 4, cache_write_tokens: 3, reasoning_tokens: 3 },
      { model: "other", input_tokens: 1, output_tokens: 1, cached_input_tokens: 1 },
    ]);
  });
});

describe("formatTokens", () => {
  it("groups thousands with commas, whatever the locale", () => {
    assert.deepEqual([0, 999, 1000, 1234567, 9_007_199_254_740_991].map(formatTokens), ["0", "999", "1,000", "1,234,567", "9,007,199,254,740,991"]);
    assert.equal(formatTokens(1234.6), "1,235");
    assert.equal(formatTokens(Number.NaN), "—");
  });
});
