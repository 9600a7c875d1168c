/** What happened to the finished runs a tracer was given, so far. */
export interface TracerStats {
  /** Runs taken into the queue (failures, and the successes the sampler kept); a run refused at once is only in `dropped`. */
  queued: number;
  /** Successes the sampler left out: never sent. */
  sampledOut: number;
  /**
   * Successes sent because they met a keep rule (TracerOptions.keep), whatever the sampler would have
   * said; counted in `queued` too unless the queue refused them.
   */
  keptByRule: number;
  /**
   * Runs dropped, by kind: the queue was full (refused, or a queued success evicted for a failure),
   * the tracer shut down, the user who recorded them signed out, or too many `conflict` answers.
   */
  dropped: { failures: number; successes: number };
  /** `recordTrace` calls made, retries included. */
  exportCalls: number;
  /** Runs the server answered for (stored, or not: sampled out or duplicate). */
  answered: number;
  /** Runs stored by the server. */
  stored: number;
  /** Runs not delivered: invalid, rejected, or out of retries (each reported through onError). */
  failed: number;
  /** Runs waiting in the queue now. */
  waiting: number;
  /**
   * Successes a sampler left out (the tracer's, counted in `sampledOut`, or the server's), held now in
   * case negative feedback asks for them (see TracerOptions.holdSampledOut).
   */
  held: number;
}
