import { stringifyValue } from "@agent-traces/core";

/**
 * Converts a value to what it would be after a JSON round trip, so metadata can be sent and stored:
 * Dates (anything with `toJSON`) become their JSON form, `undefined`, functions and symbols are
 * dropped from objects and become `null` in arrays, non-finite numbers become `null`.
 * Where JSON would throw or lose everything it keeps something readable instead: BigInts and Errors
 * become strings, Maps objects, Sets arrays, cycles "[Circular]".
 * Returns `undefined` for a value JSON would leave out.
 */
export function toJsonValue(value: unknown, ancestors: object[] = []): unknown {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "bigint") return value.toString();
  if (typeof value !== "object") return undefined;
  if (ancestors.includes(value)) return "[Circular]";
  if (value instanceof Error) return stringifyValue(value);
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") {
    try {
      return toJsonValue((value as { toJSON: () => unknown }).toJSON(), [...ancestors, value]);
    } catch {
      return stringifyValue(value);
    }
  }
  const inside = [...ancestors, value];
  if (Array.isArray(value) || value instanceof Set) {
    return Array.from(value, (item: unknown) => toJsonValue(item, inside) ?? null);
  }
  const entries = value instanceof Map ? Array.from(value, ([key, item]) => [String(key), item] as const) : Object.entries(value);
  const result: Record<string, unknown> = {};
  for (const [key, item] of entries) {
    const converted = toJsonValue(item, inside);
    if (converted !== undefined) result[key] = converted;
  }
  return result;
}
