/** The Node platform (the default `#platform`): AsyncLocalStorage context, schema validation, nothing persisted. */
import { asyncLocalStorageContext } from "../context/asyncLocalStorageContext.js";
import type { TraceStore } from "../persist/TraceStore.js";

export { parseToolTrace, prepareTrace } from "../prepare/validatingPrepare.js";

export const traceContextStorage = asyncLocalStorageContext();

/** A process has no page to outlive: its runs are kept in memory until `flush()`/`shutdown()`. */
export function openTraceStore(_namespace: string): TraceStore | undefined {
  return undefined;
}

/** A process has no page lifecycle. */
export function watchPageExit(_onExit: () => void): () => void {
  return () => undefined;
}
