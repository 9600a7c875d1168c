import type { TraceContext } from "../TraceContext.js";
import type { TraceContextStorage } from "./TraceContextStorage.js";

/**
 * Without async context: the current trace is set only while the run's (or a tool's) callback runs
 * synchronously. Continuations after an `await` run from the microtask queue, outside every run, and
 * see `undefined`: never another run's trace, however many runs overlap.
 */
export function synchronousContext(): TraceContextStorage {
  let current: TraceContext | undefined;
  return {
    get: () => current,
    run(trace, fn) {
      const previous = current;
      current = trace;
      try {
        return fn();
      } finally {
        current = previous;
      }
    },
  };
}
