import type { HoldOptions } from "./holdOptions.js";
import type { QueuedRun } from "./QueuedRun.js";

/**
 * Successes a sampler left out (the tracer's, or the server's answering `sampled_out`), held in memory
 * so that negative feedback on one can still send it ("keep on complaint"). Bounded by count (the
 * oldest goes first) and age; holding is a reference and O(1) bookkeeping, amortized. A run belongs to
 * the user it was recorded as: when another user (or none) signs in, that user's runs are dropped, as
 * queued ones are. Nothing is persisted: a reloaded page or a restarted process holds nothing.
 */
export class HeldRuns {
  /** By the id the run was first recorded under (the one the app knows), oldest first. */
  private readonly runs = new Map<string, { run: QueuedRun; until: number }>();

  constructor(
    private readonly limits: HoldOptions,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Runs held now. */
  get size(): number {
    this.expire();
    return this.runs.size;
  }

  /** Holds `run` (again: as the newest), evicting the oldest beyond `maxRuns`. */
  hold(run: QueuedRun): void {
    this.runs.delete(run.firstTraceId);
    this.runs.set(run.firstTraceId, { run, until: this.now() + this.limits.maxAgeMs });
    if (this.runs.size > this.limits.maxRuns) this.runs.delete(this.runs.keys().next().value!);
    this.expire();
  }

  /** The run held under `traceId` (lowercase), unless it expired. */
  get(traceId: string): QueuedRun | undefined {
    this.expire();
    return this.runs.get(traceId)?.run;
  }

  /** Stops holding `run` (it was delivered). */
  release(run: QueuedRun): void {
    if (this.runs.get(run.firstTraceId)?.run === run) this.runs.delete(run.firstTraceId);
  }

  /**
   * The caller is now `owner`: runs of no known user become theirs (as queued runs do), another
   * user's are dropped.
   */
  onOwner(owner: string | null): void {
    for (const [traceId, { run }] of this.runs) {
      if (run.owner === undefined || (run.owner === null && owner !== null)) run.owner = owner;
      else if (run.owner !== owner) this.runs.delete(traceId);
    }
  }

  clear(): void {
    this.runs.clear();
  }

  /** Drops the expired runs: the oldest first, so it stops at the first one still held. */
  private expire(): void {
    const now = this.now();
    for (const [traceId, { until }] of this.runs) {
      if (until > now) return;
      this.runs.delete(traceId);
    }
  }
}
