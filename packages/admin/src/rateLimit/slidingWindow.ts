/** Traces are counted in 10 s slots, each in the slot its call arrived in; a window is a slot and the 6 before it. */
const SLOT_MS = 10_000;
const WINDOW_SLOTS = 7;
/**
 * Slots kept: the newest and the 12 before it, so that a call that arrived up to 6 slots before the
 * newest (its commit lost races meanwhile) is still counted in its own slot against every window
 * that holds that slot.
 */
const KEPT_SLOTS = 2 * WINDOW_SLOTS - 1;
/** The shortest wait a refused caller is told. */
const MIN_RETRY_AFTER_MS = 1_000;

/**
 * What is stored per caller: traces stored per 10 s slot of arrival, oldest first, the last being
 * slot `slot` (ms since the epoch / 10,000), the newest any call has counted in. Counters written
 * before the history was kept hold 7 slots; they read as 13 with 6 empty ones in front.
 */
export interface SlotCounts {
  slot: number;
  counts: number[];
}

export interface Grant {
  /** How many of the traces asked for may be stored now (0 to `wanted`). */
  granted: number;
  /** The counts with the granted traces added, to store. `slot` never moves back. */
  next: SlotCounts;
  /** When the caller may send a refused trace again; 0 when all were granted. */
  retryAfterMs: number;
}

/**
 * Grants up to `wanted` traces that arrived at `nowMs` so that no 7 consecutive slots (every 60 s of
 * arrival falls within 7) ever hold more than `limit`, whatever order the grants are applied in: the
 * traces are counted in their arrival slot, checked against each window that holds it, and the
 * stored slot only moves forward. A call that arrived more than 6 slots before the newest counted is
 * refused (retry in a second). A caller that reached the limit waits until its oldest slots have
 * slid out (up to 70 s). Pure: the caller stores `next` atomically with the granted traces.
 */
export function grantTraces(stored: SlotCounts | undefined, nowMs: number, wanted: number, limit: number): Grant {
  const slot = Math.floor(nowMs / SLOT_MS);
  const newest = Math.max(slot, stored?.slot ?? slot);
  const counts = slide(stored, newest);
  const index = KEPT_SLOTS - 1 - (newest - slot);
  const next = { slot: newest, counts };
  if (index < WINDOW_SLOTS - 1) return { granted: 0, next, retryAfterMs: MIN_RETRY_AFTER_MS };
  let room = limit;
  for (let end = index; end < Math.min(index + WINDOW_SLOTS, KEPT_SLOTS); end++) room = Math.min(room, limit - windowSum(counts, end));
  const granted = Math.max(0, Math.min(wanted, room));
  counts[index]! += granted;
  return { granted, next, retryAfterMs: granted === wanted ? 0 : retryAfter(next, nowMs, limit) };
}

/** Traces in the window ending at `end` (an index into the kept counts). */
function windowSum(counts: readonly number[], end: number): number {
  let sum = 0;
  for (let index = end - WINDOW_SLOTS + 1; index <= end; index++) sum += counts[index]!;
  return sum;
}

/** The stored counts moved forward to `newest` (never before the stored slot): slots past the kept history dropped, new ones empty. */
function slide(stored: SlotCounts | undefined, newest: number): number[] {
  const empty = (length: number) => new Array<number>(length).fill(0);
  if (!stored || !Array.isArray(stored.counts)) return empty(KEPT_SLOTS);
  const kept = [...empty(Math.max(0, KEPT_SLOTS - stored.counts.length)), ...stored.counts.slice(-KEPT_SLOTS)].map((count) => (Number.isFinite(count) ? count : 0));
  const shift = newest - stored.slot;
  if (shift >= KEPT_SLOTS) return empty(KEPT_SLOTS);
  return [...kept.slice(shift), ...empty(shift)];
}

/** How long until one more trace fits: until enough of the newest window's oldest slots have slid out. */
function retryAfter({ slot, counts }: SlotCounts, nowMs: number, limit: number): number {
  const window = counts.slice(-WINDOW_SLOTS);
  let used = window.reduce((sum, count) => sum + count, 0);
  let index = 0;
  while (used > limit - 1 && index < WINDOW_SLOTS) used -= window[index++]!;
  // Slot `index - 1` of the window (counting from its oldest, slot - 6) leaves it when slot `slot + index` starts.
  return Math.max(MIN_RETRY_AFTER_MS, (slot + index) * SLOT_MS - nowMs);
}
