import { checkKey } from "../firestoreKeys.js";
import { parseJsonText } from "../parseJsonText.js";
import { isPlainObject } from "../plainObject.js";
import { setOwn, toJsonValue } from "./jsonValue.js";
import type { RepairCounter } from "./repairCounter.js";
import { storableKey } from "./storableKey.js";

/**
 * A tool's arguments as a tool call's input: an object as is, a JSON object's text parsed (what
 * frameworks put in their spans), anything else under `arguments`; nothing at all as `{}`.
 */
export function toolInputFrom(args: unknown): Record<string, unknown> {
  const value = typeof args === "string" ? parseJsonText(args) : args;
  if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  return value === undefined || value === "" ? {} : { arguments: value };
}

/**
 * A tool call's input the wire schema takes: a plain object with keys Firestore can store (its values
 * are stringified when sanitized). `undefined` is `{}`; a Map or class instance becomes its JSON form,
 * another value goes through toolInputFrom; bad keys are renamed (storableKey). Each rewrite is
 * counted. Returns `input` itself when nothing needs rewriting.
 */
export function repairToolInput(input: unknown, counter: RepairCounter): Record<string, unknown> {
  if (input === undefined) return {};
  let object: Record<string, unknown>;
  if (isPlainObject(input)) object = input;
  else {
    counter.count++;
    const converted = typeof input === "object" && input !== null && !Array.isArray(input) ? toJsonValue(input) : input;
    object = isPlainObject(converted) ? converted : toolInputFrom(converted);
  }
  const keys = Object.keys(object);
  if (!keys.some((key) => checkKey(key) !== undefined)) return object;
  const taken = new Set(keys);
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) {
    if (checkKey(key)) counter.count++;
    setOwn(result, checkKey(key) ? storableKey(key, taken) : key, value);
  }
  return result;
}
