import type { Sampler } from "./sampler/Sampler.js";
import type { TraceStatus } from "./schema.js";

/** The share of successful runs kept unless configured otherwise (the tracer's `sampleRate`, the function's `TRACE_SAMPLE_RATE`). */
export const DEFAULT_SAMPLE_RATE = 0.1;

export type RecordingReason = "error" | "timeout" | "sampled" | "sampled_out";

/** Every failed or timed-out run is kept; a successful one only when the sampler keeps its id. */
export function decideRecording(
  status: TraceStatus,
  traceId: string,
  sampler: Sampler,
): { store: boolean; reason: RecordingReason } {
  if (status === "error" || status === "timeout") return { store: true, reason: status };
  return sampler.shouldSample(traceId) ? { store: true, reason: "sampled" } : { store: false, reason: "sampled_out" };
}
