import { boundToolTraces } from "./boundToolTraces.js";
import { LIMITS } from "./limits.js";
import { addModelUsage } from "./modelUsage.js";
import { REDACTED } from "./redact.js";
import type { JsonObject, ModelUsage, Trace } from "./schema.js";
import { redactAndCut, storedKey } from "./sanitizeText.js";
import type { SanitizedToolTrace } from "./sanitizeToolTrace.js";
import { storedSize } from "./storedSize.js";
import { cutText, wellFormed } from "./text.js";

export { sanitizeToolTrace, type SanitizedToolTrace } from "./sanitizeToolTrace.js";

export type SanitizedTrace = Omit<Trace, "tool_traces" | "metadata" | "session_id"> & {
  tool_traces: SanitizedToolTrace[];
  metadata: JsonObject;
  /** Absent when the run names no session (sent absent or `null`). */
  session_id?: string;
};

/** The metadata key counting the top-level keys dropped to fit LIMITS.metadataBytes. */
export const DROPPED_KEYS_FIELD = "_dropped_keys";

/**
 * Redacts secrets and cuts a validated trace down to the stored limits. Pure. Its output, also after a
 * JSON round trip and validation, sanitizes to itself (the tracer and the function both run it): the
 * sanitize-idempotent property in test/support/properties.ts checks exactly that.
 */
export function sanitizeTrace(trace: Trace): SanitizedTrace {
  const { kept, dropped, shortened } = boundToolTraces(trace.tool_traces);
  const storedUsage = sanitizeUsage(trace.usage);
  // Field by field, not spread: one object of a fixed shape, several times faster to build (B2a).
  const sanitized: SanitizedTrace = {
    trace_id: trace.trace_id,
    user_id: typeof trace.user_id === "string" ? wellFormed(trace.user_id) : trace.user_id,
    skill: trace.skill == null ? trace.skill : cutText(wellFormed(trace.skill), LIMITS.skillChars),
    started_at: trace.started_at,
    iterations: trace.iterations,
    tool_traces: kept,
    tool_traces_dropped: trace.tool_traces_dropped + dropped,
    tool_traces_shortened: trace.tool_traces_shortened + shortened,
    final_output: redactAndCut(trace.final_output, LIMITS.finalOutputChars),
    status: trace.status,
    metadata: sanitizeMetadata(trace.metadata),
    values_repaired: trace.values_repaired,
  };
  // Optional fields only when present: `undefined` is not a value Firestore stores.
  if (trace.ended_at !== undefined) sanitized.ended_at = trace.ended_at;
  if (trace.session_id != null) sanitized.session_id = cutText(wellFormed(trace.session_id), LIMITS.sessionIdChars);
  if (storedUsage) sanitized.usage = storedUsage;
  if (trace.original_trace_id !== undefined) sanitized.original_trace_id = trace.original_trace_id;
  if (trace.content_captured !== undefined) sanitized.content_captured = trace.content_captured;
  return sanitized;
}

/**
 * The token usage to store, or undefined for none (absent or `[]`): model names well-formed and
 * within LIMITS.modelNameChars (as validated, unchanged), entries that then name the same model merged
 * (all counts summed, cache and reasoning parts included; a zero part left out).
 */
function sanitizeUsage(usage: readonly ModelUsage[] | undefined): ModelUsage[] | undefined {
  if (!usage || usage.length === 0) return undefined;
  const stored: ModelUsage[] = [];
  for (const entry of usage) {
    const model = cutText(wellFormed(entry.model), LIMITS.modelNameChars);
    // A model already stored is summed into (addModelUsage finds its entry first); any other keeps its slot, none moved to "(other)".
    if (stored.some((kept) => kept.model === model)) addModelUsage(stored, model, entry);
    else stored.push({ ...entry, model });
  }
  return stored;
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
