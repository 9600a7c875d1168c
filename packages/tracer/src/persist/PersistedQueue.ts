import { isRetryableError, type TraceSendError } from "../errors.js";
import type { BatchTraceProcessor } from "../export/BatchTraceProcessor.js";
import type { ProcessorObserver } from "../export/ProcessorObserver.js";
import { serializedRun, type QueuedRun, type RunCallbacks } from "../export/QueuedRun.js";
import { PERSIST_LIMITS } from "./localStorageTraceStore.js";
import type { TraceStore } from "./TraceStore.js";

/**
 * The browser's persisted queue, an observer of the processor: keeps the current user's unanswered
 * runs in a TraceStore (failures first), and the runs whose retries ran out while the page stayed
 * open, so that a later page sends them. A save reads and serializes only the runs it writes (at most
 * PERSIST_LIMITS). Once the user is known (and whenever another one signs in or out) it adopts that
 * user's runs left by closed pages, and, when `identified` (the exporter has a caller identity),
 * removes every other user's, reported through `callbacks` as dropped (`signed_out`).
 */
export class PersistedQueue implements ProcessorObserver {
  /** The unanswered runs, each kind in the order queued. */
  private readonly failures = new Set<QueuedRun>();
  private readonly successes = new Set<QueuedRun>();
  /** Runs reported after their retries ran out: saved for a later page, the latest PERSIST_LIMITS.traces. */
  private readonly kept = new Set<QueuedRun>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor(
    private readonly store: TraceStore,
    private readonly processor: BatchTraceProcessor,
    private readonly callbacks: RunCallbacks,
    private readonly identified: boolean,
  ) {}

  onQueued(run: QueuedRun): void {
    (run.failure ? this.failures : this.successes).add(run);
    this.saveSoon();
  }

  onSettled(run: QueuedRun, error?: TraceSendError): void {
    (run.failure ? this.failures : this.successes).delete(run);
    if (error && isRetryableError(error.cause) && (run.owner ?? null) === (this.processor.currentOwner ?? null)) {
      this.kept.add(run);
      if (this.kept.size > PERSIST_LIMITS.traces) this.kept.delete(this.kept.values().next().value!);
    }
    this.saveSoon();
  }

  onRekeyed(): void {
    this.saveSoon();
  }

  onOwner(owner: string | null): void {
    // Another user's runs are never kept for them here: they are gone from memory and from storage.
    for (const run of this.kept) if ((run.owner ?? null) !== owner) this.kept.delete(run);
    if (!this.closed) {
      const { adopted, removed } = this.store.adopt(owner, this.identified);
      this.processor.discard(removed, "signed_out", this.callbacks);
      this.processor.resume(adopted, this.callbacks);
    }
    this.saveNow();
  }

  onPageExit(): void {
    this.saveNow();
  }

  onShutdown(): void {
    this.saveNow();
    this.closed = true;
    this.store.close();
  }

  private saveSoon(): void {
    if (this.timer === undefined && !this.closed) this.timer = setTimeout(() => this.saveNow(), 0);
  }

  /** Saves the current user's runs: unanswered failures, kept failures, unanswered successes, kept successes. */
  saveNow(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.closed) return;
    const owner = this.processor.currentOwner ?? null;
    const { failures, successes, kept } = this;
    function* texts(): Generator<string> {
      for (const [runs, failure] of [[failures, true], [kept, true], [successes, false], [kept, false]] as const) {
        for (const run of runs) {
          if (run.failure !== failure || (run.owner ?? null) !== owner) continue;
          const text = serializedRun(run);
          if (text !== undefined) yield text;
        }
      }
    }
    try {
      this.store.save(owner, texts());
    } catch (error) {
      console.warn("[agent-traces] could not persist the unsent runs:", error);
    }
  }
}
