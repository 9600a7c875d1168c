import { checkKey } from "../firestoreKeys.js";
import { LIMITS } from "../limits.js";
import { isPlainObject } from "../plainObject.js";
import { redactValue } from "../redact.js";
import type { JsonObject } from "../schema.js";
import { setOwn, toJsonValue } from "./jsonValue.js";
import type { RepairCounter } from "./repairCounter.js";
import { storableKey } from "./storableKey.js";

/**
 * A metadata map Firestore can store, from any value: what is not JSON converted as toJsonValue does,
 * an array inside an array and a map or array nested deeper than LIMITS.metadataDepth replaced by its
 * JSON text (values under secret-named keys redacted first, since the text no longer has keys to
 * judge by), bad keys renamed (storableKey). A value that is not a map is kept under `value`.
 * Each rewrite is counted. Returns `value` itself when nothing needs rewriting.
 */
export function storableMetadata(value: unknown, counter: RepairCounter): JsonObject {
  if (isPlainObject(value)) return storable(value, 1, false, [], counter) as JsonObject;
  if (value === undefined || value === null) return {};
  const converted = toJsonValue(value, [], counter);
  if (isPlainObject(converted)) return storable(converted, 1, false, [], counter) as JsonObject;
  counter.count++;
  return converted === undefined ? {} : (storable({ value: converted }, 1, false, [], counter) as JsonObject);
}

/** `value` as Firestore can store it at `depth` (the metadata map is depth 1), or `undefined` to leave it out. */
function storable(value: unknown, depth: number, insideArray: boolean, ancestors: object[], counter: RepairCounter): unknown {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value !== "object" || (!Array.isArray(value) && !isPlainObject(value))) {
    const converted = toJsonValue(value, ancestors, counter);
    return typeof converted === "object" && converted !== null ? storable(converted, depth, insideArray, ancestors, counter) : converted;
  }
  if (ancestors.includes(value)) {
    counter.count++;
    return "[Circular]";
  }
  if (depth > LIMITS.metadataDepth || (insideArray && Array.isArray(value))) {
    counter.count++;
    return JSON.stringify(redactValue(toJsonValue(value, ancestors)));
  }
  ancestors.push(value);
  try {
    return Array.isArray(value) ? storableArray(value, depth, ancestors, counter) : storableObject(value, depth, ancestors, counter);
  } finally {
    ancestors.pop();
  }
}

function storableArray(value: unknown[], depth: number, ancestors: object[], counter: RepairCounter): unknown[] {
  let result: unknown[] | undefined;
  for (let index = 0; index < value.length; index++) {
    const item = value[index];
    const stored = storable(item, depth + 1, true, ancestors, counter) ?? null;
    if (!result && stored !== item) result = value.slice(0, index);
    result?.push(stored);
  }
  return result ?? value;
}

function storableObject(value: Record<string, unknown>, depth: number, ancestors: object[], counter: RepairCounter): Record<string, unknown> {
  const entries = Object.entries(value);
  let result: Record<string, unknown> | undefined;
  let taken: Set<string> | undefined;
  for (let index = 0; index < entries.length; index++) {
    const [key, item] = entries[index]!;
    let name = key;
    if (checkKey(key)) {
      counter.count++;
      taken ??= new Set(entries.map(([each]) => each));
      name = storableKey(key, taken);
    }
    const stored = storable(item, depth + 1, false, ancestors, counter);
    if (!result && (stored !== item || name !== key || stored === undefined)) {
      result = {};
      for (const [kept, keptItem] of entries.slice(0, index)) setOwn(result, kept, keptItem);
    }
    if (result && stored !== undefined) setOwn(result, name, stored);
  }
  return result ?? value;
}
