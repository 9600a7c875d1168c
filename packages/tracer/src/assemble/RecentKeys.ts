/** The last `capacity` keys added, oldest forgotten first: a bounded memory of keys seen. */
export class RecentKeys<K> {
  private readonly keys = new Set<K>();

  constructor(readonly capacity: number) {}

  has(key: K): boolean {
    return this.keys.has(key);
  }

  /** Remembers `key` (as the newest), forgetting the oldest beyond `capacity`. */
  add(key: K): void {
    this.keys.delete(key);
    this.keys.add(key);
    if (this.keys.size > this.capacity) this.keys.delete(this.keys.values().next().value as K);
  }

  get size(): number {
    return this.keys.size;
  }

  clear(): void {
    this.keys.clear();
  }
}
