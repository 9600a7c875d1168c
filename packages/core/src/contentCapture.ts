import { isPlainObject } from "./plainObject.js";
import { REDACTED } from "./redact.js";
import { toJsonValue } from "./repair/jsonValue.js";
import { repairToolInput } from "./repair/toolInput.js";
import type { Trace, TraceInput } from "./schema.js";
import { lengthBeforeCut } from "./text.js";

/**
 * Content capture off: a run's shape without its content. Tool names, durations, statuses, counts,
 * sizes and key names stay; tool input values, tool outputs, the final output and `metadata.error`
 * become a description of what they were (type and length). The rest of `metadata` is the
 * developer's own labels and is kept as sent.
 */

/** What the viewer and the CLI say about a run stored with content capture off. */
export const CONTENT_NOT_CAPTURED_NOTICE = "Content not captured: inputs, outputs, the final output and the error show only their type and length.";

/** Exactly the descriptions describeContent writes: no free text fits, so none can hide in one. */
const DESCRIPTION_PATTERN = /^\[not captured: (?:string, [1-9]\d* chars?|number|boolean|null|undefined|bigint|function|symbol|object, (?:0|[1-9]\d*) keys?|array, (?:0|[1-9]\d*) items?)\]$/;

const HEAD = "[not captured: ";
const PLAIN_TYPES = ["number", "boolean", "null", "undefined", "bigint", "function", "symbol"];
const COUNTED_UNITS: Record<string, string> = { string: "char", object: "key", array: "item" };

/**
 * Whether `value` is a description describeContent wrote (a value that was not captured), whole or as
 * the byte budget shortened it (a start of one, then a cut marker: see sanitize's boundToolTraces).
 */
export function isContentDescription(value: unknown): boolean {
  if (typeof value !== "string") return false;
  if (DESCRIPTION_PATTERN.test(value)) return true;
  const cut = CUT_DESCRIPTION_PATTERN.exec(value);
  return cut !== null && startsDescription(cut[1]!);
}

/** A text cut to its start and a marker, as cutText and shortenText write it. */
const CUT_DESCRIPTION_PATTERN = /^(.{0,60})…\[truncated, [1-9]\d{0,15} chars\]$/su;

/** Whether `text` is how a description starts: nothing else fits, so no free text passes. */
function startsDescription(text: string): boolean {
  if (HEAD.startsWith(text)) return true;
  if (!text.startsWith(HEAD)) return false;
  const rest = text.slice(HEAD.length);
  if (PLAIN_TYPES.some((type) => `${type}]`.startsWith(rest))) return true;
  for (const [type, unit] of Object.entries(COUNTED_UNITS)) {
    if (`${type}, `.startsWith(rest)) return true;
    const counted = new RegExp(`^${type}, \\d+(.*)$`, "su").exec(rest);
    if (counted && [` ${unit}]`, ` ${unit}s]`].some((end) => end.startsWith(counted[1]!))) return true;
  }
  return false;
}

/**
 * What a value was, in place of the value: `[not captured: string, 42 chars]`, `[not captured: object,
 * 3 keys]`, `[not captured: array, 2 items]`, `[not captured: number]`… A string's length is the one it
 * had before it was cut (a cut marker's); the empty string stays `""`, and a description and the
 * redaction marker stay as they are, so describing twice is describing once.
 */
export function describeContent(value: unknown): string {
  if (typeof value === "string") {
    // What sanitizing already replaced (a sensitive key's value) holds no content either.
    if (value === "" || value === REDACTED || isContentDescription(value)) return value;
    // A cut string says the length it had; a marker that cannot be that (shorter, or not a safe integer) is not believed.
    const before = lengthBeforeCut(value);
    const length = before !== undefined && Number.isSafeInteger(before) && before > value.length ? before : value.length;
    return description(`string, ${plural(length, "char")}`);
  }
  if (value === null) return description("null");
  if (Array.isArray(value)) return description(`array, ${plural(value.length, "item")}`);
  if (typeof value === "object") return description(`object, ${plural(ownKeyCount(value), "key")}`);
  return description(typeof value);
}

/**
 * The run without its content (see the top of this file), marked `content_captured: false`. Pure (only
 * a getter that throws makes it throw). On a validated Trace every content field is described; on a
 * TraceInput as a producer built it, what is not of the wire type is described too where it would carry
 * content to the wire (a tool call that is not an object; an input or metadata that is not a plain
 * object, read as repair reads it), and the rest is left to validation and repair. Run it before
 * sanitizing: lengths are the original's.
 */
export function omitContent<T extends Trace | TraceInput>(trace: T): T {
  if (!isObject(trace)) return trace;
  const fields = trace as Record<string, unknown>;
  const omitted: Record<string, unknown> = { ...fields, content_captured: false };
  if (fields.final_output !== undefined) omitted.final_output = describeContent(fields.final_output);
  if (Array.isArray(fields.tool_traces)) omitted.tool_traces = fields.tool_traces.map(omitToolContent);
  // Metadata that is not a plain object (a Map, a class instance) is read as repair reads it.
  const metadata = isObject(fields.metadata) && !isPlainObject(fields.metadata) ? toJsonValue(fields.metadata) : fields.metadata;
  if (isPlainObject(metadata) && Object.hasOwn(metadata, "error")) omitted.metadata = { ...metadata, error: describeContent(metadata.error) };
  return omitted as T;
}

/** One tool call without its input values and output; a call that is not an object is described whole (repair keeps it as the output). */
function omitToolContent(call: unknown): unknown {
  if (!isObject(call) || Array.isArray(call)) return describeContent(call);
  const fields = call as Record<string, unknown>;
  const omitted: Record<string, unknown> = { ...fields };
  if (fields.output !== undefined) omitted.output = describeContent(fields.output);
  if (fields.input !== undefined) {
    // An input that is not a plain object is read as repair reads it (JSON text parsed, a Map's entries…): its keys stay.
    const input = isPlainObject(fields.input) ? fields.input : repairToolInput(fields.input, { count: 0 });
    omitted.input = Object.fromEntries(Object.entries(input).map(([key, value]) => [key, describeContent(value)]));
  }
  return omitted;
}

function description(what: string): string {
  return `[not captured: ${what}]`;
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? "" : "s"}`;
}

function ownKeyCount(value: object): number {
  try {
    return value instanceof Map || value instanceof Set ? value.size : Object.keys(value).length;
  } catch {
    // A proxy whose ownKeys trap throws.
    return 0;
  }
}

function isObject(value: unknown): value is object {
  return typeof value === "object" && value !== null;
}
