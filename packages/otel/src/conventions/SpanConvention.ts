import type { EndedSpanLike, StartedSpanLike } from "../span/SpanLike.js";

/** What a run's outermost span says about the run. */
export interface RunFields {
  skill?: string | undefined;
  userId?: string | number | undefined;
  /** The conversation (session) the run is one turn of. */
  sessionId?: string | undefined;
  /** The run's final output (any value; stringified). */
  output?: unknown;
  /** Set when the convention knows the run's model calls better than by counting them. */
  iterations?: number | undefined;
  metadata?: Record<string, unknown> | undefined;
  /** Tool calls an earlier sender already dropped or shortened (an exported trace says so). */
  toolTracesDropped?: number | undefined;
  toolTracesShortened?: number | undefined;
}

/** One tool call read off its span. */
export interface ToolCallFields {
  name: string;
  input: Record<string, unknown>;
  output: unknown;
  isError: boolean;
}

/** One model call read off its span: an iteration, and its tokens (totals with their parts inside, as TraceContext.addUsage takes them). */
export interface ModelCallFields {
  model: string;
  /** All input: uncached, cache reads and cache writes. */
  inputTokens: number;
  /** All output: visible and reasoning. */
  outputTokens: number;
  /** Of inputTokens, read from a cache. */
  cachedInputTokens?: number | undefined;
  /** Of inputTokens, written to a cache. */
  cacheWriteTokens?: number | undefined;
  /** Of outputTokens, reasoning (thinking). */
  reasoningTokens?: number | undefined;
  /** Whether the call says it ran to its end (a finish reason): a run whose last call did not was cut off. */
  finished?: boolean | undefined;
}

/** The run's latest model call: its span as it started, and as it ended (`undefined`: still open when the run ended). */
export interface LastModelCall {
  started: StartedSpanLike;
  ended: EndedSpanLike | undefined;
}

/** What the processor saw of a run's model calls, for `runEnd`. */
export interface ModelCallsSeen {
  last: LastModelCall | undefined;
  /** Model calls that ended saying they finished (`ModelCallFields.finished`). */
  finished: number;
}

/** A run that failed although its outermost span did not say so: `error` (a model failure) or `timeout` (cut off, aborted). */
export interface RunEnd {
  status: "error" | "timeout";
  message: string;
}

/**
 * How one framework's spans read as an agent run: which span is a run's outermost (checked when it
 * starts), and what its run, tool and model spans say (read when they end). Pure.
 */
export interface SpanConvention {
  readonly name: string;
  isRun(span: StartedSpanLike): boolean;
  run(span: EndedSpanLike): RunFields;
  tool(span: EndedSpanLike): ToolCallFields | undefined;
  model(span: EndedSpanLike): ModelCallFields | undefined;
  /** Whether a span, as it starts, is a model call: one still open when its run ends is known as cut off. */
  isModelCall?(span: StartedSpanLike): boolean;
  /** The session id a span under the run names (read off each ended span until one does), for a framework that sets it below the run span. */
  sessionId?(span: EndedSpanLike): string | undefined;
  /**
   * How a run whose outermost span ended without an error status ended, when that span hides it (a
   * framework that ends its run span normally on an abort, or when only a step's model call failed);
   * `undefined`: a success.
   */
  runEnd?(run: EndedSpanLike, models: ModelCallsSeen): RunEnd | undefined;
}
