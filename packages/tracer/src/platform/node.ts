/** The Node platform (the default `#platform`): AsyncLocalStorage context, schema validation, nothing persisted. */
import { asyncLocalStorageContext } from "../context/asyncLocalStorageContext.js";
import type { CallerIdentity } from "../exporter/CallerIdentity.js";
import type { HoldOptions } from "../export/holdOptions.js";
import type { TraceStore } from "../persist/TraceStore.js";

export { parseToolTrace, prepareTrace } from "../prepare/validatingPrepare.js";

export const traceContextStorage = asyncLocalStorageContext();

/**
 * A server serves many users: the last 100 sampled-out successes for 10 minutes (a user who complains
 * does so soon after the answer), a few MB at most, held for negative feedback.
 */
export const HOLD_SAMPLED_OUT: HoldOptions = { maxRuns: 100, maxAgeMs: 10 * 60_000 };

/**
 * Not followed in Node: Auth's token listener would keep the user's token refreshed on a timer that
 * holds the process open; a process rarely switches users, and keeps nothing on disk for one.
 */
export function callerIdentity(_app: unknown): CallerIdentity | undefined {
  return undefined;
}

/** A process has no page to outlive: its runs are kept in memory until `flush()`/`shutdown()`. */
export function openTraceStore(_namespace: string): TraceStore | undefined {
  return undefined;
}

/** A process has no page lifecycle. */
export function watchPageExit(_onExit: () => void): () => void {
  return () => undefined;
}
