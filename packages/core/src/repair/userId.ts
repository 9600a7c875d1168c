import { LIMITS } from "../limits.js";
import { stringifyValue } from "../stringify.js";
import type { RepairCounter } from "./repairCounter.js";
import { sha256Hex } from "./sha256.js";

/** Characters of a too-long user id kept in front of its digest, so that a reader still recognises it. */
const KEPT_PREFIX_CHARS = 48;

/**
 * A user id the wire schema takes, from any value: a string of 1-128 characters or a safe integer
 * as it is; `undefined`, `null`, `""` and a non-finite number as `null` (no user: the server stores
 * the caller's uid); any other number as its text; other values as their text (stringifyValue).
 * Text longer than LIMITS.userIdChars becomes `<first 48 chars>…sha256:<64 hex digits of all of it>`:
 * stable (the same id always gives the same form, so one user's runs stay together), and two ids
 * that differ anywhere differ after it (SHA-256 is collision resistant), so no user's runs are
 * shown as another's. Each rewrite is counted.
 */
export function repairUserId(value: unknown, counter: RepairCounter): string | number | null {
  if (value === undefined || value === null) return null;
  if (typeof value === "string" && value.length > 0 && value.length <= LIMITS.userIdChars) return value;
  if (typeof value === "number" && Number.isSafeInteger(value)) return value;
  counter.count++;
  if (typeof value === "number" && !Number.isFinite(value)) return null;
  const text = typeof value === "string" ? value : stringifyValue(value);
  if (text.length === 0) return null;
  if (text.length <= LIMITS.userIdChars) return text;
  return `${keptPrefix(text)}…sha256:${sha256Hex(text)}`;
}

/** The first KEPT_PREFIX_CHARS characters, not ending in half a surrogate pair. */
function keptPrefix(text: string): string {
  const last = text.charCodeAt(KEPT_PREFIX_CHARS - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? KEPT_PREFIX_CHARS - 1 : KEPT_PREFIX_CHARS);
}
