import type { SanitizedTrace } from "@agent-traces/core";

/**
 * Where a tracer keeps its finished, sanitized runs until the server answers, so that a closed page
 * loses none. Runs are kept per owner: the uid of the user who recorded them (`null`: no user known).
 */
export interface TraceStore {
  /**
   * Takes (and removes) the runs that tracers now gone persisted as `owner` or as no user. With
   * `removeOthers`, other users' runs are removed too, and returned as `removed`.
   */
  adopt(owner: string | null, removeOthers: boolean): { adopted: SanitizedTrace[]; removed: SanitizedTrace[] };
  /**
   * Replaces this tracer's persisted runs with `traces`, `owner`'s (JSON texts, the most important
   * first): as many as fit, read from `traces` no further than that.
   */
  save(owner: string | null, traces: Iterable<string>): void;
  /** Stops saving; what is saved stays for the next page. */
  close(): void;
}
