import { Timestamp } from "firebase-admin/firestore";
import { DAY_MS, DEFAULT_PRICES, runWeight, storedSize, traceCost, type KeptFor, type PriceTable, type SanitizedToolTrace, type SanitizedTrace } from "@agent-traces/core";
import type { FailedTool, FeedbackCounts, StoredModelUsage, StoredTrace } from "@agent-traces/store";

/**
 * Firestore bytes `failed_tools` may take. A sanitized trace stays 4 KiB under the 64 KiB document
 * bound; this and the other server fields (about 0.5 KiB) fit in that room, and `failed_tool_names`
 * (the same names without their counts) still keeps the largest document within the bound (the
 * traceDocument unit test builds it).
 */
export const FAILED_TOOLS_BYTES = 2048;

/** A tool call as stored: its timestamp is a Firestore Timestamp. */
export type ToolTraceDocument = Omit<SanitizedToolTrace, "timestamp"> & { timestamp: Timestamp };

/**
 * A trace as stored in `execution_traces/{trace_id}`: the sanitized wire trace with its instants as
 * Timestamps (`expire_at` drives the TTL policy), plus what only the server knows.
 */
export type TraceDocument = Omit<SanitizedTrace, "started_at" | "ended_at" | "tool_traces" | "usage"> & {
  started_at: Timestamp;
  ended_at: Timestamp | null;
  tool_traces: ToolTraceDocument[];
  duration_ms: number | null;
  tool_error_count: number;
  /** What the error report reads instead of `tool_traces`: see failedToolsOf. Not indexed. */
  failed_tools: FailedTool[];
  /** The names of `failed_tools`, same order: what the list's "a tool failed" filter queries (array-contains). Absent when none failed. */
  failed_tool_names?: string[];
  /** The uid of the signed-in caller that sent the trace, whatever the payload says. */
  recorded_by: string;
  received_at: Timestamp;
  /**
   * When the commit that created it happened: a server timestamp addCreate writes (absent from the
   * document as built, present as stored). What the error report windows by.
   */
  committed_at?: Timestamp;
  expire_at: Timestamp;
  /** The probability that a run like it is stored (1 for a failure or a run both sides' keep rules keep: see keepDecision). */
  sample_rate: number;
  /** The runs it stands for, decided by the server (core's runWeight: 1 / sample_rate for a success, 0 when kept for feedback): what the report sums. */
  weight: number;
  /** weight * (weight - 1): this run's share of the variance of the report's estimate of runs (0 for weight 0 or 1). */
  weight_variance: number;
  /** Tokens per model, each priced entry with its cost (usage[i].cost_usd); absent when none were recorded. */
  usage?: StoredModelUsage[];
  /** USD of the priced models' usage (core's traceCost); absent when no model is priced. */
  cost_usd?: number;
  /** Models with tokens and no price (unpriced, never free), the leading ones within UNPRICED_MODELS_BYTES; absent when none. */
  unpriced_models?: string[];
  /**
   * The fields recordTrace replaced to store a failed run that failed validation (the first 20 paths,
   * as validation named them); absent when none were.
   */
  repaired_fields?: string[];
  /** false when the run was stored without its content (core's omitContent); absent when captured. */
  content_captured?: false;
  /** Present (true) exactly when `usage` is: what the report's usage query filters on. Not read back. */
  has_usage?: true;
  /** Present (true) exactly when `session_id` is: what "sessions of a user, newest first" filters on. Not read back. */
  has_session?: true;
  /** Why it was kept (`feedback`: a sampled-out success stored with the negative feedback on it, weight 0). */
  kept_for: KeptFor;
  /** Ratings so far, kept by recordFeedback (absent: never rated). */
  feedback?: FeedbackCounts;
  /** Present (true) exactly when `feedback.down` > 0: what the list's "negative feedback" filter queries. Not read back. */
  negative_feedback?: true;
  schema_version: 1;
};

export interface StorageContext {
  recordedBy: string;
  receivedAt: Date;
  ttlDays: number;
  sampleRate: number;
  /** See TraceDocument.repaired_fields; stored only when non-empty. */
  repairedFields?: readonly string[];
  /** Why it is kept. Default: its status for a failure, `sampled` for a success. */
  keptFor?: KeptFor;
  /** What its usage is priced with (core's findPrice). Default: DEFAULT_PRICES. */
  prices?: PriceTable;
}

export function toTraceDocument(trace: SanitizedTrace, context: StorageContext): TraceDocument {
  const startedAt = timestampOf(trace.started_at);
  const endedAt = trace.ended_at ? timestampOf(trace.ended_at) : null;
  const { usage, content_captured: contentCaptured } = trace;
  const keptFor = context.keptFor ?? (trace.status === "success" ? "sampled" : trace.status);
  // Kept for feedback: the sampler dropped it, so the sampled successes' weights already stand for it.
  const weight = keptFor === "feedback" ? 0 : runWeight(trace.status, context.sampleRate);
  const cost = traceCost(usage, context.prices ?? DEFAULT_PRICES);
  const unpricedModels = leadingWithin(cost.unpriced_models, UNPRICED_MODELS_BYTES);
  const failedTools = failedToolsOf(trace.tool_traces);
  // Field by field, not spread: one object of a fixed shape, several times faster to build (B2a).
  const document: TraceDocument = {
    trace_id: trace.trace_id,
    user_id: trace.user_id ?? context.recordedBy,
    skill: trace.skill ?? null,
    started_at: startedAt,
    ended_at: endedAt,
    iterations: trace.iterations,
    tool_traces_dropped: trace.tool_traces_dropped,
    tool_traces_shortened: trace.tool_traces_shortened,
    final_output: trace.final_output,
    status: trace.status,
    metadata: trace.metadata,
    values_repaired: trace.values_repaired,
    duration_ms: endedAt ? endedAt.toMillis() - startedAt.toMillis() : null,
    tool_traces: trace.tool_traces.map((tool) => ({ ...tool, timestamp: timestampOf(tool.timestamp) })),
    tool_error_count: trace.tool_traces.filter((tool) => tool.is_error).length,
    failed_tools: failedTools,
    recorded_by: context.recordedBy,
    received_at: Timestamp.fromDate(context.receivedAt),
    expire_at: Timestamp.fromMillis(context.receivedAt.getTime() + context.ttlDays * DAY_MS),
    sample_rate: context.sampleRate,
    kept_for: keptFor,
    weight,
    weight_variance: weight > 1 ? weight * (weight - 1) : 0,
    schema_version: 1,
  };
  // Optional fields are set only when there is something to say (assigned, not spread: one copy of the trace).
  // Stored only when there is some: absent and [] both mean none recorded.
  if (usage?.length) {
    document.usage = usage.map((entry, index) => withCost(entry, cost.costs[index]));
    document.has_usage = true;
  }
  if (cost.cost_usd !== undefined) document.cost_usd = cost.cost_usd;
  if (unpricedModels.length) document.unpriced_models = unpricedModels;
  if (failedTools.length) document.failed_tool_names = failedTools.map((tool) => tool.name);
  if (trace.session_id !== undefined) {
    document.session_id = trace.session_id;
    document.has_session = true;
  }
  if (trace.original_trace_id !== undefined) document.original_trace_id = trace.original_trace_id;
  if (context.repairedFields?.length) document.repaired_fields = [...context.repairedFields];
  // Stored only when content was left out: absent means captured.
  if (contentCaptured === false) document.content_captured = false;
  return document;
}

/**
 * Firestore bytes `unpriced_models` may take: every model of a usage at LIMITS.usageModels with typical
 * names (the names are in `usage` too, each entry without `cost_usd`); with FAILED_TOOLS_BYTES and the
 * other server fields it fits in the 4 KiB a sanitized trace leaves under the 64 KiB document bound.
 */
export const UNPRICED_MODELS_BYTES = 1024;

/** A usage entry as stored: with its cost when its model is priced (`cost` null: unpriced). */
function withCost<T extends object>(entry: T, cost: number | null | undefined): T & { cost_usd?: number } {
  return cost === null || cost === undefined ? entry : { ...entry, cost_usd: cost };
}

/** The leading `names` whose Firestore sizes add up to at most `bytes`. */
function leadingWithin(names: readonly string[], bytes: number): string[] {
  const kept: string[] = [];
  let size = 0;
  for (const name of names) {
    size += storedSize(name);
    if (size > bytes) break;
    kept.push(name);
  }
  return kept;
}

/**
 * The distinct names of the failed calls among `tools`, in order of first failure, each with its
 * number of failed calls. Only the leading entries that fit in FAILED_TOOLS_BYTES are kept (dozens
 * of typical names), so the stored document stays within its 64 KiB bound.
 */
export function failedToolsOf(tools: readonly Pick<SanitizedToolTrace, "name" | "is_error">[]): FailedTool[] {
  const calls = new Map<string, number>();
  for (const tool of tools) {
    if (tool.is_error) calls.set(tool.name, (calls.get(tool.name) ?? 0) + 1);
  }
  const kept: FailedTool[] = [];
  let bytes = 0;
  for (const [name, count] of calls) {
    const entry = { name, calls: count };
    bytes += storedSize(entry);
    if (bytes > FAILED_TOOLS_BYTES) break;
    kept.push(entry);
  }
  return kept;
}

export function fromTraceDocument(document: TraceDocument): StoredTrace {
  const { schema_version: _version, has_usage: _hasUsage, has_session: _hasSession, negative_feedback: _negative, committed_at: committedAt, ...fields } = document;
  return {
    ...fields,
    // Stored before the field existed: nothing was shortened.
    tool_traces_shortened: document.tool_traces_shortened ?? 0,
    // Stored before the field existed: nothing was repaired.
    values_repaired: document.values_repaired ?? 0,
    started_at: isoOf(document.started_at),
    ended_at: document.ended_at ? isoOf(document.ended_at) : null,
    tool_traces: document.tool_traces.map((tool) => ({ ...tool, timestamp: isoOf(tool.timestamp) })),
    received_at: isoOf(document.received_at),
    ...(committedAt instanceof Timestamp ? { committed_at: isoOf(committedAt) } : {}),
    expire_at: isoOf(document.expire_at),
  };
}

/** Keeps the sub-millisecond digits an ISO string may carry (Timestamps hold nanoseconds). */
export function timestampOf(iso: string): Timestamp {
  const millis = Date.parse(iso);
  const fraction = /\.(\d+)/.exec(iso)?.[1] ?? "";
  const nanosBeyondMillis = Number((fraction.slice(3, 9) || "0").padEnd(6, "0"));
  const seconds = Math.floor(millis / 1000);
  return new Timestamp(seconds, (millis - seconds * 1000) * 1_000_000 + nanosBeyondMillis);
}

function isoOf(timestamp: Timestamp): string {
  return timestamp.toDate().toISOString();
}
