import { matchKeepRule, type KeepRule, type KeepRuleFacts, type KeepRules } from "./keep/keepRules.js";
import type { PriceTable } from "./pricing/modelPrice.js";
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

export type RecordingReason = "error" | "timeout" | KeepRule | "sampled" | "sampled_out";

/**
 * Why a stored trace was kept (its `kept_for`): a failure, a keep rule it met, the sampler, or negative
 * feedback on a success the sampler dropped (stored with weight 0: the sampled successes' weights already count it).
 */
export type KeptFor = "error" | "timeout" | KeepRule | "sampled" | "feedback";

/** What decides whether a finished run is kept: the sampler, and the keep rules checked first (priced with `prices`). */
export interface RecordingPolicy {
  sampler: Sampler;
  /** Default: none (sampling only). */
  rules?: KeepRules | undefined;
  /** For the cost rule; default: none (nothing is priced). */
  prices?: PriceTable | undefined;
}

/** A run as the decision reads it: its status, ids and what the keep rules read. */
export interface RecordingFacts extends KeepRuleFacts {
  status: TraceStatus;
  trace_id: string;
  original_trace_id?: string | undefined;
}

/**
 * Every failed or timed-out run is kept; a success when it meets a keep rule, else when the sampler
 * keeps its id (`original_trace_id ?? trace_id`: a re-keyed run gets the same decision).
 */
export function decideRecording(run: RecordingFacts, policy: RecordingPolicy): { store: boolean; reason: RecordingReason } {
  if (run.status === "error" || run.status === "timeout") return { store: true, reason: run.status };
  const rule = policy.rules && matchKeepRule(run, policy.rules, policy.prices ?? {});
  if (rule) return { store: true, reason: rule };
  return policy.sampler.shouldSample(run.original_trace_id ?? run.trace_id) ? { store: true, reason: "sampled" } : { store: false, reason: "sampled_out" };
}
