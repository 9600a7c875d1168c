import { strict as assert } from "node:assert";
import {
  decideRecording,
  DEFAULT_KEEP_RULES,
  DEFAULT_PRICES,
  MIN_SENDER_SAMPLE_RATE,
  NO_KEEP_RULES,
  sha256Hex,
  TraceIdRatioBasedSampler,
  type KeepRules,
  type RecordingFacts,
} from "@agent-traces/core";
import { decideKeep, type KeepPolicy } from "../../functions/src/recordTrace/keepDecision.js";

/** The id whose sampler value (the XOR of its four 32-bit words) is `fraction` of the range: kept at any rate above it. */
function idAt(fraction: number): string {
  return Math.max(1, Math.floor(fraction * 0xffffffff)).toString(16).padStart(8, "0") + "0".repeat(24);
}

const SLOW: KeepRules = { failed_tool: false, slower_than_ms: 30_000 };
const failedTool = [{ is_error: false }, { is_error: true }];

function run(fields: Partial<RecordingFacts> = {}): RecordingFacts {
  return { status: "success", trace_id: idAt(0.5), started_at: "2026-12-01T10:00:00.000Z", ended_at: "2026-12-01T10:00:01.000Z", tool_traces: [{ is_error: false }], ...fields };
}

const server = (policy: Partial<KeepPolicy> = {}): KeepPolicy => ({ serverRate: 0.1, ...policy });

describe("decideKeep: the server's decision and a stored run's inclusion probability", () => {
  it("ids sit where the sampler puts them", () => {
    assert.equal(new TraceIdRatioBasedSampler(0.1).shouldSample(idAt(0.05)), true);
    assert.equal(new TraceIdRatioBasedSampler(0.1).shouldSample(idAt(0.15)), false);
  });

  it("stores every failure at probability 1, whatever the samplers say", () => {
    for (const status of ["error", "timeout"] as const) {
      assert.deepEqual(decideKeep(run({ status }), server({ serverRate: 0, senderRate: 0 })), { store: true, keptFor: status, sampleRate: 1, reason: status });
    }
  });

  it("stores a success whose tool failed by the default rules, at 1 when the sender kept it by its rule too", () => {
    const decision = decideKeep(run({ tool_traces: failedTool }), server({ senderRate: 0.1, senderRules: { failed_tool: true } }));
    assert.deepEqual(decision, { store: true, keptFor: "failed_tool", sampleRate: 1, reason: "failed_tool" });
  });

  it("stores a success a sender without sample_rate sent (it sends every run) at 1 when a server rule holds", () => {
    assert.deepEqual(decideKeep(run({ tool_traces: failedTool }), server()), { store: true, keptFor: "failed_tool", sampleRate: 1, reason: "failed_tool" });
  });

  it("server rule only: stored at the sender's rate, clamped (its sampler let it through)", () => {
    const policy = server({ senderRate: 0.2, senderRules: NO_KEEP_RULES });
    assert.deepEqual(decideKeep(run({ tool_traces: failedTool, trace_id: idAt(0.9) }), policy), { store: true, keptFor: "failed_tool", sampleRate: 0.2, reason: "failed_tool" });
    // A sender that sent no keep_rules kept nothing by rule.
    assert.deepEqual(decideKeep(run({ tool_traces: failedTool, trace_id: idAt(0.9) }), server({ senderRate: 0.2 })), { store: true, keptFor: "failed_tool", sampleRate: 0.2, reason: "failed_tool" });
    assert.deepEqual(decideKeep(run({ tool_traces: failedTool }), server({ senderRate: 1e-9 })), { store: true, keptFor: "failed_tool", sampleRate: MIN_SENDER_SAMPLE_RATE, reason: "failed_tool" });
  });

  it("sender rule only: the server's sampler decides at its own rate", () => {
    const slow = { ended_at: "2026-12-01T10:01:00.000Z" };
    const policy = server({ serverRules: NO_KEEP_RULES, senderRate: 0.01, senderRules: SLOW });
    assert.deepEqual(decideKeep(run({ ...slow, trace_id: idAt(0.05) }), policy), { store: true, keptFor: "sampled", sampleRate: 0.1, reason: "sampled" });
    assert.deepEqual(decideKeep(run({ ...slow, trace_id: idAt(0.15) }), policy), { store: false, reason: "sampled_out" });
  });

  it("a sender claiming a rule the run does not meet is sampled like any success, at the lower rate", () => {
    const policy = server({ senderRate: 0.05, senderRules: { failed_tool: true, slower_than_ms: 30_000, tokens_above: 10, cost_above_usd: 0.01 } });
    assert.deepEqual(decideKeep(run({ trace_id: idAt(0.07) }), policy), { store: false, reason: "sampled_out" });
    assert.deepEqual(decideKeep(run({ trace_id: idAt(0.03) }), policy), { store: true, keptFor: "sampled", sampleRate: 0.05, reason: "sampled" });
  });

  it("neither: the sampler at the lower of the two rates, as before keep rules", () => {
    assert.deepEqual(decideKeep(run({ trace_id: idAt(0.05) }), server({ senderRate: 0.5 })), { store: true, keptFor: "sampled", sampleRate: 0.1, reason: "sampled" });
    assert.deepEqual(decideKeep(run({ trace_id: idAt(0.05) }), server()), { store: true, keptFor: "sampled", sampleRate: 0.1, reason: "sampled" });
    assert.deepEqual(decideKeep(run({ trace_id: idAt(0.15) }), server()), { store: false, reason: "sampled_out" });
  });

  it("samples a re-keyed run by the id it was first sent under", () => {
    const rekeyed = run({ trace_id: idAt(0.9), original_trace_id: idAt(0.05) });
    assert.equal(decideKeep(rekeyed, server()).store, true);
  });

  it("checks every server rule against the run: slow, tokens and cost (priced with the server's prices)", () => {
    const rules: KeepRules = { failed_tool: false, slower_than_ms: 30_000, tokens_above: 100_000, cost_above_usd: 1 };
    const base = { trace_id: idAt(0.9) };
    assert.deepEqual(decideKeep(run({ ...base, ended_at: "2026-12-01T10:00:40.000Z" }), server({ serverRules: rules })), { store: true, keptFor: "slow", sampleRate: 1, reason: "slow" });
    const tokens = [{ model: "no-price", input_tokens: 100_001, output_tokens: 0 }];
    assert.deepEqual(decideKeep(run({ ...base, usage: tokens }), server({ serverRules: rules })), { store: true, keptFor: "tokens", sampleRate: 1, reason: "tokens" });
    // 50,000 output tokens of gemini-2.5-pro: $0.50 at the default price, $5 at the project's.
    const costly = [{ model: "gemini-2.5-pro", input_tokens: 0, output_tokens: 50_000 }];
    assert.deepEqual(decideKeep(run({ ...base, usage: costly }), server({ serverRules: rules })), { store: false, reason: "sampled_out" });
    const prices = { ...DEFAULT_PRICES, "gemini-2.5-pro": { input: 1, output: 100, as_of: "2026-12-01", source: "test" } };
    assert.deepEqual(decideKeep(run({ ...base, usage: costly }), server({ serverRules: rules, prices })), { store: true, keptFor: "cost", sampleRate: 1, reason: "cost" });
  });

  it("turns the failed-tool rule off when the server's rules do", () => {
    assert.deepEqual(decideKeep(run({ tool_traces: failedTool, trace_id: idAt(0.9) }), server({ serverRules: NO_KEEP_RULES })), { store: false, reason: "sampled_out" });
  });

  describe("kept for feedback (a held run sent with a thumbs-down)", () => {
    const feedback = (policy: Partial<KeepPolicy>) => server({ keptFor: "feedback", ...policy });

    it("stores a run the sender's unclamped sampler dropped, with no rule of its own, kept for feedback (weight 0)", () => {
      assert.deepEqual(decideKeep(run({ trace_id: idAt(0.5) }), feedback({ senderRate: 0.1 })), { store: true, keptFor: "feedback", sampleRate: 0.1, reason: "sampled_out" });
      // Dropped below MIN_SENDER_SAMPLE_RATE: still not in the sample, whatever the clamp says.
      assert.deepEqual(decideKeep(run({ trace_id: idAt(0.005) }), feedback({ senderRate: 0.001 })), { store: true, keptFor: "feedback", sampleRate: MIN_SENDER_SAMPLE_RATE, reason: "sampled_out" });
    });

    it("does not count a server rule for a run the sender verifiably did not keep", () => {
      const decision = decideKeep(run({ tool_traces: failedTool, trace_id: idAt(0.5) }), feedback({ senderRate: 0.1, senderRules: NO_KEEP_RULES }));
      assert.deepEqual(decision, { store: true, keptFor: "feedback", sampleRate: 0.1, reason: "sampled_out" });
    });

    it("decides as usual when the sender would have kept it, and stores it for feedback when that decision drops it", () => {
      // The sender's rule holds on the run and the server's does too: in the sample at 1.
      const both = decideKeep(run({ tool_traces: failedTool, trace_id: idAt(0.5) }), feedback({ senderRate: 0.1, senderRules: { failed_tool: true } }));
      assert.deepEqual(both, { store: true, keptFor: "failed_tool", sampleRate: 1, reason: "failed_tool" });
      // The sender's sampler kept it at 0.5 and the server's at 0.1 keeps it: sampled.
      assert.deepEqual(decideKeep(run({ trace_id: idAt(0.05) }), feedback({ senderRate: 0.5 })), { store: true, keptFor: "sampled", sampleRate: 0.1, reason: "sampled" });
      // The sender's sampler kept it, the server's drops it: stored for feedback.
      assert.deepEqual(decideKeep(run({ trace_id: idAt(0.3) }), feedback({ senderRate: 0.5 })), { store: true, keptFor: "feedback", sampleRate: 0.1, reason: "sampled_out" });
      // No sample_rate: the sender sends every run; the server's sampler drops this one.
      assert.deepEqual(decideKeep(run({ trace_id: idAt(0.5) }), feedback({})), { store: true, keptFor: "feedback", sampleRate: 0.1, reason: "sampled_out" });
    });

    it("keeps a failure for its status", () => {
      assert.deepEqual(decideKeep(run({ status: "error" }), feedback({ senderRate: 0.1 })), { store: true, keptFor: "error", sampleRate: 1, reason: "error" });
    });
  });
});

describe("decideKeep: the stored runs' weights add up to the population, tracer and server together", () => {
  /** 30 % with a failed tool, 20 % slow, the rest plain successes; ids fixed (hashes), so every run checks the same population. */
  const population = Array.from({ length: 20_000 }, (_, index) => {
    const kind = index % 10;
    return run({
      trace_id: sha256Hex(`keepDecision population ${index}`).slice(0, 32),
      tool_traces: kind < 3 ? failedTool : [{ is_error: false }],
      ended_at: kind >= 3 && kind < 5 ? "2026-12-01T10:00:45.000Z" : "2026-12-01T10:00:01.000Z",
    });
  });
  const cases: { name: string; senderRate: number; senderRules: KeepRules | undefined; claimed?: KeepRules; serverRules: KeepRules }[] = [
    { name: "both sides keep failed tools", senderRate: 0.2, senderRules: DEFAULT_KEEP_RULES, serverRules: DEFAULT_KEEP_RULES },
    { name: "the server alone keeps failed tools", senderRate: 0.2, senderRules: undefined, serverRules: DEFAULT_KEEP_RULES },
    { name: "the sender alone keeps slow runs", senderRate: 0.05, senderRules: SLOW, serverRules: NO_KEEP_RULES },
    { name: "each side keeps its own", senderRate: 0.3, senderRules: SLOW, serverRules: DEFAULT_KEEP_RULES },
    { name: "the sender claims rules it did not keep by", senderRate: 0.2, senderRules: NO_KEEP_RULES, claimed: { failed_tool: true, slower_than_ms: 1 }, serverRules: NO_KEEP_RULES },
  ];

  for (const { name, senderRate, senderRules, claimed, serverRules } of cases) {
    it(`${name}: the estimate is within 4 standard errors of the true count`, () => {
      const sender = new TraceIdRatioBasedSampler(senderRate);
      let estimate = 0;
      let variance = 0;
      for (const trace of population) {
        if (!decideRecording(trace, { sampler: sender, rules: senderRules, prices: DEFAULT_PRICES }).store) continue;
        const decision = decideKeep(trace, { serverRate: 0.1, serverRules, senderRate, senderRules: claimed ?? senderRules });
        if (!decision.store) continue;
        const weight = 1 / decision.sampleRate;
        estimate += weight;
        variance += weight * (weight - 1);
      }
      const error = Math.abs(estimate - population.length);
      assert.ok(error <= 4 * Math.sqrt(variance), `estimate ${estimate.toFixed(0)} of ${population.length}, standard error ${Math.sqrt(variance).toFixed(0)}`);
    });
  }
});
