import type { SanitizedTrace } from "@agent-traces/core";

/** Where a tracer keeps its finished, sanitized runs until the server answers, so that a closed page loses none. */
export interface TraceStore {
  /** Takes (and removes) the runs that other tracers, now gone, persisted and never saw answered. */
  adopt(): SanitizedTrace[];
  /** Replaces this tracer's persisted runs with `traces` (JSON texts, the most important first), as many as fit. */
  save(traces: readonly string[]): void;
  /** Stops saving; what is saved stays for the next page. */
  close(): void;
}
