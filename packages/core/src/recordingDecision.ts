import type { Sampler } from "./sampler/Sampler.js";
import type { TraceStatus } from "./schema.js";

/** The share of successful runs kept unless configured otherwise (the tracer's `sampleRate`, the function's `TRACE_SAMPLE_RATE`). */
export const DEFAULT_SAMPLE_RATE = 0.1;
/**
 * The lowest success sample rate recordTrace takes a sender's word for: a sender claiming less is
 * weighted as if it sampled at this rate, so that one stored success never stands for more than
 * 1 / MIN_SENDER_SAMPLE_RATE (100) runs in the report, whatever a caller claims.
 */
export const MIN_SENDER_SAMPLE_RATE = 0.01;

/** The runs a stored trace stands for: 1 for a failure (never sampled), 1 / the rate a success was kept at. */
export function runWeight(status: TraceStatus, sampleRate: number): number {
  return status === "success" && sampleRate > 0 ? 1 / sampleRate : 1;
}

export type RecordingReason = "error" | "timeout" | "sampled" | "sampled_out";

/**
 * Why a stored trace was kept (its `kept_for`): a failure, the sampler, or negative feedback on a
 * success the sampler dropped (stored with weight 0: the sampled successes' weights already count it).
 */
export type KeptFor = "error" | "timeout" | "sampled" | "feedback";

/** Every failed or timed-out run is kept; a successful one only when the sampler keeps its id. */
export function decideRecording(
  status: TraceStatus,
  traceId: string,
  sampler: Sampler,
): { store: boolean; reason: RecordingReason } {
  if (status === "error" || status === "timeout") return { store: true, reason: status };
  return sampler.shouldSample(traceId) ? { store: true, reason: "sampled" } : { store: false, reason: "sampled_out" };
}
