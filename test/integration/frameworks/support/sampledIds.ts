/**
 * Trace ids chosen by what the sampler decides, for runs whose ids a test may pick (an OTel
 * IdGenerator, a Runner's traceId): a success with a kept id is stored, one with a dropped id is not.
 */
import { randomBytes } from "node:crypto";
import { DEFAULT_SAMPLE_RATE, TraceIdRatioBasedSampler } from "@agent-traces/core";

const sampler = new TraceIdRatioBasedSampler(DEFAULT_SAMPLE_RATE);

/** A random W3C trace id that the default 10% sampler keeps (`kept`) or drops. */
export function sampledTraceId(kept: boolean): string {
  for (;;) {
    const id = randomBytes(16).toString("hex");
    if (sampler.shouldSample(id) === kept && /[1-9a-f]/.test(id)) return id;
  }
}

/** An OpenTelemetry IdGenerator whose trace ids the sampler keeps (span ids random), for `new BasicTracerProvider({ idGenerator })`. */
export function keptTraceIdGenerator(): { generateTraceId(): string; generateSpanId(): string } {
  return { generateTraceId: () => sampledTraceId(true), generateSpanId: () => randomBytes(8).toString("hex") };
}
