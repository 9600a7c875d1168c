import type { TraceContext } from "../TraceContext.js";

/** Where the current trace lives: what `getCurrentTrace()` reads and `withTrace` sets for a run. */
export interface TraceContextStorage {
  get(): TraceContext | undefined;
  /** Runs `fn` with `trace` as the current trace (`undefined`: with none). */
  run<T>(trace: TraceContext | undefined, fn: () => T): T;
}
