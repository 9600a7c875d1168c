import { HOUR_MS } from "@agent-traces/core";

/** A half-open window [start, end) of `committed_at`, the instant a trace's write was committed. */
export interface ReportWindow {
  start: Date;
  end: Date;
}

/** The `hours` full hours that ended at or before `now`: at 10:05 with 1 hour, [09:00, 10:00). */
export function previousFullHours(now: Date, hours: number): ReportWindow {
  if (!Number.isInteger(hours) || hours < 1) throw new RangeError(`hours must be a whole number >= 1, got ${hours}`);
  const end = new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS);
  return { start: new Date(end.getTime() - hours * HOUR_MS), end };
}

/** The `hours` hours from `start`: [start, start + hours). */
export function windowStartingAt(start: Date, hours: number): ReportWindow {
  if (!Number.isInteger(hours) || hours < 1) throw new RangeError(`hours must be a whole number >= 1, got ${hours}`);
  return { start, end: new Date(start.getTime() + hours * HOUR_MS) };
}

/** The window of the same length just before this one, for the comparison. */
export function precedingWindow({ start, end }: ReportWindow): ReportWindow {
  return { start: new Date(2 * start.getTime() - end.getTime()), end: start };
}
