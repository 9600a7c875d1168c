import { LIMITS } from "./limits.js";
import { isSensitiveKey, REDACTED, redactText, redactValue, untilStable } from "./redact.js";
import type { JsonObject, ToolTrace, Trace } from "./schema.js";
import { storedSize } from "./storedSize.js";
import { stringifyValue } from "./stringify.js";
import { cutText, wellFormed } from "./text.js";

export type SanitizedToolTrace = Omit<ToolTrace, "input"> & { input: Record<string, string> };
export type SanitizedTrace = Omit<Trace, "tool_traces" | "metadata"> & {
  tool_traces: SanitizedToolTrace[];
  metadata: JsonObject;
};

/** Chars scanned past a cut so that a secret straddling the cut is still recognised. */
const REDACTION_MARGIN = 4096;
/** Tool traces tried before giving up on filling the budget (bounds work on huge traces). */
const MAX_TOOL_ATTEMPTS = LIMITS.maxToolTraces * 4;
const DROPPED_KEYS_FIELD = "_dropped_keys";

/**
 * Redacts secrets and cuts a validated trace down to the stored limits. Pure.
 * Idempotent: sanitizeTrace(sanitizeTrace(x)) deep-equals sanitizeTrace(x) (the tracer and the function both run it).
 */
export function sanitizeTrace(trace: Trace): SanitizedTrace {
  const { kept, dropped } = boundToolTraces(trace.tool_traces);
  return {
    ...trace,
    user_id: typeof trace.user_id === "string" ? wellFormed(trace.user_id) : trace.user_id,
    skill: trace.skill == null ? trace.skill : cutText(wellFormed(trace.skill), LIMITS.skillChars),
    tool_traces: kept,
    tool_traces_dropped: trace.tool_traces_dropped + dropped,
    final_output: redactAndCut(trace.final_output, LIMITS.finalOutputChars),
    metadata: sanitizeMetadata(trace.metadata),
  };
}

/**
 * Redacts secret-shaped text, then cuts it; huge text is only scanned as far as can survive.
 * A cut is marked with the length the text had as received, before redaction.
 */
export function redactAndCut(text: string, maxChars: number): string {
  const scanned = text.length > maxChars + REDACTION_MARGIN ? text.slice(0, maxChars + REDACTION_MARGIN) : text;
  const redacted = wellFormed(redactText(scanned));
  if (scanned === text && redacted.length <= maxChars) return redacted;
  // What the cut left of a secret is redacted (and the text cut) again until nothing changes.
  return untilStable((cut) => cutText(wellFormed(redactText(cut)), maxChars), cutText(redacted, maxChars, text.length));
}

export function sanitizeToolTrace(tool: ToolTrace): SanitizedToolTrace {
  const input: Record<string, string> = {};
  for (const [key, value] of Object.entries(tool.input).slice(0, LIMITS.toolInputKeys)) {
    const { stored, sensitive } = storedKey(key);
    // A string is redacted by redactAndCut, and only as far as it survives the cut.
    const text = sensitive ? REDACTED : typeof value === "string" ? value : stringifyValue(redactValue(value));
    input[stored] = redactAndCut(text, LIMITS.toolInputValueChars);
  }
  return {
    ...tool,
    name: cutText(wellFormed(tool.name), LIMITS.toolNameChars),
    input,
    output: redactAndCut(tool.output, LIMITS.toolOutputChars),
  };
}

/**
 * Keeps at most `maxToolTraces` tool calls within `toolTracesBytes`, failed calls first,
 * in their original order; the rest are counted as dropped.
 */
function boundToolTraces(tools: readonly ToolTrace[]): { kept: SanitizedToolTrace[]; dropped: number } {
  const byPriority = tools.map((_, index) => index);
  byPriority.sort((a, b) => Number(tools[b]!.is_error) - Number(tools[a]!.is_error) || a - b);
  const keptIndices: number[] = [];
  const sanitized = new Map<number, SanitizedToolTrace>();
  let bytes = 0;
  for (const index of byPriority.slice(0, MAX_TOOL_ATTEMPTS)) {
    if (keptIndices.length === LIMITS.maxToolTraces) break;
    const tool = sanitizeToolTrace(tools[index]!);
    const size = storedSize(tool);
    if (bytes + size > LIMITS.toolTracesBytes) continue;
    bytes += size;
    keptIndices.push(index);
    sanitized.set(index, tool);
  }
  keptIndices.sort((a, b) => a - b);
  return { kept: keptIndices.map((index) => sanitized.get(index)!), dropped: tools.length - keptIndices.length };
}

/**
 * A key as stored (cut), and whether its value is withheld: when the key names a secret as received
 * or as stored, so that the second pass, which sees only the stored key, decides the same.
 */
function storedKey(key: string): { stored: string; sensitive: boolean } {
  const stored = cutText(wellFormed(key), LIMITS.keyChars);
  return { stored, sensitive: isSensitiveKey(key) || isSensitiveKey(stored) };
}

/**
 * Redacts and cuts metadata, then keeps top-level keys in order (`error` first) while they fit
 * `metadataBytes`; the number of keys left out is recorded under `_dropped_keys`.
 */
function sanitizeMetadata(metadata: JsonObject): JsonObject {
  const redacted = sanitizeJson(metadata, true) as JsonObject;
  const entries = Object.entries(redacted);
  entries.sort(([a], [b]) => Number(b === "error") - Number(a === "error"));
  const budget = LIMITS.metadataBytes - storedSize({ [DROPPED_KEYS_FIELD]: 0 });
  const result: JsonObject = {};
  let bytes = 0;
  let dropped = typeof metadata[DROPPED_KEYS_FIELD] === "number" ? (metadata[DROPPED_KEYS_FIELD] as number) : 0;
  for (const [key, value] of entries) {
    if (key === DROPPED_KEYS_FIELD) continue;
    const size = storedSize({ [key]: value });
    if (bytes + size > budget) {
      dropped++;
      continue;
    }
    bytes += size;
    result[key] = value;
  }
  if (dropped > 0) result[DROPPED_KEYS_FIELD] = dropped;
  return result;
}

/** Redacts and cuts every string and key of a metadata value; a top-level `error` string is cut shorter. */
function sanitizeJson(value: unknown, topLevel = false): unknown {
  if (typeof value === "string") return redactAndCut(value, LIMITS.metadataStringChars);
  if (Array.isArray(value)) return value.map((item) => sanitizeJson(item));
  if (typeof value !== "object" || value === null) return value;
  const result: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    const { stored, sensitive } = storedKey(key);
    const isError = topLevel && key === "error" && typeof item === "string";
    result[stored] = sensitive ? REDACTED : isError ? redactAndCut(item, LIMITS.errorMessageChars) : sanitizeJson(item);
  }
  return result;
}
