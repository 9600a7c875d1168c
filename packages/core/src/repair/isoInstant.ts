import { FIRST_FIRESTORE_INSTANT, LAST_FIRESTORE_INSTANT } from "../time.js";
import type { RepairCounter } from "./repairCounter.js";

/**
 * An ISO-8601 date-time with seconds and a zone (`Z` or `±hh:mm`), on a real calendar day: the same
 * pattern as the wire schema's `z.iso.datetime({ offset: true })` (test/unit/repair.test.ts checks).
 */
export const ISO_DATE_TIME =
  /^(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|(?:02)-(?:0[1-9]|1\d|2[0-8])))T(?:(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|([+-](?:[01]\d|2[0-3]):[0-5]\d)))$/;

/** Whether `value` is an instant as the wire schema takes it: ISO_DATE_TIME, within the years 0001-9999. */
export function isIsoInstant(value: unknown): value is string {
  if (typeof value !== "string" || !ISO_DATE_TIME.test(value)) return false;
  const instant = Date.parse(value);
  return instant >= FIRST_FIRESTORE_INSTANT && instant <= LAST_FIRESTORE_INSTANT;
}

/**
 * `value` as a wire instant: as it is when it is one; a Date, a number of epoch milliseconds or text
 * `Date.parse` reads, in range, as its ISO form; anything else `fallback`. A rewrite is counted.
 */
export function repairInstant(value: unknown, fallback: string, counter: RepairCounter): string {
  if (isIsoInstant(value)) return value;
  counter.count++;
  const instant = value instanceof Date ? value.getTime() : typeof value === "number" ? value : typeof value === "string" ? Date.parse(value) : Number.NaN;
  return instant >= FIRST_FIRESTORE_INSTANT && instant <= LAST_FIRESTORE_INSTANT ? new Date(instant).toISOString() : fallback;
}
