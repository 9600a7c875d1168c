import { strict as assert } from "node:assert";
import { httpsCallable } from "firebase/functions";
import { DEFAULT_KEEP_RULES, DEFAULT_PRICES, randomTraceId, TraceIdRatioBasedSampler, type KeepRules, type RecordTraceBatchResult, type TraceInput } from "@agent-traces/core";
import { TRACES_COLLECTION } from "@agent-traces/admin";
import { adminFirestore, clearFirestore, clientSession, type ClientSession } from "./support/emulators.js";
import { aTrace } from "./support/traces.js";

/** functions/.env.demo-agent-traces: TRACE_SAMPLE_RATE, TRACE_KEEP_SLOWER_THAN_MS, and TRACE_PRICES' model. */
const SERVER_RATE = 0.1;
const SLOWER_THAN_MS = 30_000;
const DEMO_MODEL_PRICE = { input: 2, cached_input: 0.5, output: 8, reasoning: 12 };

/** A fresh trace id that a sampler at `rate` keeps (or, with `kept: false`, leaves out). */
function idSampledAt(rate: number, kept: boolean): string {
  const sampler = new TraceIdRatioBasedSampler(rate);
  for (;;) {
    const id = randomTraceId();
    if (sampler.shouldSample(id) === kept) return id;
  }
}

/** A success in which a tool call failed (the run went on and succeeded). */
function withFailedTool(overrides: Partial<TraceInput> = {}): TraceInput {
  const run = aTrace(overrides);
  const first = run.tool_traces![0]!;
  return { ...run, tool_traces: [{ ...first, is_error: true, output: "HTTP 503" }, { ...first, timestamp: new Date(Date.parse(first.timestamp) + 200).toISOString() }], ...overrides };
}

/** A success that took `ms`, ending 1 s ago. */
function lasting(ms: number, overrides: Partial<TraceInput> = {}): TraceInput {
  const ended = Date.now() - 1_000;
  const run = aTrace(overrides);
  return { ...run, started_at: new Date(ended - ms).toISOString(), ended_at: new Date(ended).toISOString(), tool_traces: run.tool_traces!.map((tool) => ({ ...tool, timestamp: new Date(ended - ms + 10).toISOString() })) };
}

async function stored(traceId: string) {
  return (await adminFirestore().collection(TRACES_COLLECTION).doc(traceId).get()).data();
}

/** kept_for, sample_rate, weight and weight_variance of a stored run. */
async function keptAs(traceId: string): Promise<[unknown, unknown, unknown, unknown] | undefined> {
  const document = await stored(traceId);
  return document && [document.kept_for, document.sample_rate, document.weight, document.weight_variance];
}

describe("keep rules through the functions emulator (real JS SDK client, the demo project's params)", () => {
  let client: ClientSession;
  before(async () => {
    client = await clientSession();
  });
  after(() => client.close());
  beforeEach(() => clearFirestore());

  it("with default rules stores every success whose tool failed, though the 0.1 sampler drops each id: 30 of 30, weight 1", async () => {
    const runs = Array.from({ length: 30 }, () => withFailedTool({ trace_id: idSampledAt(SERVER_RATE, false) }));
    // As the tracer sends them (its sample rate and its default rules) ...
    const batch = (await client.callRecordTrace({ traces: runs.slice(0, 20), sample_rate: SERVER_RATE, keep_rules: DEFAULT_KEEP_RULES })) as RecordTraceBatchResult;
    assert.deepEqual(batch.results, runs.slice(0, 20).map((run) => ({ trace_id: run.trace_id, stored: true, reason: "failed_tool" })));
    // ... and one at a time (the single form: a sender that sends every run).
    for (const run of runs.slice(20)) assert.deepEqual(await client.callRecordTrace(run), { trace_id: run.trace_id, stored: true, reason: "failed_tool" });
    for (const run of runs) assert.deepEqual(await keptAs(run.trace_id), ["failed_tool", 1, 1, 0], run.trace_id);
    const all = await adminFirestore().collection(TRACES_COLLECTION).get();
    assert.equal(all.size, 30);
  });

  it("samples like any success a run whose sender claims rules that do not hold on it", async () => {
    const claimed: KeepRules = { failed_tool: true, tokens_above: 1, cost_above_usd: 0.000001 };
    const dropped = aTrace({ trace_id: idSampledAt(SERVER_RATE, false) });
    const kept = aTrace({ trace_id: idSampledAt(SERVER_RATE, true) });
    const { results } = (await client.callRecordTrace({ traces: [dropped, kept], sample_rate: SERVER_RATE, keep_rules: claimed })) as RecordTraceBatchResult;
    assert.deepEqual(results, [
      { trace_id: dropped.trace_id, stored: false, reason: "sampled_out" },
      { trace_id: kept.trace_id, stored: true, reason: "sampled" },
    ]);
    assert.equal(await stored(dropped.trace_id), undefined);
    assert.deepEqual(await keptAs(kept.trace_id), ["sampled", SERVER_RATE, 1 / SERVER_RATE, (1 / SERVER_RATE) * (1 / SERVER_RATE - 1)]);
  });

  it("weighs a run only the server's rule keeps by the sender's rate: its sampler let it through", async () => {
    // The sender sampled at 0.2 and kept by no rule (no keep_rules): this run reached the server with probability 0.2.
    const run = withFailedTool({ trace_id: idSampledAt(0.2, false) });
    const { results } = (await client.callRecordTrace({ traces: [run], sample_rate: 0.2 })) as RecordTraceBatchResult;
    assert.deepEqual(results, [{ trace_id: run.trace_id, stored: true, reason: "failed_tool" }]);
    assert.deepEqual(await keptAs(run.trace_id), ["failed_tool", 0.2, 5, 20]);
  });

  it("samples at the server's rate a run only the sender's rule keeps", async () => {
    // The sender keeps runs above 1,000 tokens; the server has no token rule.
    const senderRules: KeepRules = { failed_tool: true, tokens_above: 1_000 };
    const usage = [{ model: "gemini-2.5-flash", input_tokens: 4_000, output_tokens: 1_000 }];
    const kept = aTrace({ trace_id: idSampledAt(SERVER_RATE, true), usage });
    const dropped = aTrace({ trace_id: idSampledAt(SERVER_RATE, false), usage });
    const { results } = (await client.callRecordTrace({ traces: [kept, dropped], sample_rate: 0.01, keep_rules: senderRules })) as RecordTraceBatchResult;
    assert.deepEqual(results, [
      { trace_id: kept.trace_id, stored: true, reason: "sampled" },
      { trace_id: dropped.trace_id, stored: false, reason: "sampled_out" },
    ]);
    assert.deepEqual(await keptAs(kept.trace_id), ["sampled", SERVER_RATE, 1 / SERVER_RATE, (1 / SERVER_RATE) * (1 / SERVER_RATE - 1)]);
  });

  it(`stores a success slower than TRACE_KEEP_SLOWER_THAN_MS (${SLOWER_THAN_MS} ms) whatever the sampler says, and samples one just under it`, async () => {
    const slow = lasting(45_000, { trace_id: idSampledAt(SERVER_RATE, false) });
    const quick = lasting(SLOWER_THAN_MS - 1_000, { trace_id: idSampledAt(SERVER_RATE, false) });
    assert.deepEqual(await client.callRecordTrace(slow), { trace_id: slow.trace_id, stored: true, reason: "slow" });
    assert.deepEqual(await client.callRecordTrace(quick), { trace_id: quick.trace_id, stored: false, reason: "sampled_out" });
    assert.deepEqual(await keptAs(slow.trace_id), ["slow", 1, 1, 0]);
    assert.equal((await stored(slow.trace_id))?.duration_ms, 45_000);
    // A tracer sampling at 0.1 with the default rules did not keep it by rule: it reached the server with probability 0.1.
    const sampledSlow = lasting(45_000, { trace_id: idSampledAt(SERVER_RATE, false) });
    await client.callRecordTrace({ traces: [sampledSlow], sample_rate: SERVER_RATE, keep_rules: DEFAULT_KEEP_RULES });
    assert.deepEqual(await keptAs(sampledSlow.trace_id), ["slow", SERVER_RATE, 1 / SERVER_RATE, (1 / SERVER_RATE) * (1 / SERVER_RATE - 1)]);
  });

  it("stores golden usage with the exact cost of each priced model (the defaults and TRACE_PRICES), their sum, and the unpriced model named", async () => {
    const usage = [
      // Gemini: 4,000 of the 10,000 input tokens from the cache, 1,000 of the 3,000 output tokens thoughts (billed as output).
      { model: "gemini-2.5-flash", input_tokens: 10_000, cached_input_tokens: 4_000, output_tokens: 3_000, reasoning_tokens: 1_000 },
      // Anthropic: 15,000 cache reads and 2,000 cache writes among 20,000 input tokens.
      { model: "claude-sonnet-4-5", input_tokens: 20_000, cached_input_tokens: 15_000, cache_write_tokens: 2_000, output_tokens: 500 },
      // The demo project's own price (TRACE_PRICES), reasoning priced apart.
      { model: "agent-traces-demo-model", input_tokens: 1_000, cached_input_tokens: 500, output_tokens: 2_000, reasoning_tokens: 1_500 },
      { model: "our-finetune-v3", input_tokens: 100, output_tokens: 50 },
    ];
    const run = aTrace({ status: "error", usage });
    assert.deepEqual(await client.callRecordTrace(run), { trace_id: run.trace_id, stored: true, reason: "error" });
    const document = await stored(run.trace_id);
    assert.ok(document);
    const flash = DEFAULT_PRICES["gemini-2.5-flash"]!;
    const sonnet = DEFAULT_PRICES["claude-sonnet-4-5"]!;
    // Each token priced once: uncached input, cache reads, cache writes, visible output, reasoning (as usageCost adds them).
    const costs = [
      (6_000 * flash.input + 4_000 * flash.cached_input! + 0 * flash.input + 2_000 * flash.output + 1_000 * flash.output) / 1e6,
      (3_000 * sonnet.input + 15_000 * sonnet.cached_input! + 2_000 * sonnet.cache_write! + 500 * sonnet.output + 0 * sonnet.output) / 1e6,
      (500 * DEMO_MODEL_PRICE.input + 500 * DEMO_MODEL_PRICE.cached_input + 0 * DEMO_MODEL_PRICE.input + 500 * DEMO_MODEL_PRICE.output + 1_500 * DEMO_MODEL_PRICE.reasoning) / 1e6,
    ];
    assert.deepEqual(document.usage, [...usage.slice(0, 3).map((entry, index) => ({ ...entry, cost_usd: costs[index] })), usage[3]]);
    assert.equal(document.cost_usd, costs[0]! + costs[1]! + costs[2]!);
    // By hand at the 2026-12-01 list prices: $0.00942 + $0.0285 + $0.02325.
    assert.ok(Math.abs(document.cost_usd - 0.06117) < 1e-12, String(document.cost_usd));
    assert.deepEqual(document.unpriced_models, ["our-finetune-v3"]);
  });

  describe("a held run sent with a thumbs-down (recordFeedback)", () => {
    const rate = (payload: unknown) => httpsCallable(client.functions, "recordFeedback")(payload);

    it("is kept for feedback, weight 0, when the sender's sampler dropped it and no rule of its own kept it, whatever the server's rules", async () => {
      // The sender kept no run by rule (keep_rules absent), so this failed-tool run was held, not sent.
      const held = withFailedTool({ trace_id: idSampledAt(SERVER_RATE, false) });
      await rate({ trace_id: held.trace_id, rating: "down", trace: held, sample_rate: SERVER_RATE });
      assert.deepEqual(await keptAs(held.trace_id), ["feedback", SERVER_RATE, 0, 0]);
    });

    it("is decided as usual when its sender's rule holds on it (the sender would have sent it): kept for the rule, weight 1", async () => {
      const held = withFailedTool({ trace_id: idSampledAt(SERVER_RATE, false) });
      await rate({ trace_id: held.trace_id, rating: "down", trace: held, sample_rate: SERVER_RATE, keep_rules: DEFAULT_KEEP_RULES });
      assert.deepEqual(await keptAs(held.trace_id), ["failed_tool", 1, 1, 0]);
    });
  });
});
