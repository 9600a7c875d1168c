/** Something queued for sending: whether it is a failed run (an `error` or `timeout`), and its place in line. */
export interface Queued {
  failure: boolean;
  seq: number;
}

/**
 * The finished runs waiting to be sent, at most `capacity`. Failures go out first and are the last
 * thing dropped: when the queue is full a new success is refused, and a new failure takes the place
 * of the latest queued success (refused only when every queued run is a failure).
 */
export class TraceQueue<T extends Queued> {
  private failures: T[] = [];
  private successes: T[] = [];

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.failures.length + this.successes.length;
  }

  /** The `seq` of the run that has waited longest, or Infinity when the queue is empty. */
  get oldestSeq(): number {
    return Math.min(this.failures[0]?.seq ?? Infinity, this.successes[0]?.seq ?? Infinity);
  }

  /** Queues `item` in O(1); returns what had to be dropped for it (the item itself, a success, or nothing). */
  push(item: T): T | undefined {
    if (this.size < this.capacity) {
      (item.failure ? this.failures : this.successes).push(item);
      return undefined;
    }
    if (!item.failure || this.successes.length === 0) return item;
    this.failures.push(item);
    return this.successes.pop();
  }

  /** Removes the items `drop` picks, in O(size), and returns them. */
  remove(drop: (item: T) => boolean): T[] {
    const removed: T[] = [];
    const keep = (item: T) => !drop(item) || void removed.push(item);
    this.failures = this.failures.filter(keep);
    this.successes = this.successes.filter(keep);
    return removed;
  }

  /**
   * Takes up to `count` items, failures first, each kind in the order it was queued; with `size`, only
   * those whose sizes add up to `size.max` at most, stopping at the first that does not fit (the first
   * item is always taken: alone, it is as small as it gets).
   */
  take(count: number, size?: { of: (item: T) => number; max: number }): T[] {
    if (!size) {
      const failures = this.failures.splice(0, count);
      return failures.length === count ? failures : [...failures, ...this.successes.splice(0, count - failures.length)];
    }
    const taken: T[] = [];
    let total = 0;
    for (const kind of [this.failures, this.successes]) {
      let fitting = 0;
      while (fitting < kind.length && taken.length < count) {
        const itemSize = size.of(kind[fitting]!);
        if (taken.length > 0 && total + itemSize > size.max) break;
        total += itemSize;
        taken.push(kind[fitting++]!);
      }
      const stopped = fitting < kind.length;
      kind.splice(0, fitting);
      if (stopped) break;
    }
    return taken;
  }
}
