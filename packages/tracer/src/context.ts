import { AsyncLocalStorage } from "node:async_hooks";
import type { TraceContext } from "./TraceContext.js";

const traceStorage = new AsyncLocalStorage<TraceContext | undefined>();

/** The trace of the run this code is part of, from anywhere in its async call tree; `undefined` outside a run. */
export function getCurrentTrace(): TraceContext | undefined {
  return traceStorage.getStore();
}

/** Runs `fn` with `trace` as the current trace (`undefined`: with no current trace). */
export function runWithTrace<T>(trace: TraceContext | undefined, fn: () => T): T {
  return traceStorage.run(trace, fn);
}
