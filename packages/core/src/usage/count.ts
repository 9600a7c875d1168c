/** A provider's token count as a number to add: a finite number > 0, else 0 (absent, null, negative, not a number). */
export function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : 0;
}

/** A provider's count as it may be typed: absent, `null`, or a number. */
export type Count = number | null | undefined;
