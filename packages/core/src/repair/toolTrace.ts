import { LIMITS } from "../limits.js";
import { isPlainObject } from "../plainObject.js";
import type { ToolTrace } from "../schema.js";
import { stringifyValue } from "../stringify.js";
import { repairInstant } from "./isoInstant.js";
import { repairWholeNumber } from "./numbers.js";
import type { RepairCounter } from "./repairCounter.js";
import { repairToolInput } from "./toolInput.js";

/** What a tool call without a usable name is stored as. */
export const UNNAMED_TOOL = "(unnamed tool)";

const TOOL_TRACE_KEYS = new Set(["name", "input", "output", "duration_ms", "is_error", "timestamp"]);

/**
 * A tool call the wire schema takes, from any value, defaults applied: a name that is not a non-empty
 * string becomes its text or "(unnamed tool)", the input is repaired (repairToolInput), an output that
 * is not text its text, a duration rounded and clamped to [0, LIMITS.maxDurationMs], `is_error` a
 * boolean, a missing duration 0, a timestamp that is not a wire instant its ISO form or `fallbackTimestamp` (the run's
 * start), unknown fields left out. A value that is not an object is kept as the call's output; of another object only its own fields are read.
 * Each rewrite is counted.
 */
export function repairToolTrace(call: unknown, fallbackTimestamp: string, counter: RepairCounter): ToolTrace {
  let fields: Record<string, unknown>;
  if (isPlainObject(call)) fields = call;
  else {
    // An object with another prototype: its own fields, nothing it inherits.
    counter.count++;
    fields = typeof call === "object" && call !== null && !Array.isArray(call) ? Object.fromEntries(Object.entries(call)) : { output: call };
  }
  for (const key of Object.keys(fields)) if (!TOOL_TRACE_KEYS.has(key)) counter.count++;
  const { name, input, output, duration_ms: duration, is_error: isError, timestamp } = fields;
  return {
    name: typeof name === "string" && name.length > 0 ? name : repairedName(name, counter),
    input: repairToolInput(input, counter),
    output: typeof output === "string" ? output : output === undefined ? "" : (counter.count++, stringifyValue(output)),
    duration_ms: duration === undefined ? (counter.count++, 0) : repairWholeNumber(duration, LIMITS.maxDurationMs, 0, counter),
    is_error: typeof isError === "boolean" ? isError : isError === undefined ? false : (counter.count++, Boolean(isError)),
    timestamp: repairInstant(timestamp, fallbackTimestamp, counter),
  };
}

function repairedName(name: unknown, counter: RepairCounter): string {
  counter.count++;
  const text = name === undefined || name === null ? "" : stringifyValue(name);
  return text.length > 0 ? text : UNNAMED_TOOL;
}
