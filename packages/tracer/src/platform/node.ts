/** The Node platform (the default `#platform`): AsyncLocalStorage context, schema validation, nothing persisted. */
import { asyncLocalStorageContext } from "../context/asyncLocalStorageContext.js";
import type { CallerIdentity } from "../exporter/CallerIdentity.js";
import type { TraceStore } from "../persist/TraceStore.js";

export { parseToolTrace, prepareTrace } from "../prepare/validatingPrepare.js";

export const traceContextStorage = asyncLocalStorageContext();

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
