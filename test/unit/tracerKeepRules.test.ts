import { strict as assert } from "node:assert";
import { keepRulesSchema, priceTableSchema, randomTraceId, recordTraceBatchSchema, TraceIdRatioBasedSampler, type SanitizedTrace, type TraceInput } from "@agent-traces/core";
import { DEFAULT_PRICES } from "@agent-traces/tracer/prices";
import { createTracer, type ExportContext, type RecordTraceBatchItemResult, type TraceExporter, type TraceSendError, type TracerOptions } from "@agent-traces/tracer";

/** Keeps every batch it is sent and the context it came with; answers each trace stored. */
class Recorder implements TraceExporter {
  readonly sent: SanitizedTrace[] = [];
  readonly contexts: ExportContext[] = [];

  async export(traces: readonly SanitizedTrace[], context: ExportContext): Promise<RecordTraceBatchItemResult[]> {
    this.sent.push(...traces);
    this.contexts.push(context);
    return traces.map((trace) => ({ trace_id: trace.trace_id, stored: true, reason: trace.status === "success" ? "sampled" : trace.status }));
  }

  get sentIds(): string[] {
    return this.sent.map((trace) => trace.trace_id).sort();
  }
}

const STARTED_AT = "2026-03-01T10:00:00.000Z";

/** A finished success: `durationMs` long, with the given tool results and usage. */
function success(options: { durationMs?: number; toolErrors?: boolean[]; usage?: TraceInput["usage"] } = {}): TraceInput {
  return {
    trace_id: randomTraceId(),
    started_at: STARTED_AT,
    ended_at: new Date(Date.parse(STARTED_AT) + (options.durationMs ?? 10)).toISOString(),
    status: "success",
    tool_traces: (options.toolErrors ?? []).map((isError, index) => ({ name: `tool${index}`, input: {}, output: isError ? "boom" : "ok", is_error: isError, duration_ms: 1, timestamp: STARTED_AT })),
    ...(options.usage && { usage: options.usage }),
  };
}

/** Records `runs` with a tracer that samples no success (sampleRate 0): what is sent is what the keep rules kept. */
async function sendWith(options: Partial<TracerOptions>, runs: readonly TraceInput[]) {
  const exporter = new Recorder();
  const errors: TraceSendError[] = [];
  const tracer = createTracer({ exporter, sampleRate: 0, onError: (error) => errors.push(error), ...options } as TracerOptions);
  for (const run of runs) tracer.record(run);
  assert.equal(await tracer.flush(10_000), true);
  return { exporter, errors, stats: tracer.stats };
}

describe("tracer: keep rules (TracerOptions.keep)", () => {
  it("by default keeps every success whose tool call failed, whatever the sampler says, and tells the exporter its rules", async () => {
    const failedTool = Array.from({ length: 20 }, () => success({ toolErrors: [false, true] }));
    const plain = Array.from({ length: 20 }, () => success({ toolErrors: [false, false] }));
    const { exporter, errors, stats } = await sendWith({}, [...failedTool, ...plain]);
    assert.deepEqual(errors, []);
    assert.deepEqual(exporter.sentIds, failedTool.map((run) => run.trace_id).sort());
    assert.deepEqual(exporter.contexts[0], { sampleRate: 0, keepRules: { failed_tool: true } });
    assert.equal(stats.keptByRule, 20);
    assert.equal(stats.sampledOut, 20);
  });

  it("keeps such a run at 0.1 even when the sampler drops its id, and samples the rest as before", async () => {
    const sampler = new TraceIdRatioBasedSampler(0.1);
    const ids = Array.from({ length: 400 }, () => randomTraceId());
    const dropped = ids.filter((id) => !sampler.shouldSample(id)).slice(0, 20);
    const withFailedTool = dropped.map((trace_id) => ({ ...success({ toolErrors: [true] }), trace_id }));
    const plain = ids.filter((id) => !dropped.includes(id)).map((trace_id) => ({ ...success({ toolErrors: [false] }), trace_id }));
    const { exporter, stats } = await sendWith({ sampleRate: 0.1 }, [...withFailedTool, ...plain]);
    const sampled = plain.map((run) => run.trace_id).filter((id) => sampler.shouldSample(id));
    assert.ok(sampled.length > 10, `${sampled.length} of ${plain.length} sampled`);
    assert.deepEqual(exporter.sentIds, [...dropped, ...sampled].sort());
    assert.equal(stats.keptByRule, 20);
  });

  it("`keep: false` samples only, and says so to the exporter", async () => {
    const { exporter, stats } = await sendWith({ keep: false }, [success({ toolErrors: [true] }), { ...success(), status: "error" }]);
    assert.deepEqual(
      exporter.sent.map((trace) => trace.status),
      ["error"],
    );
    assert.deepEqual(exporter.contexts[0]!.keepRules, { failed_tool: false });
    assert.equal(stats.keptByRule, 0);
  });

  it("keeps a run slower than slowerThanMs (failed tools still kept unless failedTool: false)", async () => {
    const slow = success({ durationMs: 1001 });
    const exactly = success({ durationMs: 1000 });
    const failedTool = success({ toolErrors: [true] });
    const { exporter } = await sendWith({ keep: { slowerThanMs: 1000 } }, [slow, exactly, failedTool]);
    assert.deepEqual(exporter.sentIds, [slow.trace_id, failedTool.trace_id].sort());
    assert.deepEqual(exporter.contexts[0]!.keepRules, { failed_tool: true, slower_than_ms: 1000 });

    const onlySlow = await sendWith({ keep: { failedTool: false, slowerThanMs: 1000 } }, [slow, failedTool]);
    assert.deepEqual(onlySlow.exporter.sentIds, [slow.trace_id]);
  });

  it("keeps a run above tokensAbove, all models' input + output counted", async () => {
    const above = success({ usage: [{ model: "a", input_tokens: 600, output_tokens: 200 }, { model: "b", input_tokens: 100, output_tokens: 101 }] });
    const exactly = success({ usage: [{ model: "a", input_tokens: 600, output_tokens: 200 }, { model: "b", input_tokens: 100, output_tokens: 100 }] });
    const { exporter } = await sendWith({ keep: { tokensAbove: 1000 } }, [above, exactly]);
    assert.deepEqual(exporter.sentIds, [above.trace_id]);
  });

  it("keeps a run above costAboveUsd, priced with `prices` (the shipped ones spread under a project's); an unpriced model adds nothing", async () => {
    const prices = { ...DEFAULT_PRICES, "house-model": { input: 1, output: 4 } };
    // 1M input tokens at $1 + 200k output at $4 = $1.80.
    const dear = success({ usage: [{ model: "house-model", input_tokens: 1_000_000, output_tokens: 200_000 }] });
    const cheap = success({ usage: [{ model: "house-model", input_tokens: 1_000_000, output_tokens: 100_000 }] });
    // gpt-4o from DEFAULT_PRICES: 1M input tokens at $2.50.
    const defaultPriced = success({ usage: [{ model: "gpt-4o-2024-08-06", input_tokens: 1_000_000, output_tokens: 0 }] });
    const unpriced = success({ usage: [{ model: "unknown-model", input_tokens: 50_000_000, output_tokens: 0 }] });
    const { exporter } = await sendWith({ keep: { costAboveUsd: 1.5 }, prices }, [dear, cheap, defaultPriced, unpriced]);
    assert.deepEqual(exporter.sentIds, [dear.trace_id, defaultPriced.trace_id].sort());
    assert.deepEqual(exporter.contexts[0]!.keepRules, { failed_tool: true, cost_above_usd: 1.5 });

    const overridden = await sendWith({ keep: { costAboveUsd: 1.5 }, prices: { ...DEFAULT_PRICES, "gpt-4o": { input: 1, output: 1 } } }, [defaultPriced]);
    assert.deepEqual(overridden.exporter.sent, [], "a project's price replaces the default");
    const own = await sendWith({ keep: { costAboveUsd: 1.5 }, prices: { "house-model": { input: 1, output: 4 } } }, [dear, defaultPriced]);
    assert.deepEqual(own.exporter.sentIds, [dear.trace_id], "only the table given prices runs: gpt-4o is unpriced there");
  });

  it("decides a run the rules cannot read by the sampler alone, never throwing into the agent", async () => {
    const unreadable = (status: "success" | "error") => ({ ...success(), status, tool_traces: "not a list", usage: 7 }) as unknown as TraceInput;
    const { exporter, errors, stats } = await sendWith({ keep: { tokensAbove: 1 } }, [unreadable("success"), unreadable("error")]);
    assert.deepEqual(errors, []);
    assert.deepEqual(
      exporter.sent.map((trace) => [trace.status, trace.tool_traces]),
      [["error", []]],
      "the failure sent (repaired), the success sampled out",
    );
    assert.equal(stats.sampledOut, 1);
  });

  it("refuses a bad rule or price with a RangeError naming it", () => {
    const exporter = new Recorder();
    const bad: [unknown, unknown, RegExp][] = [
      [{ slowerThanMs: 0 }, undefined, /^keep\.slowerThanMs must be a whole number of ms >= 1, got 0$/],
      [{ slowerThanMs: 1.5 }, undefined, /keep\.slowerThanMs .* got 1\.5/],
      [{ slowerThanMs: "1000" }, undefined, /keep\.slowerThanMs .* got "1000"/],
      [{ tokensAbove: -1 }, undefined, /keep\.tokensAbove must be a whole number of tokens >= 1, got -1/],
      [{ costAboveUsd: 0 }, undefined, /keep\.costAboveUsd must be a number of USD > 0, got 0/],
      [{ costAboveUsd: Infinity }, undefined, /keep\.costAboveUsd .* got Infinity/],
      [{ costAboveUsd: NaN }, undefined, /keep\.costAboveUsd .* got NaN/],
      [{ failedTool: "yes" }, undefined, /keep\.failedTool must be true or false, got "yes"/],
      [{ failed_tool: true }, undefined, /keep\.failed_tool is not a keep rule/],
      [true, undefined, /keep must be an object of rules or false, got true/],
      [null, undefined, /keep must be an object of rules or false, got null/],
      [undefined, { "gpt-4o": { input: -1, output: 1 } }, /prices\["gpt-4o"\]\.input must be a price in USD per million tokens \(a number >= 0\), got -1/],
      [undefined, { "gpt-4o": { input: 1 } }, /prices\["gpt-4o"\]\.output must be a price/],
      [undefined, { "gpt-4o": { input: 1, output: 1, cached: 0.5 } }, /prices\["gpt-4o"\]\.cached is not a price field/],
      [undefined, { "gpt-4o": { input: 1, output: 1, as_of: "May 2026" } }, /prices\["gpt-4o"\]\.as_of must be a date, YYYY-MM-DD/],
      [undefined, { "gpt-4o": 2 }, /prices\["gpt-4o"\] must be an object/],
      [{ costAboveUsd: 1 }, undefined, /^keep\.costAboveUsd needs prices: pass `prices: DEFAULT_PRICES`/],
    ];
    for (const [keep, prices, message] of bad) {
      assert.throws(() => createTracer({ exporter, keep, prices } as TracerOptions), (error: unknown) => error instanceof RangeError && message.test(error.message), JSON.stringify({ keep, prices }));
    }
    assert.doesNotThrow(() => createTracer({ exporter, keep: { failedTool: false, slowerThanMs: 1, tokensAbove: 1, costAboveUsd: 0.001 }, prices: { m: { input: 0, output: 0, cached_input: 0, cache_write: 0, reasoning: 0, as_of: "2026-01-01", source: "ours" } } }));
  });

  it("accepts exactly the rules and prices the server's schemas accept, so that no sender's rules cost it a batch", async () => {
    const thresholds = [0, 1, 1.5, -1, 2 ** 53 - 1, 2 ** 53, 1e20, Number.MAX_VALUE, Infinity, NaN, 1e-300, "1"];
    for (const value of thresholds) {
      for (const [option, field] of [["slowerThanMs", "slower_than_ms"], ["tokensAbove", "tokens_above"], ["costAboveUsd", "cost_above_usd"]] as const) {
        const exporter = new Recorder();
        let tracer: ReturnType<typeof createTracer> | undefined;
        try {
          tracer = createTracer({ exporter, sampleRate: 1, keep: { [option]: value } as TracerOptions["keep"], prices: DEFAULT_PRICES });
        } catch {
          tracer = undefined;
        }
        const wire = keepRulesSchema.safeParse({ failed_tool: true, [field]: value }).success;
        assert.equal(tracer !== undefined, wire, `keep.${option} = ${String(value)}: the tracer ${tracer ? "took" : "refused"} it, the schema ${wire ? "takes" : "refuses"} it`);
        if (!tracer) continue;
        tracer.record(success());
        await tracer.flush();
        assert.ok(recordTraceBatchSchema.safeParse({ traces: exporter.sent, sample_rate: 1, keep_rules: exporter.contexts[0]!.keepRules }).data?.keep_rules, `keep.${option} = ${String(value)} reaches the server readable`);
      }
    }
    for (const price of [0, 1.5, -1, Infinity, NaN, "1"]) {
      const table = { m: { input: price, output: 1 } };
      let took = true;
      try {
        createTracer({ exporter: new Recorder(), prices: table as TracerOptions["prices"] });
      } catch {
        took = false;
      }
      assert.equal(took, priceTableSchema.safeParse(table).success, `prices input ${String(price)}`);
    }
  });

  it("a batch whose keep_rules the server cannot read keeps its traces: the rules are taken as none", () => {
    const parsed = recordTraceBatchSchema.safeParse({ traces: [{}], sample_rate: 0.1, keep_rules: { failed_tool: true, tokens_above: 1e20 } });
    assert.ok(parsed.success);
    assert.equal(parsed.data.keep_rules, undefined);
  });
});
