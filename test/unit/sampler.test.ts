import { strict as assert } from "node:assert";
import { SamplingDecision, TraceIdRatioBasedSampler as OtelSampler } from "@opentelemetry/sdk-trace-base";
import { ROOT_CONTEXT } from "@opentelemetry/api";
import { decideRecording, randomTraceId, TraceIdRatioBasedSampler } from "@agent-traces/core";

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
    const edgeIds = ["00000000000000000000000000000001", "ffffffffffffffffffffffffffffffff", "ffffffff000000000000000000000000", "0000000000000000000000000000000g"];
    for (const ratio of [-1, 0.000001, 0.25, 0.999999, 2, Number.NaN]) {
      const ours = new TraceIdRatioBasedSampler(ratio);
      const otel = new OtelSampler(ratio);
      for (const id of [...edgeIds, ...ids.slice(0, 500)]) {
        const expected = otel.shouldSample(ROOT_CONTEXT, id).decision === SamplingDecision.RECORD_AND_SAMPLED;
        assert.equal(ours.shouldSample(id), expected, `ratio ${ratio}, id ${id}`);
      }
    }
  });

  it("is deterministic: the same id gets the same decision every time", () => {
    const sampler = new TraceIdRatioBasedSampler(0.1);
    for (const id of ids.slice(0, 1000)) assert.equal(sampler.shouldSample(id), sampler.shouldSample(id));
  });
});

describe("decideRecording", () => {
  const never = new TraceIdRatioBasedSampler(0);
  const always = new TraceIdRatioBasedSampler(1);
  const id = randomTraceId();

  it("keeps every error and timeout whatever the sampler says", () => {
    assert.deepEqual(decideRecording("error", id, never), { store: true, reason: "error" });
    assert.deepEqual(decideRecording("timeout", id, never), { store: true, reason: "timeout" });
  });

  it("keeps a success only when the sampler does", () => {
    assert.deepEqual(decideRecording("success", id, never), { store: false, reason: "sampled_out" });
    assert.deepEqual(decideRecording("success", id, always), { store: true, reason: "sampled" });
  });
});
