import { decideRecording, MAX_CALL_TRACE_BYTES, type RecordingPolicy, type RecordingReason, type RecordTraceResult, type SanitizedTrace, type TraceInput } from "@agent-traces/core";
import { TraceDroppedError, TraceSendError, type TraceDropReason } from "../errors.js";
import type { CallerIdentity } from "../exporter/CallerIdentity.js";
import { MAX_TIMER_MS, type BatchOptions } from "./batchOptions.js";
import type { HeldRuns } from "./HeldRuns.js";
import type { ProcessorObserver } from "./ProcessorObserver.js";
import { queuedRun, runCallBytes, type QueuedRun, type RunCallbacks } from "./QueuedRun.js";
import type { RetryingExport } from "./RetryingExport.js";
import { TraceQueue } from "./TraceQueue.js";
import type { TracerStats } from "./TracerStats.js";

export { DEFAULT_BATCH_OPTIONS, type BatchOptions } from "./batchOptions.js";
export type { RunCallbacks } from "./QueuedRun.js";
export type { TracerStats } from "./TracerStats.js";

/** The recording policy (the sampler, and the keep rules checked before it, priced with `prices`) and how runs are sent. */
export interface BatchTraceProcessorOptions extends RecordingPolicy {
  /** The export step: calls, timeouts, retries, answers. */
  exporter: RetryingExport;
  batch: BatchOptions;
  /** Who the calls go as, when a user signs in and out: a run is sent only as the user it was recorded as. */
  caller?: CallerIdentity | undefined;
  /** Told when the processor starts holding runs (`true`) and when it holds none any more. */
  onBusy?: ((busy: boolean) => void) | undefined;
  /** Where the successes a sampler leaves out are held for negative feedback; none held without it. */
  held?: HeldRuns | undefined;
}

/**
 * Sends finished runs in batches, like OpenTelemetry's BatchSpanProcessor: a bounded queue, a batch
 * sent when it is full or `scheduledDelayMs` after its first run, at most `maxConcurrentExports`
 * calls at once through the retrying export. Failures are sent first and dropped last. A run is sent
 * only while the user it was recorded as is the caller; when another user (or none) signs in, the
 * previous user's runs are dropped. Nothing here throws into the agent; every run ends in exactly one
 * onSent or onError.
 */
export class BatchTraceProcessor {
  private readonly queue: TraceQueue<QueuedRun>;
  private readonly active = new Set<Promise<void>>();
  /** Every run queued or being sent, in the order it was queued. */
  private readonly unsettled = new Set<QueuedRun>();
  /** flush() calls waiting for every run up to `upTo` to settle; a flush that times out leaves. */
  private readonly flushes = new Set<{ upTo: number; resolve: () => void }>();
  private readonly observers: ProcessorObserver[] = [];
  /** The id each of the last REKEYED_IDS_KEPT runs stored under a new id (after a `conflict`) got, by its first id: what a rating of it is sent for. */
  private readonly storedUnder = new Map<string, string>();
  /** What whenSettled() calls wait for: resolved when the run settles. */
  private readonly settleWaiters = new Map<QueuedRun, Set<() => void>>();
  private seq = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The queued runs have waited `scheduledDelayMs`: send them without waiting for a full batch. */
  private due = false;
  private closed = false;
  /** The caller's uid now (`undefined`: not known yet). */
  private owner: string | null | undefined;
  private readonly stopWatchingCaller: () => void;
  private readonly counts = { queued: 0, sampledOut: 0, keptByRule: 0, droppedFailures: 0, droppedSuccesses: 0, exportCalls: 0, answered: 0, stored: 0, failed: 0 };

  constructor(private readonly options: BatchTraceProcessorOptions) {
    this.queue = new TraceQueue<QueuedRun>(options.batch.maxQueueSize);
    this.owner = options.caller ? options.caller.current() : null;
    this.stopWatchingCaller = options.caller?.watch((uid) => this.onCaller(uid)) ?? (() => undefined);
  }

  get stats(): TracerStats {
    const { droppedFailures, droppedSuccesses, ...counts } = this.counts;
    return { ...counts, dropped: { failures: droppedFailures, successes: droppedSuccesses }, waiting: this.queue.size, held: this.options.held?.size ?? 0 };
  }

  /** The uid runs are sent as now: `null` for no user (or no caller identity), `undefined` until known. */
  get currentOwner(): string | null | undefined {
    return this.owner;
  }

  /** Adds an observer (see ProcessorObserver); one known owner is told at once. */
  observe(observer: ProcessorObserver): void {
    this.observers.push(observer);
    if (this.owner !== undefined) observer.onOwner(this.owner);
  }

  /**
   * Takes a finished run: keeps a success that meets a keep rule (in O(tool calls + models)), else
   * samples it (by `original_trace_id ?? trace_id`, lowercased, as the server does), and queues it, or
   * holds a success left out (see HeldRuns). Never waits for the network.
   */
  onEnd(input: TraceInput, callbacks: RunCallbacks): void {
    const run = queuedRun(input, callbacks, this.seq + 1, this.owner);
    const decision = this.decide(run.input);
    if (decision.reason !== "sampled" && decision.reason !== "sampled_out" && !run.failure) this.counts.keptByRule++;
    if (!decision.store) {
      this.counts.sampledOut++;
      if (!this.closed) this.options.held?.hold(run);
      return;
    }
    this.seq++;
    if (this.closed) return this.drop(run, "shut_down");
    this.enqueue(run);
    this.pump();
  }

  /**
   * The recording decision for a run as handed over (not yet validated): one the rules cannot read
   * (a `tool_traces` that is not a list, say) is decided by the sampler alone, as the server will
   * (its rules read the run as repaired, where nothing they look for is left).
   */
  private decide(input: TraceInput): { store: boolean; reason: RecordingReason } {
    try {
      return decideRecording(input, this.options);
    } catch {
      return decideRecording(input, { sampler: this.options.sampler });
    }
  }

  /**
   * Queues runs already sampled and prepared (an earlier page's, persisted and never answered), as
   * the current user's, answering through `callbacks`, and sends them without waiting for a full batch.
   */
  resume(traces: readonly SanitizedTrace[], callbacks: RunCallbacks): void {
    if (this.closed || traces.length === 0) return;
    for (const trace of traces) this.enqueue(queuedRun(trace, callbacks, ++this.seq, this.owner, { ok: true, trace }));
    this.due = true;
    this.pump();
  }

  /** Reports runs that were never queued here (another user's, persisted), counted as dropped. */
  discard(traces: readonly SanitizedTrace[], reason: TraceDropReason, callbacks: RunCallbacks): void {
    for (const trace of traces) this.drop(queuedRun(trace, callbacks, 0, undefined, { ok: true, trace }), reason);
  }

  /** The page may be going: sends what is queued without waiting for a fuller batch. */
  onPageExit(): void {
    for (const observer of this.observers) observer.onPageExit();
    if (this.queue.size > 0) {
      this.due = true;
      this.pump();
    }
  }

  /**
   * Resolves `true` once every run that ended before the call has been answered or reported, retries
   * included (runs ending meanwhile are not waited for), or `false` once `timeoutMs` have passed;
   * what is left is still sent, batched as if flush() had not been called.
   */
  flush(timeoutMs = Infinity): Promise<boolean> {
    const upTo = this.seq;
    if (this.oldestUnsettled() > upTo) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const waiter = {
        upTo,
        resolve: () => {
          clearTimeout(timer);
          resolve(true);
        },
      };
      this.flushes.add(waiter);
      if (timeoutMs < MAX_TIMER_MS) {
        timer = setTimeout(() => {
          this.flushes.delete(waiter);
          resolve(false);
        }, timeoutMs);
      }
      this.pump();
    });
  }

  /**
   * Resolves once the run first queued as `traceId` (lowercase) is answered or reported, with it (its
   * `traceId` is the one it was stored under), sending the queue without waiting for a fuller batch;
   * or after `timeoutMs`, with it still unsettled. `undefined` at once when no such run is unsettled.
   */
  whenSettled(traceId: string, timeoutMs: number): Promise<QueuedRun | undefined> {
    const found = this.unsettledRun(traceId);
    if (!found) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const waiters = this.settleWaiters.get(found) ?? new Set<() => void>();
      this.settleWaiters.set(found, waiters);
      const done = () => {
        clearTimeout(timer);
        waiters.delete(done);
        if (waiters.size === 0 && this.settleWaiters.get(found) === waiters) this.settleWaiters.delete(found);
        resolve(found);
      };
      waiters.add(done);
      const timer = setTimeout(done, Math.min(timeoutMs, MAX_TIMER_MS));
      this.due = true;
      this.pump();
    });
  }

  /** Whether the run first queued as `traceId` (lowercase) is queued or being sent now. */
  /** The id a run first recorded as `traceId` was stored under after a re-key (one of the last REKEYED_IDS_KEPT), or undefined. */
  storedIdOf(traceId: string): string | undefined {
    return this.storedUnder.get(traceId);
  }

  private rememberStoredId(firstTraceId: string, storedId: string): void {
    this.storedUnder.delete(firstTraceId);
    this.storedUnder.set(firstTraceId, storedId);
    if (this.storedUnder.size > REKEYED_IDS_KEPT) this.storedUnder.delete(this.storedUnder.keys().next().value!);
  }

  isUnsettled(traceId: string): boolean {
    return this.unsettledRun(traceId) !== undefined;
  }

  /** The unsettled run first queued as `traceId`, found in O(unsettled runs): for feedback, not for each run. */
  private unsettledRun(traceId: string): QueuedRun | undefined {
    for (const run of this.unsettled) if (run.firstTraceId === traceId) return run;
    return undefined;
  }

  /** Flushes (see flush), then drops and reports every run that ends afterwards; holds no run any more. */
  async shutdown(timeoutMs?: number): Promise<boolean> {
    this.closed = true;
    this.options.held?.clear();
    const flushed = await this.flush(timeoutMs);
    if (flushed) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.stopWatchingCaller();
    for (const observer of this.observers) observer.onShutdown();
    return flushed;
  }

  /**
   * The caller changed (or became known). Runs not known to be anyone's (recorded before Auth restored
   * its state, or while no user was signed in) become the new user's; another user's queued runs are
   * dropped and reported (`signed_out`). One in a call made as that user keeps that call's answer, but
   * is dropped instead of retried (a retry would go as the new user).
   */
  private onCaller(uid: string | null): void {
    if (uid === this.owner) return;
    this.owner = uid;
    for (const run of this.unsettled) if (run.owner === undefined || (run.owner === null && uid !== null)) run.owner = uid;
    for (const run of this.queue.remove((queued) => typeof queued.owner === "string" && queued.owner !== uid)) this.drop(run, "signed_out");
    this.options.held?.onOwner(uid);
    for (const observer of this.observers) observer.onOwner(uid);
  }

  private oldestUnsettled(): number {
    const first = this.unsettled.values().next();
    return first.done ? Infinity : first.value.seq;
  }

  /** The run is answered or reported: forget it, and resolve the flushes it was the last one of. */
  private settle(run: QueuedRun, error?: TraceSendError): void {
    if (!this.unsettled.delete(run)) return;
    const oldest = this.oldestUnsettled();
    for (const flush of this.flushes) {
      if (flush.upTo < oldest) {
        this.flushes.delete(flush);
        flush.resolve();
      }
    }
    if (this.unsettled.size === 0) this.options.onBusy?.(false);
    for (const observer of this.observers) observer.onSettled(run, error);
    const waiters = this.settleWaiters.get(run);
    if (waiters) for (const waiter of [...waiters]) waiter();
  }

  /** Queues a run, dropping what the full queue must give up for it (maybe the run itself). */
  private enqueue(run: QueuedRun): void {
    const dropped = this.queue.push(run);
    if (dropped !== run) {
      this.counts.queued++;
      if (this.unsettled.size === 0) this.options.onBusy?.(true);
      this.unsettled.add(run);
      for (const observer of this.observers) observer.onQueued(run);
    }
    if (dropped) this.drop(dropped, "queue_full");
  }

  private drop(run: QueuedRun, reason: TraceDropReason): void {
    if (run.failure) this.counts.droppedFailures++;
    else this.counts.droppedSuccesses++;
    this.report(run, new TraceSendError(run.firstTraceId, run.attempts, new TraceDroppedError(reason, this.queue.size)));
  }

  /** Starts the batches that may go now, and the timer for runs that must wait. */
  private pump(): void {
    let flushUpTo = 0;
    for (const flush of this.flushes) flushUpTo = Math.max(flushUpTo, flush.upTo);
    const { maxBatchSize, maxConcurrentExports, scheduledDelayMs } = this.options.batch;
    const mayGo = () => this.due || this.queue.size >= maxBatchSize || this.queue.oldestSeq <= flushUpTo;
    while (this.active.size < maxConcurrentExports && this.queue.size > 0 && mayGo()) {
      // A batch never grows past what one call may carry (core's MAX_CALL_BYTES): the server refuses a larger body.
      const sending = this.send(this.queue.take(maxBatchSize, { of: runCallBytes, max: MAX_CALL_TRACE_BYTES })).finally(() => {
        this.active.delete(sending);
        this.pump();
      });
      this.active.add(sending);
    }
    if (this.queue.size === 0) {
      this.due = false;
      clearTimeout(this.timer);
      this.timer = undefined;
    } else if (!this.due && this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.due = true;
        this.pump();
      }, scheduledDelayMs);
    }
  }

  /** Exports one batch and settles each of its runs once. Never rejects. */
  private async send(runs: readonly QueuedRun[]): Promise<void> {
    try {
      await this.options.exporter.send(runs, {
        answered: (run, result) => this.answer(run, result),
        failed: (run, cause) => this.fail(run, cause),
        dropped: (run, reason) => void (this.unsettled.has(run) && this.drop(run, reason)),
        mayGo: (run) => this.unsettled.has(run) && (run.owner === this.owner || run.owner == null || this.owner === undefined),
        rekeyed: (run) => {
          for (const observer of this.observers) observer.onRekeyed(run);
        },
        calling: () => void this.counts.exportCalls++,
      });
    } catch (error) {
      for (const run of runs) if (this.unsettled.has(run)) this.fail(run, error);
    }
  }

  private fail(run: QueuedRun, cause: unknown): void {
    if (!this.unsettled.has(run)) return;
    this.counts.failed++;
    this.report(run, new TraceSendError(run.firstTraceId, run.attempts, cause));
  }

  private answer(run: QueuedRun, result: RecordTraceResult): void {
    if (!this.unsettled.has(run)) return;
    this.counts.answered++;
    if (result.stored) {
      this.counts.stored++;
      if (run.traceId !== run.firstTraceId) this.rememberStoredId(run.firstTraceId, run.traceId);
    } else if (result.reason === "sampled_out" && !this.closed && this.options.held) {
      // The server's sampler left it out: held like the tracer's own (its JSON cache is not needed again).
      run.json = undefined;
      this.options.held.hold(run);
    }
    this.settle(run);
    callSafely(run.onSent, result);
  }

  private report(run: QueuedRun, error: TraceSendError): void {
    this.settle(run, error);
    callSafely(run.onError, error);
  }
}

/** Re-keyed runs whose stored id is remembered for their ratings (a re-key is rare: another run held the id). */
const REKEYED_IDS_KEPT = 1000;

/** A throwing callback must not become an unhandled rejection in the agent's process. */
function callSafely<T>(callback: ((value: T) => void) | undefined, value: T): void {
  try {
    callback?.(value);
  } catch (error) {
    console.warn("[agent-traces] a trace callback threw:", error);
  }
}
