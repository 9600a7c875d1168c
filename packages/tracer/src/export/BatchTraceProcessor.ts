import {
  decideRecording,
  isRetryableCode,
  raceTimeout,
  MAX_BATCH_TRACES,
  type RecordTraceBatchItemResult,
  type RecordTraceResult,
  type SanitizedTrace,
  type Sampler,
  type TraceInput,
} from "@agent-traces/core";
import { InvalidTraceError, isRetryableError, TraceDroppedError, TraceRejectedError, TraceSendError, UnexpectedResponseError } from "../errors.js";
import type { TraceExporter } from "../exporter/TraceExporter.js";
import type { TraceStore } from "../persist/TraceStore.js";
import type { PreparedTrace } from "../prepare/PreparedTrace.js";
import { prepareTrace } from "#platform";
import { retry, type RetryOptions } from "./retry.js";
import { TraceQueue } from "./TraceQueue.js";

export interface BatchOptions {
  /** Traces per `recordTrace` call, 1 to 100. Default 50. */
  maxBatchSize: number;
  /** How long a finished run may wait for others to fill its batch. Default 500 ms. */
  scheduledDelayMs: number;
  /** Finished runs waiting to be sent, at most; beyond it successes are dropped first. Default 2048. */
  maxQueueSize: number;
  /** `recordTrace` calls under way at once, at most. Default 2. */
  maxConcurrentExports: number;
}

export const DEFAULT_BATCH_OPTIONS: BatchOptions = { maxBatchSize: 50, scheduledDelayMs: 500, maxQueueSize: 2048, maxConcurrentExports: 2 };

/** Where the answer for one run goes. */
export interface RunCallbacks {
  onSent?: ((result: RecordTraceResult) => void) | undefined;
  onError: (error: TraceSendError) => void;
}

/** What happened to the finished runs a tracer was given, so far. */
export interface TracerStats {
  /** Runs taken into the queue (failures, and the successes the sampler kept); a run refused at once is only in `dropped`. */
  queued: number;
  /** Successes the sampler left out: never sent. */
  sampledOut: number;
  /** Runs dropped because the queue was full (refused, or a queued success evicted for a failure) or the tracer shut down, by kind. */
  dropped: { failures: number; successes: number };
  /** `recordTrace` calls made, retries included. */
  exportCalls: number;
  /** Runs the server answered for (stored, or not: sampled out or duplicate). */
  answered: number;
  /** Runs stored by the server. */
  stored: number;
  /** Runs not delivered: invalid, rejected, or out of retries (each reported through onError). */
  failed: number;
  /** Runs waiting in the queue now. */
  waiting: number;
}

interface Entry extends RunCallbacks {
  input: TraceInput;
  traceId: string;
  failure: boolean;
  /** Its place in line: runs are numbered as they are queued. */
  seq: number;
  /** The run made ready to send, once it has been (for the persisted queue, or the first send). */
  prepared?: PreparedTrace;
  /** The prepared trace as persisted JSON, once it has been. */
  json?: string;
}

/**
 * Sends finished runs in batches, like OpenTelemetry's BatchSpanProcessor: a bounded queue, a batch
 * sent when it is full or `scheduledDelayMs` after its first run, at most `maxConcurrentExports`
 * calls at once, each retried with backoff on retryable errors only. Failures are sent first and
 * dropped last. Nothing here throws into the agent; every run ends in exactly one onSent or onError.
 */
export class BatchTraceProcessor {
  private readonly queue: TraceQueue<Entry>;
  private readonly active = new Set<Promise<void>>();
  /** Every run queued or being sent, in the order it was queued. */
  private readonly unsettled = new Set<Entry>();
  /** flush() calls waiting for every run up to `upTo` to settle. */
  private readonly flushes: { upTo: number; resolve: () => void }[] = [];
  private seq = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The queued runs have waited `scheduledDelayMs`: send them without waiting for a full batch. */
  private due = false;
  private closed = false;
  /** A save of the persisted queue is due (coalesced: at most one per task). */
  private persistTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly counts = { queued: 0, sampledOut: 0, droppedFailures: 0, droppedSuccesses: 0, exportCalls: 0, answered: 0, stored: 0, failed: 0 };

  constructor(
    private readonly exporter: TraceExporter,
    private readonly sampler: Sampler,
    private readonly sampleRate: number,
    private readonly retryOptions: RetryOptions,
    private readonly batch: BatchOptions,
    /** Told when the processor starts holding runs (`true`) and when it holds none any more. */
    private readonly onBusy: (busy: boolean) => void = () => undefined,
    /** Keeps the runs not yet answered across a page's end (the browser's persisted queue). */
    private readonly store?: TraceStore,
  ) {
    this.queue = new TraceQueue<Entry>(batch.maxQueueSize);
  }

  get stats(): TracerStats {
    const { droppedFailures, droppedSuccesses, ...counts } = this.counts;
    return { ...counts, dropped: { failures: droppedFailures, successes: droppedSuccesses }, waiting: this.queue.size };
  }

  /** Takes a finished run: samples it and queues it in O(1). Never waits for the network. */
  onEnd(input: TraceInput, callbacks: RunCallbacks): void {
    const traceId = String(input.trace_id);
    const decision = decideRecording(input.status, traceId, this.sampler);
    if (!decision.store) {
      this.counts.sampledOut++;
      return;
    }
    const entry: Entry = { ...callbacks, input, traceId, failure: decision.reason !== "sampled", seq: ++this.seq };
    if (this.closed) return this.drop(entry, "shut_down");
    this.enqueue(entry);
    this.pump();
    this.persistSoon();
  }

  /**
   * Queues the runs an earlier page persisted and never saw answered (already sampled and sanitized),
   * answering through `callbacks`. Returns how many were taken.
   */
  resumePersisted(callbacks: RunCallbacks): number {
    if (!this.store || this.closed) return 0;
    const traces = this.store.adopt();
    for (const trace of traces) {
      this.enqueue({ ...callbacks, input: trace, traceId: trace.trace_id, failure: trace.status !== "success", seq: ++this.seq, prepared: { ok: true, trace } });
    }
    this.due ||= traces.length > 0;
    this.pump();
    this.persistSoon();
    return traces.length;
  }

  /** The page may be going: persists what is unanswered now, and sends it without waiting for a fuller batch. */
  onPageExit(): void {
    this.persistNow();
    if (this.queue.size > 0) {
      this.due = true;
      this.pump();
    }
  }

  /**
   * Resolves `true` once every run that ended before the call has been answered or reported, retries
   * included (runs ending meanwhile are not waited for), or `false` once `timeoutMs` have passed;
   * what is left is still sent.
   */
  flush(timeoutMs = Infinity): Promise<boolean> {
    const upTo = this.seq;
    if (this.oldestUnsettled() > upTo) return Promise.resolve(true);
    const done = new Promise<boolean>((resolve) => this.flushes.push({ upTo, resolve: () => resolve(true) }));
    this.pump();
    return timeoutMs < MAX_TIMER_MS ? raceTimeout(done, timeoutMs, () => false) : done;
  }

  /** Flushes (see flush), then drops and reports every run that ends afterwards. */
  async shutdown(timeoutMs?: number): Promise<boolean> {
    this.closed = true;
    const flushed = await this.flush(timeoutMs);
    if (flushed) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.persistNow();
    this.store?.close();
    return flushed;
  }

  private oldestUnsettled(): number {
    const first = this.unsettled.values().next();
    return first.done ? Infinity : first.value.seq;
  }

  /** The run is answered or reported: forget it, and resolve the flushes it was the last one of. */
  private settle(entry: Entry): void {
    if (!this.unsettled.delete(entry)) return;
    const oldest = this.oldestUnsettled();
    for (let index = this.flushes.length - 1; index >= 0; index--) {
      if (this.flushes[index]!.upTo < oldest) this.flushes.splice(index, 1)[0]!.resolve();
    }
    if (this.unsettled.size === 0) this.onBusy(false);
    this.persistSoon();
  }

  /** Queues a run, dropping what the full queue must give up for it (maybe the run itself). */
  private enqueue(entry: Entry): void {
    const dropped = this.queue.push(entry);
    if (dropped !== entry) {
      this.counts.queued++;
      if (this.unsettled.size === 0) this.onBusy(true);
      this.unsettled.add(entry);
    }
    if (dropped) this.drop(dropped, "queue_full");
  }

  private persistSoon(): void {
    if (!this.store || this.persistTimer !== undefined) return;
    this.persistTimer = setTimeout(() => this.persistNow(), 0);
  }

  /** Saves every unanswered run that can be sent, failures first, each prepared and serialized once. */
  private persistNow(): void {
    if (!this.store) return;
    clearTimeout(this.persistTimer);
    this.persistTimer = undefined;
    const texts: string[] = [];
    for (const failuresFirst of [true, false]) {
      for (const entry of this.unsettled) {
        if (entry.failure !== failuresFirst) continue;
        const prepared = (entry.prepared ??= prepareTrace(entry.input));
        if (prepared.ok) texts.push((entry.json ??= JSON.stringify(prepared.trace)));
      }
    }
    try {
      this.store.save(texts);
    } catch (error) {
      console.warn("[agent-traces] could not persist the unsent runs:", error);
    }
  }

  private drop(entry: Entry, reason: "queue_full" | "shut_down"): void {
    if (entry.failure) this.counts.droppedFailures++;
    else this.counts.droppedSuccesses++;
    this.report(entry, new TraceSendError(entry.traceId, 0, new TraceDroppedError(reason, this.queue.size)));
  }

  /** Starts the batches that may go now, and the timer for runs that must wait. */
  private pump(): void {
    const flushUpTo = this.flushes.reduce((max, flush) => Math.max(max, flush.upTo), 0);
    const mayGo = () => this.due || this.queue.size >= this.batch.maxBatchSize || this.queue.oldestSeq <= flushUpTo;
    while (this.active.size < this.batch.maxConcurrentExports && this.queue.size > 0 && mayGo()) {
      const sending = this.send(this.queue.take(this.batch.maxBatchSize)).finally(() => {
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
      }, this.batch.scheduledDelayMs);
    }
  }

  /**
   * Validates, sanitizes and exports one batch, and settles each of its runs once. Traces the server
   * asked to retry (`resource-exhausted`) go again, alone, after the wait it asked for. Never rejects.
   */
  private async send(entries: readonly Entry[]): Promise<void> {
    try {
      let pending: { entry: Entry; trace: SanitizedTrace }[] = [];
      for (const entry of entries) {
        const prepared = (entry.prepared ??= prepareTrace(entry.input));
        if (prepared.ok) pending.push({ entry, trace: prepared.trace });
        else this.fail(entry, 0, new InvalidTraceError(prepared.message, prepared.fields));
      }
      if (pending.length === 0) return;
      const outcome = await retry(
        async (attempts) => {
          this.counts.exportCalls++;
          const traces = pending.map(({ trace }) => trace);
          const answers = await this.exporter.export(traces, { sampleRate: this.sampleRate });
          if (!answersMatch(answers, traces)) throw new UnexpectedResponseError(answers);
          const again: typeof pending = [];
          let rejection: TraceRejectedError | undefined;
          pending.forEach((sent, index) => {
            const answer = answers[index]!;
            if (!("error" in answer)) return this.answer(sent.entry, answer);
            const { code, message, fields, retry_after_ms: retryAfter } = answer.error;
            if (code === "invalid-argument") return this.fail(sent.entry, attempts, new InvalidTraceError(message, fields));
            const error = new TraceRejectedError(code, message, retryAfter);
            if (!isRetryableCode(code)) return this.fail(sent.entry, attempts, error);
            again.push(sent);
            if (!rejection || (retryAfter ?? 0) > (rejection.retryAfterMs ?? 0)) rejection = error;
          });
          pending = again;
          if (rejection) throw rejection;
        },
        this.retryOptions,
        isRetryableError,
      );
      if (!outcome.ok) for (const { entry } of pending) this.fail(entry, outcome.attempts, outcome.error);
    } catch (error) {
      for (const entry of entries) if (this.unsettled.has(entry)) this.fail(entry, 0, error);
    }
  }

  private fail(entry: Entry, attempts: number, cause: unknown): void {
    this.counts.failed++;
    this.report(entry, new TraceSendError(entry.traceId, attempts, cause));
  }

  private answer(entry: Entry, result: RecordTraceResult): void {
    this.counts.answered++;
    if (result.stored) this.counts.stored++;
    this.settle(entry);
    callSafely(entry.onSent, result);
  }

  private report(entry: Entry, error: TraceSendError): void {
    this.settle(entry);
    callSafely(entry.onError, error);
  }
}

/** setTimeout's longest delay; a longer one fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Whether an exporter answered each trace of the batch, in order. */
function answersMatch(answers: unknown, traces: readonly SanitizedTrace[]): answers is RecordTraceBatchItemResult[] {
  return (
    Array.isArray(answers) &&
    answers.length === traces.length &&
    answers.every((answer: unknown, index) => {
      const { trace_id, error, stored } = (answer ?? {}) as { trace_id?: unknown; error?: unknown; stored?: unknown };
      return (trace_id === traces[index]!.trace_id || (trace_id === undefined && error !== undefined)) && (typeof stored === "boolean" || typeof error === "object");
    })
  );
}

/** A throwing callback must not become an unhandled rejection in the agent's process. */
function callSafely<T>(callback: ((value: T) => void) | undefined, value: T): void {
  try {
    callback?.(value);
  } catch (error) {
    console.warn("[agent-traces] a trace callback threw:", error);
  }
}

export function checkBatchOptions(options: BatchOptions): BatchOptions {
  const whole = (name: keyof BatchOptions, min: number, max = Number.MAX_SAFE_INTEGER) => {
    const value = options[name];
    if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  };
  whole("maxBatchSize", 1, MAX_BATCH_TRACES);
  whole("maxQueueSize", 1);
  whole("maxConcurrentExports", 1);
  if (!(options.scheduledDelayMs >= 0 && options.scheduledDelayMs <= MAX_TIMER_MS)) throw new RangeError(`scheduledDelayMs must be a number from 0 to ${MAX_TIMER_MS}, got ${options.scheduledDelayMs}`);
  return options;
}
