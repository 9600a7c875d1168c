import { AsyncLocalStorage } from "node:async_hooks";
import type { TraceContext } from "../TraceContext.js";
import type { TraceContextStorage } from "./TraceContextStorage.js";

/** Node: the current trace follows the run through its whole async call tree (AsyncLocalStorage). */
export function asyncLocalStorageContext(): TraceContextStorage {
  const storage = new AsyncLocalStorage<TraceContext | undefined>();
  return { get: () => storage.getStore(), run: (trace, fn) => storage.run(trace, fn) };
}
