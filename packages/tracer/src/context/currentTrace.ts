import { traceContextStorage } from "#platform";
import type { TraceContext } from "../TraceContext.js";

/**
 * The trace of the run this code is part of, or `undefined`. In Node it follows the run's whole async
 * call tree. In a browser it does where `AsyncContext` exists, and otherwise only in the synchronous
 * part of the run's and each tool's callback. It never returns another run's trace.
 */
export function getCurrentTrace(): TraceContext | undefined {
  return traceContextStorage.get();
}

/** Runs `fn` with `trace` as the current trace (`undefined`: with no current trace). */
export function runWithTrace<T>(trace: TraceContext | undefined, fn: () => T): T {
  return traceContextStorage.run(trace, fn);
}
