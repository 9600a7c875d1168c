import { LIMITS } from "../limits.js";
import { isPlainObject } from "../plainObject.js";
import type { Trace, TraceStatus } from "../schema.js";
import { stringifyValue } from "../stringify.js";
import { isValidTraceId, randomTraceId } from "../traceId.js";
import { repairInstant } from "./isoInstant.js";
import { repairWholeNumber } from "./numbers.js";
import type { RepairCounter } from "./repairCounter.js";
import { storableMetadata } from "./storableJson.js";
import { repairToolTrace } from "./toolTrace.js";
import { repairUsage } from "./usage.js";
import { repairUserId } from "./userId.js";

export interface RepairOptions {
  /** The id of a run sent without a valid trace id (`sent` is what it had). Default: a new random id. */
  traceIdFor?: (sent: unknown) => string;
  /** The instant (epoch ms) a run without a usable start is taken to have started. Default: now. */
  now?: number;
}

export interface RepairedTrace {
  /** Valid under the wire schema, defaults applied, ids lowercased; its `values_repaired` includes `repaired`. */
  trace: Trace;
  /** Values rewritten or left out by this repair. */
  repaired: number;
}

const TRACE_KEYS = new Set([
  "trace_id", "user_id", "skill", "session_id", "started_at", "ended_at", "iterations", "tool_traces", "tool_traces_dropped",
  "tool_traces_shortened", "final_output", "status", "metadata", "usage", "values_repaired", "original_trace_id",
  "content_captured",
]);
const STATUSES: ReadonlySet<unknown> = new Set<TraceStatus>(["success", "error", "timeout"]);

/**
 * Makes whatever a producer built into a trace the wire schema (traceSchema) takes, rewriting what it
 * would refuse instead of refusing the run, OpenTelemetry-style: an invalid trace id becomes
 * `traceIdFor`'s; the user id, metadata, tool calls and usage are repaired (see repairUserId,
 * storableMetadata, repairToolTrace, repairUsage); a start that is not an instant becomes the end's or
 * `now`, an end that is not one `null`, an end before the start the start; counts are rounded and
 * clamped; a status that is not one of the three becomes `error` (a run that cannot say it succeeded
 * is kept as a failure); text fields that are not text become their text; unknown fields, a session id that is
 * not 1-256 characters (a number becomes its text), an invalid `original_trace_id` and a `content_captured` that is not a boolean are left out; of an input that is not a plain object only its own fields are read.
 * Each value rewritten is counted (`undefined` where JSON would leave
 * it out is not). Pure: no schema library, so the browser bundle can use it. Redaction and cutting are
 * sanitizeTrace's, which runs on the result.
 */
export function repairTrace(input: unknown, options: RepairOptions = {}): RepairedTrace {
  const counter: RepairCounter = { count: 0 };
  let fields: Record<string, unknown>;
  if (isPlainObject(input)) fields = input;
  else {
    // A class instance or an object with another prototype: its own fields, nothing it inherits.
    counter.count++;
    fields = typeof input === "object" && input !== null && !Array.isArray(input) ? Object.fromEntries(Object.entries(input)) : {};
  }
  for (const key of Object.keys(fields)) if (!TRACE_KEYS.has(key)) counter.count++;

  const sentId = typeof fields.trace_id === "string" ? fields.trace_id.toLowerCase() : undefined;
  const traceId = sentId !== undefined && isValidTraceId(sentId) ? sentId : (counter.count++, (options.traceIdFor ?? randomTraceId)(fields.trace_id));
  const endedAt = repairEnd(fields.ended_at, counter);
  const startedAt = repairInstant(fields.started_at, endedAt ?? new Date(options.now ?? Date.now()).toISOString(), counter);
  const toolTraces = repairToolTraces(fields.tool_traces, startedAt, counter);
  const usage = repairUsage(fields.usage, counter);
  const originalId = typeof fields.original_trace_id === "string" ? fields.original_trace_id.toLowerCase() : undefined;
  if (fields.original_trace_id !== undefined && !(originalId && isValidTraceId(originalId))) counter.count++;

  const trace: Trace = {
    trace_id: traceId,
    user_id: repairUserId(fields.user_id, counter),
    skill: fields.skill === undefined || fields.skill === null || typeof fields.skill === "string" ? (fields.skill ?? null) : (counter.count++, stringifyValue(fields.skill)),
    ...repairSessionId(fields.session_id, counter),
    started_at: startedAt,
    ended_at: endedAt !== null && Date.parse(endedAt) < Date.parse(startedAt) ? (counter.count++, startedAt) : endedAt,
    iterations: repairWholeNumber(fields.iterations, LIMITS.maxIterations, 0, counter),
    tool_traces: toolTraces,
    tool_traces_dropped: repairWholeNumber(fields.tool_traces_dropped, Number.MAX_SAFE_INTEGER, 0, counter),
    tool_traces_shortened: repairWholeNumber(fields.tool_traces_shortened, Number.MAX_SAFE_INTEGER, 0, counter),
    final_output: typeof fields.final_output === "string" ? fields.final_output : fields.final_output === undefined ? "" : (counter.count++, stringifyValue(fields.final_output)),
    status: STATUSES.has(fields.status) ? (fields.status as TraceStatus) : (counter.count++, "error"),
    metadata: storableMetadata(fields.metadata, counter),
    ...(usage && { usage }),
    values_repaired: 0,
    ...(originalId && isValidTraceId(originalId) && { original_trace_id: originalId }),
    ...(typeof fields.content_captured === "boolean" && { content_captured: fields.content_captured }),
  };
  if (fields.content_captured !== undefined && typeof fields.content_captured !== "boolean") counter.count++;
  const sentRepaired = repairWholeNumber(fields.values_repaired, Number.MAX_SAFE_INTEGER, 0, counter);
  trace.values_repaired = Math.min(Number.MAX_SAFE_INTEGER, sentRepaired + counter.count);
  return { trace, repaired: counter.count };
}

/** The session id when it is one; a number becomes its text, anything else (or text of the wrong length) is left out, counted. */
function repairSessionId(value: unknown, counter: RepairCounter): { session_id?: string } {
  if (value === undefined || value === null) return {};
  const text = typeof value === "number" && Number.isFinite(value) ? String(value) : value;
  if (typeof text === "string" && text.length >= 1 && text.length <= LIMITS.sessionIdChars) {
    if (text !== value) counter.count++;
    return { session_id: text };
  }
  counter.count++;
  return {};
}

/** The run's end: `null` when absent; a wire instant as it is, else its ISO form, else `null` (unknown), counted. */
function repairEnd(value: unknown, counter: RepairCounter): string | null {
  if (value === undefined || value === null) return null;
  return repairInstant(value, "", counter) || null;
}

function repairToolTraces(value: unknown, startedAt: string, counter: RepairCounter): Trace["tool_traces"] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    counter.count++;
    return [];
  }
  return value.map((call: unknown) => repairToolTrace(call, startedAt, counter));
}
