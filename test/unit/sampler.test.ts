import { strict as assert } from "node:assert";
import { SamplingDecision, TraceIdRatioBasedSampler as OtelSampler } from "@opentelemetry/sdk-trace-base";
import { ROOT_CONTEXT } from "@opentelemetry/api";
import { decideRecording, randomTraceId, TraceIdRatioBasedSampler } from "@agent-traces/core";
import { checkProperty, SAMPLER_MATCHES_OPENTELEMETRY } from "../support/properties.js";

describe("TraceIdRatioBasedSampler", () => {
  const ids = Array.from({ length: 10_000 }, () => randomTraceId());

  for (const ratio of [0, 0.1, 0.5, 1]) {
    it(`decides exactly as OpenTelemetry's sampler at ratio ${ratio} over 10,000 random ids`, () => {
      const ours = new TraceIdRatioBasedSampler(ratio);
      const otel = new OtelSampler(ratio);
      let kept = 0;
      for (const id of ids) {
        const expected = otel.shouldSample(ROOT_CONTEXT, id).decision === SamplingDecision.RECORD_AND_SAMPLED;
        assert.equal(ours.shouldSample(id), expected, `trace id ${id}`);
        if (expected) kept++;
      }
      assert.ok(Math.abs(kept / ids.length - ratio) < 0.02, `kept ${kept} of ${ids.length} at ratio ${ratio}`);
    });
  }

  it("agrees with OpenTelemetry on edge ids and odd ratios", () => {
    const edgeIds = ["00000000000000000000000000000001", "ffffffffffffffffffffffffffffffff", "ffffffff000000000000000000000000", "0000000000000000000000000000000g", "FFFFFFFF000000000000000000000000", "4BF92F3577B34DA6A3CE929D0E0E4736"];
    for (const ratio of [-1, 0.000001, 0.25, 0.999999, 2, Number.NaN]) {
      const ours = new TraceIdRatioBasedSampler(ratio);
      const otel = new OtelSampler(ratio);
      for (const id of [...edgeIds, ...ids.slice(0, 500)]) {
        const expected = otel.shouldSample(ROOT_CONTEXT, id).decision === SamplingDecision.RECORD_AND_SAMPLED;
        assert.equal(ours.shouldSample(id), expected, `ratio ${ratio}, id ${id}`);
      }
    }
  });

  it("decides known ids as worked out by hand: the XOR of the id's four 32-bit words below ratio x 0xffffffff", () => {
    // Bounds: 0 -> 0, 0.1 -> 429496729, 0.5 -> 2147483647, 0.6 -> 2576980377, 1 -> every id.
    const ratios = [0, 0.1, 0.5, 0.6, 1];
    const known: [id: string, kept: boolean[]][] = [
      ["00000000000000000000000000000001", [false, true, true, true, true]], // XOR 1
      ["12345678123456780000000000000001", [false, true, true, true, true]], // the first two words cancel: 1
      ["19999998000000000000000000000000", [false, true, true, true, true]], // 429496728
      ["19999999000000000000000000000000", [false, false, true, true, true]], // 429496729, the 0.1 bound itself
      ["7ffffffe000000000000000000000000", [false, false, true, true, true]], // 2147483646
      ["7fffffff000000000000000000000000", [false, false, false, true, true]], // 2147483647, the 0.5 bound itself
      ["4bf92f3577b34da6a3ce929d0e0e4736", [false, false, false, true, true]], // 0x918ab738 = 2441787192
      ["ffffffff000000000000000000000000", [false, false, false, false, true]], // 4294967295
      ["7FFFFFFE000000000000000000000000", [false, false, true, true, true]], // uppercase hex: read as OpenTelemetry reads it, 2147483646
      ["00000000000000000000000000000000", [false, false, false, false, false]], // the invalid id
    ];
    for (const [id, kept] of known) {
      ratios.forEach((ratio, index) => {
        assert.equal(new TraceIdRatioBasedSampler(ratio).shouldSample(id), kept[index], `ours, ratio ${ratio}, id ${id}`);
        const otel = new OtelSampler(ratio).shouldSample(ROOT_CONTEXT, id).decision === SamplingDecision.RECORD_AND_SAMPLED;
        assert.equal(otel, kept[index], `OpenTelemetry, ratio ${ratio}, id ${id}`);
      });
    }
  });

  it(SAMPLER_MATCHES_OPENTELEMETRY.title, () => {
    const counts = checkProperty(SAMPLER_MATCHES_OPENTELEMETRY);
    assert.ok((counts.get("kept") ?? 0) > SAMPLER_MATCHES_OPENTELEMETRY.unitRuns / 20, `${counts.get("kept") ?? 0} ids kept`);
  });
});

describe("decideRecording", () => {
  const never = new TraceIdRatioBasedSampler(0);
  const always = new TraceIdRatioBasedSampler(1);
  const id = randomTraceId();

  it("keeps every error and timeout whatever the sampler says", () => {
    assert.deepEqual(decideRecording({ status: "error", trace_id: id, started_at: "2026-01-01T00:00:00Z" }, { sampler: never }), { store: true, reason: "error" });
    assert.deepEqual(decideRecording({ status: "timeout", trace_id: id, started_at: "2026-01-01T00:00:00Z" }, { sampler: never }), { store: true, reason: "timeout" });
  });

  it("keeps a success only when the sampler does", () => {
    assert.deepEqual(decideRecording({ status: "success", trace_id: id, started_at: "2026-01-01T00:00:00Z" }, { sampler: never }), { store: false, reason: "sampled_out" });
    assert.deepEqual(decideRecording({ status: "success", trace_id: id, started_at: "2026-01-01T00:00:00Z" }, { sampler: always }), { store: true, reason: "sampled" });
  });
});
