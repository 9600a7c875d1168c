import {
  DEFAULT_KEEP_RULES,
  DEFAULT_PRICES,
  matchKeepRule,
  MIN_SENDER_SAMPLE_RATE,
  TraceIdRatioBasedSampler,
  type KeepRule,
  type KeepRules,
  type KeptFor,
  type PriceTable,
  type RecordingFacts,
  type RecordingReason,
} from "@agent-traces/core";

/** What decides whether the server stores a received run, and at which inclusion probability. */
export interface KeepPolicy {
  /** The server's success sample rate (TRACE_SAMPLE_RATE). */
  serverRate: number;
  /** The server's keep rules (TRACE_KEEP_*); default DEFAULT_KEEP_RULES. */
  serverRules?: KeepRules | undefined;
  /** Prices for the cost rule (TRACE_PRICES over the defaults); default DEFAULT_PRICES. */
  prices?: PriceTable | undefined;
  /** The rate the sender sampled successes at (the batch's `sample_rate`); absent: it sent every run. */
  senderRate?: number | undefined;
  /** The rules the sender kept successes by besides sampling (the batch's `keep_rules`); absent: none. */
  senderRules?: KeepRules | undefined;
  /** `feedback`: a run the sender says its tracer did not keep, sent with a thumbs-down (recordFeedback). */
  keptFor?: "feedback" | undefined;
}

/**
 * The server's decision on one run. Stored: `keptFor` (the document's kept_for), `sampleRate` (the
 * probability that a run like it is stored: its weight is 1 / that, 0 when kept for feedback) and
 * `reason` (the answer's: kept_for's value, `sampled_out` for a run kept for feedback).
 */
export type KeepDecision = { store: true; keptFor: KeptFor; sampleRate: number; reason: RecordingReason } | { store: false; reason: "sampled_out" };

/**
 * Whether to store a run, with its exact inclusion probability. p_s is the server's rate, p_t the
 * sender's clamped to MIN_SENDER_SAMPLE_RATE (1 when it sent no rate: it sent every run). The server
 * checks both sides' rules on the run itself (a sender cannot claim one that does not hold):
 * a failure is stored at 1; a run meeting a server rule and a sender rule at 1 (kept_for the server's
 * rule); a server rule alone at p_t (the sender's sampler let it through); a sender rule alone by the
 * server's sampler at p_s; neither by the sampler at min(p_s, p_t). Samplers decide by
 * `original_trace_id ?? trace_id` and are monotonic in the rate, so these are the probabilities.
 * Kept for feedback: a run the sender's rules and its unclamped sampler verifiably dropped, or one the
 * decision above drops, is stored kept_for `feedback` (weight 0: it is not in the sample).
 */
export function decideKeep(run: RecordingFacts, policy: KeepPolicy): KeepDecision {
  const decision = decideSampled(run, policy);
  if (policy.keptFor !== "feedback" || run.status !== "success") return decision;
  const senderDropped = policy.senderRate !== undefined && senderRule(run, policy) === undefined && !samples(policy.senderRate, run);
  if (senderDropped || !decision.store) return { store: true, keptFor: "feedback", sampleRate: Math.min(policy.serverRate, senderRate(policy)), reason: "sampled_out" };
  return decision;
}

function decideSampled(run: RecordingFacts, policy: KeepPolicy): KeepDecision {
  if (run.status === "error" || run.status === "timeout") return { store: true, keptFor: run.status, sampleRate: 1, reason: run.status };
  const server = matchKeepRule(run, policy.serverRules ?? DEFAULT_KEEP_RULES, policy.prices ?? DEFAULT_PRICES);
  const sender = policy.senderRate === undefined ? "always" : senderRule(run, policy);
  const p_t = senderRate(policy);
  if (server && sender) return { store: true, keptFor: server, sampleRate: 1, reason: server };
  if (server) return { store: true, keptFor: server, sampleRate: p_t, reason: server };
  const rate = sender ? policy.serverRate : Math.min(policy.serverRate, p_t);
  return samples(rate, run) ? { store: true, keptFor: "sampled", sampleRate: rate, reason: "sampled" } : { store: false, reason: "sampled_out" };
}

/** The rule of the sender's that the run itself meets; undefined when it sent none or the run meets none. */
function senderRule(run: RecordingFacts, policy: KeepPolicy): KeepRule | undefined {
  return policy.senderRules && matchKeepRule(run, policy.senderRules, policy.prices ?? DEFAULT_PRICES);
}

/** p_t: the sender's rate, no lower than MIN_SENDER_SAMPLE_RATE (so no claim makes one success stand for more than 100 runs); 1 when it sent none. */
export function senderRate(policy: Pick<KeepPolicy, "senderRate">): number {
  return policy.senderRate === undefined ? 1 : Math.max(policy.senderRate, MIN_SENDER_SAMPLE_RATE);
}

function samples(rate: number, run: RecordingFacts): boolean {
  return new TraceIdRatioBasedSampler(rate).shouldSample(run.original_trace_id ?? run.trace_id);
}
