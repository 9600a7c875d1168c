import type { RepairCounter } from "./repairCounter.js";

/**
 * A whole number in [0, max] from any value: as it is when it is one; `undefined` as `absent`
 * uncounted (a field that may be left out); a finite number rounded and clamped, anything else 0, counted.
 */
export function repairWholeNumber(value: unknown, max: number, absent: number, counter: RepairCounter): number {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0 && value <= max) return value;
  if (value === undefined) return absent;
  counter.count++;
  return typeof value === "number" && Number.isFinite(value) ? Math.min(max, Math.max(0, Math.round(value))) : 0;
}
