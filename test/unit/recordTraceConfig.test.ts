import { strict as assert } from "node:assert";
import { DEFAULT_PRICES } from "@agent-traces/core";
import { checkRecordTraceConfig, parseCostAbove, parsePrices } from "../../functions/src/config.js";

/** The params as the emulator or a deployment hands them over (process.env), with `overrides`; restored after. */
function withParams<T>(overrides: Record<string, string>, check: () => T): T {
  const params: Record<string, string> = {
    TRACE_SAMPLE_RATE: "0.1",
    TRACE_TTL_DAYS: "7",
    ERROR_TRACE_TTL_DAYS: "7",
    ENFORCE_APP_CHECK: "false",
    TRACE_RATE_LIMIT_PER_MINUTE: "600",
    TRACE_CAPTURE_CONTENT: "true",
    TRACE_KEEP_FAILED_TOOL: "true",
    TRACE_KEEP_SLOWER_THAN_MS: "0",
    TRACE_KEEP_TOKENS_ABOVE: "0",
    TRACE_KEEP_COST_ABOVE_USD: "0",
    TRACE_PRICES: "{}",
    ...overrides,
  };
  const saved = Object.fromEntries(Object.keys(params).map((name) => [name, process.env[name]]));
  Object.assign(process.env, params);
  try {
    return check();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

describe("recordTrace config: keep rules and prices (TRACE_KEEP_*, TRACE_PRICES)", () => {
  it("keeps failed tool calls and nothing else by default, priced with the shipped prices", () => {
    const check = withParams({}, checkRecordTraceConfig);
    assert.ok(check.ok, JSON.stringify(check));
    assert.deepEqual(check.config.keepRules, { failed_tool: true });
    assert.deepEqual(check.config.prices, DEFAULT_PRICES);
  });

  it("sets each threshold rule from its param, 0 meaning off", () => {
    const check = withParams(
      { TRACE_KEEP_FAILED_TOOL: "false", TRACE_KEEP_SLOWER_THAN_MS: "30000", TRACE_KEEP_TOKENS_ABOVE: "200000", TRACE_KEEP_COST_ABOVE_USD: "0.25" },
      checkRecordTraceConfig,
    );
    assert.ok(check.ok, JSON.stringify(check));
    assert.deepEqual(check.config.keepRules, { failed_tool: false, slower_than_ms: 30_000, tokens_above: 200_000, cost_above_usd: 0.25 });
  });

  it("merges TRACE_PRICES over the shipped prices, model by model", () => {
    const check = withParams({ TRACE_PRICES: '{"gemini-2.5-flash": {"input": 0.2, "output": 2}, "my-model": {"input": 1, "output": 3, "as_of": "2026-11-30", "source": "our contract"}}' }, checkRecordTraceConfig);
    assert.ok(check.ok, JSON.stringify(check));
    assert.deepEqual(check.config.prices?.["gemini-2.5-flash"], { input: 0.2, output: 2, source: "project override" });
    assert.deepEqual(check.config.prices?.["my-model"], { input: 1, output: 3, as_of: "2026-11-30", source: "our contract" });
    assert.deepEqual(check.config.prices?.["gpt-4o"], DEFAULT_PRICES["gpt-4o"]);
    assert.deepEqual(parsePrices(""), DEFAULT_PRICES);
  });

  it("names every bad keep param instead of keeping wrongly", () => {
    const check = withParams({ TRACE_KEEP_SLOWER_THAN_MS: "-5", TRACE_KEEP_TOKENS_ABOVE: "-1", TRACE_KEEP_COST_ABOVE_USD: "ten" }, checkRecordTraceConfig);
    assert.ok(!check.ok);
    assert.deepEqual(
      check.problems.map((problem) => problem.param),
      ["TRACE_KEEP_SLOWER_THAN_MS", "TRACE_KEEP_TOKENS_ABOVE", "TRACE_KEEP_COST_ABOVE_USD"],
    );
  });

  it("uses the shipped prices when TRACE_PRICES is bad, and says it ignored it: a price typo never stops recording", () => {
    const check = withParams({ TRACE_PRICES: '{"gpt-4o": {"input": -1, "output": 2}}' }, checkRecordTraceConfig);
    assert.ok(check.ok, JSON.stringify(check));
    assert.deepEqual(check.config.prices, DEFAULT_PRICES);
    assert.deepEqual(check.ignored?.map((problem) => problem.param), ["TRACE_PRICES"]);
    assert.match(check.ignored![0]!.problem, /^TRACE_PRICES is not a price table: \["gpt-4o"\]\.input: must be >= 0/);
  });

  it("refuses TRACE_PRICES that is not JSON, or not a table of prices, naming it", () => {
    assert.throws(() => parsePrices("{gpt-4o: 1}"), /^Error: TRACE_PRICES must be JSON/);
    assert.throws(() => parsePrices("[1, 2]"), /^Error: TRACE_PRICES is not a price table/);
    assert.throws(() => parsePrices('{"gpt-4o": {"input": 1}}'), /^Error: TRACE_PRICES is not a price table: \["gpt-4o"\]\.output: must be a price/);
    assert.throws(() => parsePrices('{"gpt-4o": {"input": 1, "output": 2, "per": "token"}}'), /TRACE_PRICES/);
  });

  it("reads TRACE_KEEP_COST_ABOVE_USD as a number of USD >= 0", () => {
    assert.equal(parseCostAbove("0"), 0);
    assert.equal(parseCostAbove(""), 0);
    assert.equal(parseCostAbove("1.5"), 1.5);
    for (const bad of ["-0.1", "ten", "Infinity", "1e400", "0x10", "1e-400"]) assert.throws(() => parseCostAbove(bad), /TRACE_KEEP_COST_ABOVE_USD/);
  });
});
