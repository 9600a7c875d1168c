import { TraceDroppedError, TraceSendError } from "../errors.js";
import { RecentKeys } from "./RecentKeys.js";

/** How many runs an adapter follows at once, and for how long. */
export interface RunBounds {
  /** Runs open at once, at most; a new run beyond it pushes out the oldest (reported, counted). Default 1,000. */
  maxOpenRuns: number;
  /** A run still open after this long is given up (reported, counted) when the next run opens. Default 15 minutes. */
  maxRunAgeMs: number;
}

/**
 * 1,000 open runs: far above the runs one process serves at once, and a few tens of MB at most
 * (a run holds its tool calls, each bounded by the tracer). 15 minutes: longer than a serverless
 * request may run by default, and than almost any interactive agent run.
 */
export const DEFAULT_RUN_BOUNDS: RunBounds = { maxOpenRuns: 1000, maxRunAgeMs: 15 * 60_000 };
/** Keys of runs given up (or ended early) remembered, so that their later spans open no run: 10,000 (about 1 MB). */
export const DEFAULT_IGNORED_KEYS = 10_000;

/** What the assembler has given up so far. */
export interface RunAssemblerStats {
  /** Runs under way now. */
  open: number;
  /** Runs pushed out by a newer run beyond `maxOpenRuns`, each reported through `onError`. */
  evictedRuns: number;
  /** Runs open longer than `maxRunAgeMs`, given up, each reported through `onError`. */
  expiredRuns: number;
  /** Spans of runs given up (or ended early) that came later, not followed. */
  ignoredSpans: number;
}

export interface RunAssemblerOptions<R> extends Partial<RunBounds> {
  /** The trace id a run would have been stored under: named in its report. */
  traceIdOf: (run: R) => string;
  /** Told each run given up, with a `TraceSendError` whose cause is a `TraceDroppedError` (`evicted` or `expired`). Default: one console.warn line. */
  onError?: ((error: TraceSendError) => void) | undefined;
  /** Called for each run given up, before it is reported: the adapter forgets what else it holds for it. */
  onGivenUp?: (key: string, run: R) => void;
  /** Ignored keys remembered. Default DEFAULT_IGNORED_KEYS. */
  maxIgnoredKeys?: number;
  /** The clock, in ms. Default Date.now. */
  now?: () => number;
}

/**
 * The runs an adapter (the OTel span processor, the OpenAI Agents processor) is assembling from
 * their spans, by key: bounded in count and age. A run given up is reported and counted, and its
 * key remembered (boundedly) so that its later spans are ignored and counted rather than opening it
 * again, which would push out another run. Pure bookkeeping: never throws, never holds a timer.
 */
export class RunAssembler<R> {
  readonly maxOpenRuns: number;
  readonly maxRunAgeMs: number;
  /** The open runs, oldest first (a Map keeps insertion order). */
  private readonly runs = new Map<string, { run: R; openedAtMs: number }>();
  private readonly ignored: RecentKeys<string>;
  private readonly counts = { evictedRuns: 0, expiredRuns: 0, ignoredSpans: 0 };
  private readonly options: RunAssemblerOptions<R>;
  private readonly now: () => number;

  constructor(options: RunAssemblerOptions<R>) {
    this.options = options;
    this.maxOpenRuns = options.maxOpenRuns ?? DEFAULT_RUN_BOUNDS.maxOpenRuns;
    this.maxRunAgeMs = options.maxRunAgeMs ?? DEFAULT_RUN_BOUNDS.maxRunAgeMs;
    if (!(Number.isInteger(this.maxOpenRuns) && this.maxOpenRuns >= 1)) throw new RangeError(`maxOpenRuns must be an integer >= 1, got ${this.maxOpenRuns}`);
    if (!(this.maxRunAgeMs >= 0)) throw new RangeError(`maxRunAgeMs must be >= 0, got ${this.maxRunAgeMs}`);
    this.ignored = new RecentKeys(options.maxIgnoredKeys ?? DEFAULT_IGNORED_KEYS);
    this.now = options.now ?? Date.now;
  }

  get stats(): RunAssemblerStats {
    return { ...this.counts, open: this.runs.size };
  }

  get(key: string): R | undefined {
    return this.runs.get(key)?.run;
  }

  /** The open runs, oldest first. */
  *values(): IterableIterator<R> {
    for (const { run } of this.runs.values()) yield run;
  }

  /**
   * Opens a run under `key` made by `create`, after giving up the runs too old and, beyond
   * `maxOpenRuns`, the oldest. Returns the run already open under `key`, or `undefined` (one ignored
   * span counted) when `key` belongs to a run given up or ended early.
   */
  open(key: string, create: () => R): R | undefined {
    const existing = this.runs.get(key);
    if (existing) return existing.run;
    if (this.ignores(key)) return undefined;
    this.expire();
    while (this.runs.size >= this.maxOpenRuns) this.giveUp(this.runs.keys().next().value as string, "evicted");
    const run = create();
    this.runs.set(key, { run, openedAtMs: this.now() });
    return run;
  }

  /** Whether spans under `key` are to be ignored (its run was given up or ended early); counts one ignored span if so. */
  ignores(key: string): boolean {
    if (!this.ignored.has(key)) return false;
    this.counts.ignoredSpans++;
    return true;
  }

  /** Ignores later spans under `key` (a run that ended early, or a span of a run given up). */
  ignore(key: string): void {
    this.ignored.add(key);
  }

  /** Takes the run under `key` out, its spans done (it was recorded, or is about to be). */
  close(key: string): R | undefined {
    const entry = this.runs.get(key);
    this.runs.delete(key);
    return entry?.run;
  }

  /** Gives up the runs open longer than `maxRunAgeMs`. Called by `open`; an adapter may call it more often. */
  expire(): void {
    const oldest = this.now() - this.maxRunAgeMs;
    for (const [key, { openedAtMs }] of this.runs) {
      if (openedAtMs > oldest) return;
      this.giveUp(key, "expired");
    }
  }

  /** Forgets every open run, reporting none (shutdown). */
  clear(): void {
    this.runs.clear();
    this.ignored.clear();
  }

  private giveUp(key: string, reason: "evicted" | "expired"): void {
    const entry = this.runs.get(key);
    if (!entry) return;
    this.runs.delete(key);
    this.ignored.add(key);
    this.counts[reason === "evicted" ? "evictedRuns" : "expiredRuns"]++;
    const { onGivenUp, onError = warn, traceIdOf } = this.options;
    try {
      onGivenUp?.(key, entry.run);
      onError(new TraceSendError(traceIdOf(entry.run), 0, new TraceDroppedError(reason, reason === "evicted" ? this.maxOpenRuns : this.maxRunAgeMs)));
    } catch (error) {
      console.warn("[agent-traces] a run given up could not be reported:", error);
    }
  }
}

function warn(error: TraceSendError): void {
  console.warn(`[agent-traces] ${error.message}`);
}
