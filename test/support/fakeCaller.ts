import type { CallerIdentity } from "@agent-traces/tracer";

/** A signed-in user that a test switches, told as Auth's token listener tells it (`undefined`: Auth not restored yet). */
export class FakeCaller implements CallerIdentity {
  private uid: string | null | undefined;
  private readonly listeners = new Set<(uid: string | null) => void>();
  constructor(uid?: string | null) {
    this.uid = uid;
  }
  current(): string | null | undefined {
    return this.uid;
  }
  watch(listener: (uid: string | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  signIn(uid: string | null): void {
    this.uid = uid;
    for (const listener of this.listeners) listener(uid);
  }
}
