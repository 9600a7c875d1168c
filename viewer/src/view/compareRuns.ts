import { formatDuration, formatTokens, toolCallTimeline, type StoredTrace } from "@agent-traces/store";
import { runCostText } from "./runCost.js";

/** One stored tool call of a run being compared. */
export type ComparedTool = StoredTrace["tool_traces"][number];

/** How two aligned calls (or a call and a gap) differ. */
export type CallDifference = "only-a" | "only-b" | "status" | "duration" | "input" | "output";

/** One row of the alignment: a call of run A, of run B, or both (same tool name, matched by the alignment). */
export interface AlignedCall {
  /** `index` is the call's position in the run's stored `tool_traces`. */
  a?: { index: number; tool: ComparedTool };
  b?: { index: number; tool: ComparedTool };
  /** Empty when the pair does not differ; `only-a` / `only-b` for a call the other run has no counterpart of. */
  differences: CallDifference[];
  /** B's duration minus A's, for a pair. */
  durationDeltaMs?: number;
}

/** Whether the inputs and outputs can be compared: both captured, both descriptions (type and length only), or one of each (not comparable). */
export type ContentComparison = "full" | "descriptions" | "none";

/** A run-level field of the comparison, as shown on both sides. */
export interface ComparedField {
  key: RunFieldKey;
  label: string;
  a: string;
  b: string;
  /** Whether the field is marked as a difference (ids and start times are shown, never marked). */
  differs: boolean;
}

export type RunFieldKey =
  | "trace_id"
  | "started_at"
  | "status"
  | "skill"
  | "user"
  | "duration"
  | "iterations"
  | "tool_count"
  | "failed_tools"
  | "error"
  | "final_output"
  | "usage"
  | "cost";

/** The comparison of two runs: their fields, their tool calls aligned, and how many differences are marked in all. */
export interface RunComparison {
  fields: ComparedField[];
  calls: AlignedCall[];
  content: ContentComparison;
  /** Marked differences: each differing field, each call only in one run, each way a pair differs. */
  differenceCount: number;
}

/**
 * A duration is marked as different when the longer is at least DURATION_RATIO times the shorter AND
 * longer by at least DURATION_FLOOR_MS. The same tool's time varies by tens of percent between runs
 * (network, model latency), so a smaller ratio is ordinary; the floor keeps the jitter of fast calls
 * (5 ms against 12 ms) from being marked. Every delta is still shown, marked or not.
 */
export const DURATION_RATIO = 2;
export const DURATION_FLOOR_MS = 100;

/** Whether two durations differ enough to be marked (see DURATION_RATIO); unknown durations differ only from known ones. */
export function durationsDiffer(a: number | null | undefined, b: number | null | undefined): boolean {
  const knownA = typeof a === "number" && Number.isFinite(a);
  const knownB = typeof b === "number" && Number.isFinite(b);
  if (!knownA || !knownB) return knownA !== knownB;
  const [shorter, longer] = a <= b ? [a, b] : [b, a];
  return longer - shorter >= DURATION_FLOOR_MS && longer >= DURATION_RATIO * shorter;
}

/** "+1.50s", "-200ms", "±0ms": B's duration against A's. */
export function durationDeltaText(deltaMs: number): string {
  if (deltaMs === 0) return "±0ms";
  return `${deltaMs > 0 ? "+" : "-"}${formatDuration(Math.abs(deltaMs))}`;
}

/** The ratio of two durations as said beside a marked one: "3.0× slower", "2.5× faster"; undefined when either is 0. */
export function durationRatioText(aMs: number, bMs: number): string | undefined {
  if (aMs <= 0 || bMs <= 0 || aMs === bMs) return undefined;
  return bMs > aMs ? `${(bMs / aMs).toFixed(1)}× slower` : `${(aMs / bMs).toFixed(1)}× faster`;
}

/**
 * Aligns two sequences of tool names as a diff does: a longest common subsequence of the names is
 * matched in order, every other call stands alone (only in A, only in B). Ties match the earliest
 * calls, so of two repeated calls in A against one in B, the later one is the extra. Pure.
 */
export function alignByName(a: readonly string[], b: readonly string[]): { a?: number; b?: number }[] {
  // suffix[i][j]: the LCS length of a[i..] and b[j..].
  const suffix = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      suffix[i]![j] = a[i] === b[j] ? suffix[i + 1]![j + 1]! + 1 : Math.max(suffix[i + 1]![j]!, suffix[i]![j + 1]!);
    }
  }
  const rows: { a?: number; b?: number }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) rows.push({ a: i++, b: j++ });
    else if (j >= b.length || (i < a.length && suffix[i + 1]![j]! >= suffix[i]![j + 1]!)) rows.push({ a: i++ });
    else rows.push({ b: j++ });
  }
  return rows;
}

/** Compares two runs: run-level fields, and their tool calls (each in order of start) aligned by name. Pure. */
export function compareRuns(a: StoredTrace, b: StoredTrace): RunComparison {
  const content = contentComparison(a, b);
  const orderA = toolCallTimeline(a).calls.map((call) => call.index);
  const orderB = toolCallTimeline(b).calls.map((call) => call.index);
  const calls = alignByName(
    orderA.map((index) => a.tool_traces[index]!.name),
    orderB.map((index) => b.tool_traces[index]!.name),
  ).map((row): AlignedCall => {
    const sideA = row.a === undefined ? undefined : { index: orderA[row.a]!, tool: a.tool_traces[orderA[row.a]!]! };
    const sideB = row.b === undefined ? undefined : { index: orderB[row.b]!, tool: b.tool_traces[orderB[row.b]!]! };
    if (!sideA) return { b: sideB!, differences: ["only-b"] };
    if (!sideB) return { a: sideA, differences: ["only-a"] };
    return { a: sideA, b: sideB, ...pairDifferences(sideA.tool, sideB.tool, content) };
  });
  const fields = compareFields(a, b, content);
  const differenceCount = fields.filter((field) => field.differs).length + calls.reduce((sum, call) => sum + call.differences.length, 0);
  return { fields, calls, content, differenceCount };
}

function pairDifferences(a: ComparedTool, b: ComparedTool, content: ContentComparison): Pick<AlignedCall, "differences" | "durationDeltaMs"> {
  const differences: CallDifference[] = [];
  if (a.is_error !== b.is_error) differences.push("status");
  if (durationsDiffer(a.duration_ms, b.duration_ms)) differences.push("duration");
  if (content !== "none") {
    if (!sameInput(a.input, b.input)) differences.push("input");
    if (a.output !== b.output) differences.push("output");
  }
  return { differences, durationDeltaMs: b.duration_ms - a.duration_ms };
}

/** Inputs are equal when they hold the same keys with the same values, in any order. */
function sameInput(a: Record<string, string>, b: Record<string, string>): boolean {
  const keysA = Object.keys(a);
  return keysA.length === Object.keys(b).length && keysA.every((key) => Object.hasOwn(b, key) && a[key] === b[key]);
}

function contentComparison(a: StoredTrace, b: StoredTrace): ContentComparison {
  const capturedA = a.content_captured !== false;
  const capturedB = b.content_captured !== false;
  if (capturedA && capturedB) return "full";
  return capturedA === capturedB ? "descriptions" : "none";
}

function compareFields(a: StoredTrace, b: StoredTrace, content: ContentComparison): ComparedField[] {
  const field = (key: RunFieldKey, label: string, of: (trace: StoredTrace) => string, marked = true): ComparedField => {
    const [textA, textB] = [of(a), of(b)];
    return { key, label, a: textA, b: textB, differs: marked && textA !== textB };
  };
  const contentMarked = content !== "none";
  return [
    field("trace_id", "Run", (trace) => trace.trace_id, false),
    field("started_at", "Started", (trace) => trace.started_at, false),
    field("status", "Status", (trace) => trace.status),
    field("skill", "Skill", (trace) => trace.skill ?? "(no skill)"),
    field("user", "User", (trace) => (trace.user_id === null || trace.user_id === undefined ? "—" : String(trace.user_id))),
    { ...field("duration", "Duration", (trace) => formatDuration(trace.duration_ms)), differs: durationsDiffer(a.duration_ms, b.duration_ms) },
    field("iterations", "Iterations", (trace) => String(trace.iterations)),
    field("tool_count", "Tool calls", (trace) => `${trace.tool_traces.length}${trace.tool_traces_dropped ? ` + ${trace.tool_traces_dropped} dropped` : ""}`),
    field("failed_tools", "Failed tools", failedToolsText),
    field("error", "Error", errorText, contentMarked),
    field("final_output", "Final output", (trace) => trace.final_output, contentMarked),
    field("usage", "Tokens", usageText),
    field("cost", "Cost", runCostText),
  ];
}

/**
 * "none", or each failed tool with its failed calls: "search ×2, fetch". Counted from the stored
 * tool_traces on purpose, not read from the stored `failed_tools`: that field is absent on runs stored
 * before it existed and cut at FAILED_TOOLS_BYTES, while it is derived from these same calls.
 */
function failedToolsText(trace: StoredTrace): string {
  const failed = new Map<string, number>();
  for (const tool of trace.tool_traces) if (tool.is_error) failed.set(tool.name, (failed.get(tool.name) ?? 0) + 1);
  if (failed.size === 0) return "none";
  return [...failed].map(([name, calls]) => (calls > 1 ? `${name} ×${calls}` : name)).join(", ");
}

/** The run's error (metadata.error) as text; "—" when none was recorded. */
function errorText(trace: StoredTrace): string {
  const error = trace.metadata.error;
  if (error === undefined || error === null) return "—";
  return typeof error === "string" ? error : JSON.stringify(error, null, 2);
}

/** Each model's input and output tokens: "gemini-2.5-flash: 1,200 in, 300 out"; "—" without usage. */
function usageText(trace: StoredTrace): string {
  const usage = trace.usage ?? [];
  if (usage.length === 0) return "—";
  return usage.map((entry) => `${entry.model}: ${formatTokens(entry.input_tokens)} in, ${formatTokens(entry.output_tokens)} out`).join("; ");
}
