import { strict as assert } from "node:assert";
import { DEFAULT_KEEP_RULES, DEFAULT_PRICES, decideRecording, keepRulesSchema, matchKeepRule, NO_KEEP_RULES, TraceIdRatioBasedSampler, type RecordingFacts } from "@agent-traces/core";

const never = new TraceIdRatioBasedSampler(0);
const always = new TraceIdRatioBasedSampler(1);

function run(fields: Partial<RecordingFacts> = {}): RecordingFacts {
  return { status: "success", trace_id: "4bf92f3577b34da6a3ce929d0e0e4736", started_at: "2026-12-01T10:00:00.000Z", ended_at: "2026-12-01T10:00:01.000Z", tool_traces: [{ is_error: false }], ...fields };
}

describe("matchKeepRule", () => {
  it("keeps a run in which a tool call failed, by default", () => {
    assert.equal(matchKeepRule(run({ tool_traces: [{ is_error: false }, { is_error: true }] }), DEFAULT_KEEP_RULES, DEFAULT_PRICES), "failed_tool");
    assert.equal(matchKeepRule(run(), DEFAULT_KEEP_RULES, DEFAULT_PRICES), undefined);
    assert.equal(matchKeepRule(run({ tool_traces: [{ is_error: true }] }), NO_KEEP_RULES, DEFAULT_PRICES), undefined);
  });

  it("keeps a run slower than the threshold, not one that took exactly it, nor one that never ended", () => {
    const rules = { failed_tool: false, slower_than_ms: 30_000 };
    assert.equal(matchKeepRule(run({ ended_at: "2026-12-01T10:00:30.001Z" }), rules, DEFAULT_PRICES), "slow");
    assert.equal(matchKeepRule(run({ ended_at: "2026-12-01T10:00:30.000Z" }), rules, DEFAULT_PRICES), undefined);
    assert.equal(matchKeepRule(run({ ended_at: null }), rules, DEFAULT_PRICES), undefined);
  });

  it("keeps a run above a token count over all models, input and output", () => {
    const rules = { failed_tool: false, tokens_above: 200_000 };
    const usage = [
      { model: "gemini-2.5-flash", input_tokens: 150_000, output_tokens: 40_000 },
      { model: "gpt-4o", input_tokens: 10_000, output_tokens: 1 },
    ];
    assert.equal(matchKeepRule(run({ usage }), rules, DEFAULT_PRICES), "tokens");
    assert.equal(matchKeepRule(run({ usage: usage.slice(0, 1) }), rules, DEFAULT_PRICES), undefined);
  });

  it("keeps a run above a cost, counting priced models only", () => {
    const rules = { failed_tool: false, cost_above_usd: 1 };
    // 1M input tokens of gemini-2.5-flash: $0.30; 1M output: $2.50.
    assert.equal(matchKeepRule(run({ usage: [{ model: "gemini-2.5-flash", input_tokens: 1_000_000, output_tokens: 1_000_000 }] }), rules, DEFAULT_PRICES), "cost");
    assert.equal(matchKeepRule(run({ usage: [{ model: "gemini-2.5-flash", input_tokens: 1_000_000, output_tokens: 200_000 }] }), rules, DEFAULT_PRICES), undefined);
    assert.equal(matchKeepRule(run({ usage: [{ model: "my-finetune", input_tokens: 100_000_000, output_tokens: 100_000_000 }] }), rules, DEFAULT_PRICES), undefined);
  });

  it("names the first rule met, in the order failed tool, slow, tokens, cost", () => {
    const rules = { failed_tool: true, slower_than_ms: 1, tokens_above: 1, cost_above_usd: 0.000001 };
    const usage = [{ model: "gpt-4o", input_tokens: 1000, output_tokens: 1000 }];
    assert.equal(matchKeepRule(run({ usage, tool_traces: [{ is_error: true }] }), rules, DEFAULT_PRICES), "failed_tool");
    assert.equal(matchKeepRule(run({ usage }), rules, DEFAULT_PRICES), "slow");
    assert.equal(matchKeepRule(run({ usage, ended_at: "2026-12-01T10:00:00.000Z" }), rules, DEFAULT_PRICES), "tokens");
    assert.equal(matchKeepRule(run({ usage, ended_at: "2026-12-01T10:00:00.000Z" }), { ...rules, tokens_above: 5000 }, DEFAULT_PRICES), "cost");
  });

  it("takes the rules' wire form and refuses thresholds that are not positive, naming the field", () => {
    assert.ok(keepRulesSchema.safeParse({ failed_tool: true, slower_than_ms: 30_000, tokens_above: 200_000, cost_above_usd: 0.5 }).success);
    for (const [rules, field] of [
      [{ failed_tool: true, slower_than_ms: 0 }, "slower_than_ms"],
      [{ failed_tool: true, tokens_above: 1.5 }, "tokens_above"],
      [{ failed_tool: true, cost_above_usd: -1 }, "cost_above_usd"],
      [{ failed_tool: "yes" }, "failed_tool"],
      [{ failed_tool: true, latency: 5 }, ""],
    ] as const) {
      const result = keepRulesSchema.safeParse(rules);
      assert.equal(result.success, false, JSON.stringify(rules));
      assert.equal(result.error!.issues[0]!.path.join("."), field, JSON.stringify(rules));
    }
  });
});

describe("decideRecording with keep rules", () => {
  it("keeps failures whatever the rules, a success meeting a rule whatever the sampler, and samples the rest", () => {
    assert.deepEqual(decideRecording(run({ status: "error" }), { sampler: never, rules: NO_KEEP_RULES }), { store: true, reason: "error" });
    assert.deepEqual(decideRecording(run({ tool_traces: [{ is_error: true }] }), { sampler: never, rules: DEFAULT_KEEP_RULES }), { store: true, reason: "failed_tool" });
    assert.deepEqual(decideRecording(run({ tool_traces: [{ is_error: true }] }), { sampler: never }), { store: false, reason: "sampled_out" });
    assert.deepEqual(decideRecording(run(), { sampler: never, rules: DEFAULT_KEEP_RULES }), { store: false, reason: "sampled_out" });
    assert.deepEqual(decideRecording(run(), { sampler: always, rules: DEFAULT_KEEP_RULES }), { store: true, reason: "sampled" });
  });

  it("samples a re-keyed success by the id it was first sent under", () => {
    const kept = "00000000000000000000000000000001"; // XOR of its words: 1
    const dropped = "ffffffff000000000000000000000000"; // XOR of its words: 0xffffffff
    const sampler = new TraceIdRatioBasedSampler(0.1);
    assert.equal(decideRecording(run({ trace_id: dropped, original_trace_id: kept }), { sampler }).store, true);
    assert.equal(decideRecording(run({ trace_id: kept, original_trace_id: dropped }), { sampler }).store, false);
  });
});
