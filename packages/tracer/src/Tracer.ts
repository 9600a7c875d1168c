import { DEFAULT_SAMPLE_RATE, omitContent, TraceIdRatioBasedSampler, type ModelPrice, type TraceInput } from "@agent-traces/core";
import type { Functions } from "firebase/functions";
import { HOLD_SAMPLED_OUT, openTraceStore, watchPageExit } from "#platform";
import { runWithTrace } from "./context/currentTrace.js";
import { InvalidTraceError, TraceSendError } from "./errors.js";
import { resolveBatchOptions, type BatchOptions } from "./export/batchOptions.js";
import { BatchTraceProcessor } from "./export/BatchTraceProcessor.js";
import { HeldRuns } from "./export/HeldRuns.js";
import { resolveHoldOptions, type HoldOptions } from "./export/holdOptions.js";
import { resolveKeepRules, type KeepOptions } from "./export/keepOptions.js";
import { resolvePrices } from "./export/priceOptions.js";
import { resolveRetryOptions, type RetryOptions } from "./export/retry.js";
import { RetryingExport } from "./export/RetryingExport.js";
import type { TracerStats } from "./export/TracerStats.js";
import { CallableTraceExporter } from "./exporter/CallableTraceExporter.js";
import type { RecordTraceResult, TraceExporter } from "./exporter/TraceExporter.js";
import type { FeedbackResult, UserFeedback } from "./feedback/FeedbackResult.js";
import { FeedbackSender } from "./feedback/FeedbackSender.js";
import { PersistedQueue } from "./persist/PersistedQueue.js";
import { TraceContext } from "./TraceContext.js";

export { DEFAULT_SAMPLE_RATE };

/** What one run is: who it ran for, which skill, its conversation, its first metadata, and where its answer goes. */
export interface RunOptions {
  userId?: string | number;
  skill?: string;
  /** The conversation (chat session, thread) the run belongs to, 1-256 characters: its runs share it. */
  sessionId?: string;
  metadata?: Record<string, unknown>;
  /** Told why this run's trace was not recorded. Default: the tracer's `onError`. */
  onError?: (error: TraceSendError) => void;
  /** Told the server's answer for this run's trace. Default: the tracer's `onSent`. */
  onSent?: (result: RecordTraceResult) => void;
}

/** Where traces go (the `recordTrace` callable of a Firebase project, or any exporter) and how. */
export type TracerOptions = Partial<BatchOptions> & {
  /** The share of successful runs kept, from 0 to 1; the server stores the lower of it and its own. Default 0.1. */
  sampleRate?: number;
  /**
   * Keep rules: successes sent whatever the sampler says, because something in the run is worth reading
   * (a failed tool call, a slow run, many tokens, a high cost; see KeepOptions). Default
   * `{ failedTool: true }`; `false`: sampling only. Sent with each batch: the server checks each rule
   * against the trace itself and keeps it by its own TRACE_KEEP_* rules or samples it (see README).
   */
  keep?: KeepOptions | false;
  /**
   * Prices in USD per million tokens by model name, for the `keep.costAboveUsd` rule (required with it,
   * read by nothing else): `DEFAULT_PRICES` from `@agent-traces/tracer/prices`, with your own spread over
   * it. The server prices stored traces with its own TRACE_PRICES.
   */
  prices?: Readonly<Record<string, ModelPrice>>;
  retry?: Partial<RetryOptions>;
  /** Told why a trace was not recorded. Default: one `console.warn` line. */
  onError?: (error: TraceSendError) => void;
  /** Told the server's answer for each trace sent. */
  onSent?: (result: RecordTraceResult) => void;
  /**
   * In a browser, keep the runs not yet answered in localStorage, so that a page closed before they
   * were delivered sends them on its next load, as the same user only (see README). Default `true`;
   * no effect in Node.
   */
  persist?: boolean;
  /**
   * `false`: record each run's shape without its content. Tool names, durations, statuses, counts, sizes
   * and key names are sent; tool input and output values, the final output and `metadata.error` are
   * replaced by their type and length before the run is queued, so they never leave the process nor
   * reach the browser's persisted queue (the server's TRACE_CAPTURE_CONTENT enforces the same). Default `true`.
   */
  captureContent?: boolean;
  /**
   * Keep on complaint: successes a sampler leaves out are held in memory, the newest `maxRuns` for
   * `maxAgeMs`, so that `feedback(traceId, { rating: "down" })` can still send one (stored with its
   * rating, weight 0). Default: 100 runs for 10 minutes in Node, 25 for 10 minutes in a browser;
   * `false` holds none. Never persisted, and dropped when another user signs in.
   */
  holdSampledOut?: Partial<HoldOptions> | false;
} & ({ functions: Functions; exporter?: undefined } | { exporter: TraceExporter; functions?: undefined });

/**
 * Records agent runs and sends them in batches. It owns the exporter, the sampler, the processor (a
 * bounded queue and its schedule, see BatchTraceProcessor), the retrying export step (RetryingExport),
 * the sampled-out successes it holds (HeldRuns), the ratings' sender (FeedbackSender) and, in a
 * browser, the persisted queue (PersistedQueue); `flush()` and `shutdown()` are its lifecycle.
 */
export class Tracer {
  private readonly processor: BatchTraceProcessor;
  private readonly feedbackSender: FeedbackSender;
  private readonly onError: (error: TraceSendError) => void;
  private readonly onSent: ((result: RecordTraceResult) => void) | undefined;
  private readonly stopWatchingPage: () => void;
  private readonly captureContent: boolean;

  /** `onBusy` is told when the tracer starts holding runs not yet answered (`true`) and when it holds none. */
  constructor(options: TracerOptions, onBusy?: (busy: boolean) => void) {
    const sampleRate = options.sampleRate ?? DEFAULT_SAMPLE_RATE;
    if (!(sampleRate >= 0 && sampleRate <= 1)) throw new RangeError(`sampleRate must be between 0 and 1, got ${sampleRate}`);
    const keepRules = resolveKeepRules(options.keep);
    const prices = resolvePrices(options.prices, keepRules.cost_above_usd !== undefined);
    const batch = resolveBatchOptions(options);
    const retry = resolveRetryOptions(options.retry);
    const exporter = resolveExporter(options);
    const hold = resolveHoldOptions(options.holdSampledOut, HOLD_SAMPLED_OUT);
    const store = options.persist === false ? undefined : openTraceStore(options.functions?.app.options.projectId ?? "exporter");
    const held = hold && new HeldRuns(hold);
    this.processor = new BatchTraceProcessor({
      exporter: new RetryingExport(exporter, { sampleRate, keepRules }, retry, batch.exportTimeoutMs),
      sampler: new TraceIdRatioBasedSampler(sampleRate),
      rules: keepRules,
      prices,
      batch,
      caller: exporter.caller,
      onBusy,
      held,
    });
    this.feedbackSender = new FeedbackSender({ exporter, processor: this.processor, held, context: { sampleRate, keepRules }, retry, timeoutMs: batch.exportTimeoutMs, captureContent: options.captureContent ?? true });
    this.onError = options.onError ?? warn;
    this.onSent = options.onSent;
    this.captureContent = options.captureContent ?? true;
    if (store) {
      const persisted = new PersistedQueue(store, this.processor, { onError: this.onError, onSent: this.onSent }, exporter.caller !== undefined);
      // After construction, so that onBusy never runs before the tracer exists.
      queueMicrotask(() => this.processor.observe(persisted));
    }
    this.stopWatchingPage = store ? watchPageExit(() => this.processor.onPageExit()) : () => undefined;
  }

  /**
   * Runs one agent run inside a trace and returns what `run` returns; an error it throws is rethrown
   * as is. The trace is the current trace (`getCurrentTrace()`) throughout `run`'s async call tree.
   * When the run ends its trace is queued (errors and timeouts always, successes meeting a `keep` rule
   * always, other successes at `sampleRate`)
   * and sent in the background; sending never throws here, failures go to `onError`.
   */
  async withTrace<T>(options: RunOptions, run: (trace: TraceContext) => Promise<T> | T): Promise<T> {
    const trace = new TraceContext({ userId: options.userId, skill: options.skill, sessionId: options.sessionId, metadata: options.metadata });
    const end = () => this.record(trace.toTraceInput(), options);
    let result: T;
    try {
      result = await runWithTrace(trace, () => run(trace));
    } catch (error) {
      trace.end({ threw: true, error });
      end();
      throw error;
    }
    trace.end({ threw: false });
    end();
    return result;
  }

  /**
   * Takes a run recorded elsewhere and already finished (from OpenTelemetry spans, say), in wire form:
   * sampled and queued like a `withTrace` run, its answer told to `callbacks` (default: the tracer's).
   * Every run goes through here (withTrace, the adapters, firebaseAi): with `captureContent: false` its
   * content is left out here, before it is queued.
   */
  record(input: TraceInput, callbacks: Pick<RunOptions, "onError" | "onSent"> = {}): void {
    const answer = { onError: callbacks.onError ?? this.onError, onSent: callbacks.onSent ?? this.onSent };
    let run: TraceInput;
    try {
      run = this.captureContent ? input : omitContent(input);
    } catch (error) {
      // A value that throws when read (a getter): reported like one prepare cannot read, never sent with its content.
      answer.onError(new TraceSendError(String(input.trace_id), 0, new InvalidTraceError(`Invalid trace: could not be read: ${error instanceof Error ? error.message : String(error)}`, [])));
      return;
    }
    // Queued outside any run's context, so that nothing the sender does is attributed to a run.
    runWithTrace(undefined, () => this.processor.onEnd(run, answer));
  }

  /**
   * Resolves `true` once every run that ended before the call has been answered or reported through
   * `onError`, retries included, or `false` when `timeoutMs` pass first (what is left is still sent
   * later). A serverless function awaits it before it returns, since its instance may then freeze.
   */
  flush(timeoutMs?: number): Promise<boolean> {
    return this.processor.flush(timeoutMs);
  }

  /** Flushes (see flush), then drops and reports any run that ends later. */
  shutdown(timeoutMs?: number): Promise<boolean> {
    this.stopWatchingPage();
    return this.processor.shutdown(timeoutMs);
  }

  /**
   * Records a user's rating of a run (`traceId`: its `trace.traceId`) through the `recordFeedback`
   * callable; never rejects (see FeedbackResult). A run still queued is answered first (waited for
   * up to 30 s); a success held after sampling (see `holdSampledOut`) and rated `down` is sent with
   * the rating and stored with it. Only the user who sent the run (or an admin) may rate it; a second
   * rating by the same user replaces the first.
   */
  feedback(traceId: string, feedback: UserFeedback): Promise<FeedbackResult> {
    return this.feedbackSender.send(traceId, feedback);
  }

  /** Whether the run is still here: queued, being sent, or held after sampling (what `feedback` can send). */
  holds(traceId: string): boolean {
    return typeof traceId === "string" && this.feedbackSender.has(traceId);
  }

  /** Counters of what happened to the runs so far: queued, sampled out, dropped, calls, stored, failed, held. */
  get stats(): TracerStats {
    return this.processor.stats;
  }
}

export function createTracer(options: TracerOptions): Tracer {
  return new Tracer(options);
}

function resolveExporter(options: TracerOptions): TraceExporter {
  if (options.functions && options.exporter) throw new TypeError("pass either functions or exporter, not both");
  if (options.exporter) return options.exporter;
  if (options.functions) return new CallableTraceExporter(options.functions);
  throw new TypeError("pass functions (a Firebase Functions instance) or an exporter");
}

function warn(error: TraceSendError): void {
  console.warn(`[agent-traces] ${error.message}`);
}
