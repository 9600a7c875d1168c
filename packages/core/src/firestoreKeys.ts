import { isPlainObject } from "./plainObject.js";

const RESERVED_KEY = /^__.*__$/;

/** Why Firestore cannot store `key` as a map key (empty, or reserved `__name__` form), or `undefined` when it can. */
export function checkKey(key: string): string | undefined {
  if (key.length === 0) return "is an empty key, which Firestore cannot store";
  if (RESERVED_KEY.test(key)) return "is a reserved key (__name__ form), which Firestore cannot store";
  return undefined;
}

/**
 * Whether a tool call's input passes the wire schema's tool input check as it is (a plain object with
 * storable keys), by the schema's own rule: lets the tracer skip a full parse of the calls it builds.
 * Kept apart from the schema so that code importing it does not load the schema library.
 */
export function isToolInput(value: unknown): value is Record<string, unknown> {
  if (!isPlainObject(value)) return false;
  for (const key of Object.keys(value)) if (checkKey(key)) return false;
  return true;
}
