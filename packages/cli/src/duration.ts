/**
 * Instants given on the command line: a span back from now (`45s`, `30m`, `1h`, `2d`, `1w`) or an
 * ISO-8601 date or date-time. A date-time without a zone, and a bare date, are local time, as the
 * CLI prints local times.
 */
import { DAY_MS, FIRST_FIRESTORE_INSTANT, HOUR_MS, LAST_FIRESTORE_INSTANT } from "@agent-traces/core";

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: HOUR_MS, d: DAY_MS, w: 7 * DAY_MS };
const RELATIVE = /^(\d{1,9})([smhdw])$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** The instant `text` names, relative to `now`; a RangeError says why when it names none. */
export function parseInstant(text: string, now: Date): Date {
  const relative = RELATIVE.exec(text);
  const instant = relative ? new Date(now.getTime() - Number(relative[1]) * UNIT_MS[relative[2]!]!) : parseIso(text);
  if (!instant) throw new RangeError(`${JSON.stringify(text)} is not a time: use 30m, 1h, 2d, 1w or an ISO date-time such as 2025-03-01T12:00:00Z`);
  if (!(instant.getTime() >= FIRST_FIRESTORE_INSTANT && instant.getTime() <= LAST_FIRESTORE_INSTANT)) throw new RangeError(`${JSON.stringify(text)} is outside the years 0001 to 9999`);
  return instant;
}

function parseIso(text: string): Date | undefined {
  const match = ISO.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour = "0", minute = "0", second = "0", fraction = "", zone] = match;
  const fields = [Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second), Number(fraction.slice(0, 3).padEnd(3, "0"))] as const;
  if (fields[3] > 23 || fields[4] > 59 || fields[5] > 59) return undefined;
  const date = new Date(0);
  if (zone) {
    date.setUTCFullYear(fields[0], fields[1], fields[2]);
    date.setUTCHours(fields[3], fields[4], fields[5], fields[6]);
    if (date.getUTCFullYear() !== fields[0] || date.getUTCMonth() !== fields[1] || date.getUTCDate() !== fields[2]) return undefined;
    return new Date(date.getTime() - zoneOffsetMinutes(zone) * 60_000);
  }
  date.setFullYear(fields[0], fields[1], fields[2]);
  date.setHours(fields[3], fields[4], fields[5], fields[6]);
  // new Date() rolls 2025-02-30 over into March: a date that does not exist is refused instead.
  if (date.getFullYear() !== fields[0] || date.getMonth() !== fields[1] || date.getDate() !== fields[2]) return undefined;
  return date;
}

function zoneOffsetMinutes(zone: string): number {
  if (zone.toUpperCase() === "Z") return 0;
  const digits = zone.slice(1).replace(":", "");
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
  return zone.startsWith("-") ? -minutes : minutes;
}
