import type { TraceContext } from "../TraceContext.js";
import type { TraceContextStorage } from "./TraceContextStorage.js";

interface AsyncContextVariable<T> {
  get(): T | undefined;
  run<R>(value: T, fn: () => R): R;
}
type AsyncContextGlobal = { AsyncContext?: { Variable?: new <T>() => AsyncContextVariable<T> } };

/** TC39 AsyncContext (where a runtime has it): the current trace follows the run across awaits. */
export function asyncContextVariable(scope: object = globalThis): TraceContextStorage | undefined {
  const Variable = (scope as AsyncContextGlobal).AsyncContext?.Variable;
  if (typeof Variable !== "function") return undefined;
  const variable = new Variable<TraceContext | undefined>();
  return { get: () => variable.get(), run: (trace, fn) => variable.run(trace, fn) };
}
