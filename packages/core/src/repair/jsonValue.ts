import { isPlainObject } from "../plainObject.js";
import { stringifyValue } from "../stringify.js";
import type { RepairCounter } from "./repairCounter.js";

/**
 * Converts a value to what it would be after a JSON round trip: Dates (anything with `toJSON`) become
 * their JSON form, `undefined`, functions and symbols are dropped from objects and become `null` in
 * arrays, non-finite numbers become `null`. Where JSON would throw or lose everything it keeps
 * something readable instead: BigInts and Errors become strings, Maps objects, Sets arrays, other
 * class instances their own fields, cycles "[Circular]"; an own `__proto__` key stays a key.
 * Returns `undefined` for a value JSON would leave out. Each value rewritten is counted in `counter`
 * (`undefined` is not: JSON leaves it out too).
 */
export function toJsonValue(value: unknown, ancestors: object[] = [], counter: RepairCounter = { count: 0 }): unknown {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") {
    if (Number.isFinite(value)) return value;
    counter.count++;
    return null;
  }
  if (value === undefined) return undefined;
  if (typeof value !== "object") {
    counter.count++;
    return typeof value === "bigint" ? value.toString() : undefined;
  }
  if (ancestors.includes(value)) {
    counter.count++;
    return "[Circular]";
  }
  if (value instanceof Error) {
    counter.count++;
    return stringifyValue(value);
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") {
    counter.count++;
    try {
      return toJsonValue((value as { toJSON: () => unknown }).toJSON(), [...ancestors, value]);
    } catch {
      return stringifyValue(value);
    }
  }
  const isArray = Array.isArray(value);
  if (!isArray && !isPlainObject(value)) counter.count++;
  const inside = [...ancestors, value];
  if (isArray || value instanceof Set) return Array.from(value, (item: unknown) => toJsonValue(item, inside, counter) ?? null);
  const entries = value instanceof Map ? Array.from(value, ([key, item]) => [String(key), item] as const) : Object.entries(value);
  const result: Record<string, unknown> = {};
  for (const [key, item] of entries) {
    const converted = toJsonValue(item, inside, counter);
    if (converted !== undefined) setOwn(result, key, converted);
  }
  return result;
}

/** Sets `object[key]` as an own data property, also when `key` is `__proto__` (an assignment would set the prototype). */
export function setOwn(object: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}
