import type { EndedSpanLike, StartedSpanLike } from "../span/SpanLike.js";

/** What a run's outermost span says about the run. */
export interface RunFields {
  skill?: string | undefined;
  userId?: string | number | undefined;
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

/** One model call read off its span: an iteration, and its tokens. */
export interface ModelCallFields {
  model: string;
  inputTokens: number;
  outputTokens: number;
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
}
