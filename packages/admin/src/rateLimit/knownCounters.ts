import type { Timestamp } from "firebase-admin/firestore";
import type { SlotCounts } from "./slidingWindow.js";

/** A caller's counter as last read or written by this process: its counts and update time, or that it did not exist. */
export type KnownCounter = { exists: true; counts: SlotCounts; updateTime: Timestamp } | { exists: false };

/**
 * The counters this process last read or wrote, so that a call can commit on the condition that the
 * counter is still as known, without reading it first; a stale entry only costs a failed commit and a
 * read. Holds at most `capacity` callers, forgetting the least recently used.
 */
export class KnownCounters {
  private readonly counters = new Map<string, KnownCounter>();

  constructor(private readonly capacity = 10_000) {}

  get(uid: string): KnownCounter | undefined {
    const counter = this.counters.get(uid);
    if (counter) {
      this.counters.delete(uid);
      this.counters.set(uid, counter);
    }
    return counter;
  }

  set(uid: string, counter: KnownCounter): void {
    this.counters.delete(uid);
    this.counters.set(uid, counter);
    if (this.counters.size > this.capacity) this.counters.delete(this.counters.keys().next().value!);
  }

  forget(uid: string): void {
    this.counters.delete(uid);
  }
}
