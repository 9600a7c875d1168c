import type { TraceDocument } from "./traceDocument.js";

/** What tells one run from another under the same trace id: who sent it, when it started, how it ended. */
export type RunIdentity = Pick<TraceDocument, "recorded_by" | "started_at" | "status" | "repaired_fields">;

/**
 * Whether `a` and `b` are the same run (a retried send) rather than two runs under one id: the same
 * caller, the same status, and the same `started_at` to the nanosecond. A retry sends all three
 * unchanged; a start the server had to supply (a failed run sent without a usable one, given the
 * time it arrived) is not compared, since a retry arrives at another time.
 */
export function sameRun(a: RunIdentity, b: RunIdentity): boolean {
  if (a.recorded_by !== b.recorded_by || a.status !== b.status) return false;
  return a.started_at.isEqual(b.started_at) || (startWasSupplied(a) && startWasSupplied(b));
}

function startWasSupplied(run: RunIdentity): boolean {
  return run.repaired_fields?.includes("started_at") ?? false;
}
