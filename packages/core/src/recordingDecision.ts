import type { Sampler } from "./sampler/Sampler.js";
import type { TraceStatus } from "./schema.js";

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
