/** The window is counted in slots of 10 s: the current slot and the 6 before it. */
const SLOT_MS = 10_000;
const SLOTS = 7;
/** The shortest wait a refused caller is told. */
const MIN_RETRY_AFTER_MS = 1_000;

/** What is stored per caller: traces stored per 10 s slot, oldest first, the last being slot `slot` (ms since the epoch / 10,000). */
export interface SlotCounts {
  slot: number;
  counts: number[];
}

export interface Grant {
  /** How many of the traces asked for may be stored now (0 to `wanted`). */
  granted: number;
  /** The counts with the granted traces added, to store. */
  next: SlotCounts;
  /** When the caller may send a refused trace again; 0 when all were granted. */
  retryAfterMs: number;
}

/**
 * Grants up to `wanted` traces so that the caller's stored traces in the current 10 s slot and the 6
 * before it stay within `limit`. That window covers every 60 s span ending now, so no 60 s ever holds
 * more than `limit` traces; a caller that reached it waits until its oldest slots have slid out (up
 * to 70 s). Pure: the caller stores `next` atomically.
 */
export function grantTraces(stored: SlotCounts | undefined, nowMs: number, wanted: number, limit: number): Grant {
  const slot = Math.floor(nowMs / SLOT_MS);
  const counts = slide(stored, slot);
  const used = counts.reduce((sum, count) => sum + count, 0);
  const granted = Math.max(0, Math.min(wanted, limit - used));
  counts[SLOTS - 1]! += granted;
  const next = { slot, counts };
  return { granted, next, retryAfterMs: granted === wanted ? 0 : retryAfter(next, nowMs, limit) };
}

/** The stored counts moved to `slot`: slots that slid out of the window dropped, new ones empty. */
function slide(stored: SlotCounts | undefined, slot: number): number[] {
  const shift = stored ? slot - stored.slot : SLOTS;
  if (!stored || shift >= SLOTS || shift < 0 || stored.counts.length !== SLOTS) return new Array<number>(SLOTS).fill(0);
  return [...stored.counts.slice(shift), ...new Array<number>(shift).fill(0)];
}

/** How long until one more trace fits: until enough of the oldest slots have slid out of the window. */
function retryAfter({ slot, counts }: SlotCounts, nowMs: number, limit: number): number {
  let used = counts.reduce((sum, count) => sum + count, 0);
  let index = 0;
  while (used > limit - 1 && index < SLOTS) used -= counts[index++]!;
  // Slot `index - 1` (counting from the oldest, slot - 6) leaves the window when slot `slot + index` starts.
  return Math.max(MIN_RETRY_AFTER_MS, (slot + index) * SLOT_MS - nowMs);
}
