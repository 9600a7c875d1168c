import type { z } from "zod";
import { traceSchema, type Trace } from "./schema.js";
import { cutText } from "./text.js";

export type TraceValidation =
  | { ok: true; trace: Trace }
  | { ok: false; message: string; fields: string[] };

/** Issues spelled out in a rejection's message. */
const MAX_REPORTED_ISSUES = 5;
/** Field paths listed in a rejection (its `fields`, and the logs): a payload can hold millions of bad ones. */
export const MAX_REPORTED_FIELDS = 20;
/** Characters of one field path or issue message named in a rejection (a key may be megabytes long). */
const MAX_REPORTED_CHARS = 200;

/**
 * Validates a trace and, when it is invalid, says which fields are wrong and why. `at` is where the
 * trace sits in a larger payload (`["traces", 3]`): every field path named starts with it.
 */
export function validateTrace(input: unknown, at: readonly PropertyKey[] = []): TraceValidation {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    const where = at.length > 0 ? `${formatPath(at)}: ` : "the payload ";
    return { ok: false, message: `Invalid trace: ${where}must be a trace object`, fields: at.length > 0 ? [formatPath(at)] : [] };
  }
  const result = traceSchema.safeParse(input);
  if (result.success) return { ok: true, trace: result.data };
  return { ok: false, ...describeInvalid("trace", result.error.issues, at) };
}

/**
 * "Invalid <what>: field: why; …" for a failed zod parse (the first few issues), and the paths of the
 * first MAX_REPORTED_FIELDS bad fields, each starting with `at` and cut to a readable length.
 */
export function describeInvalid(what: string, issues: readonly z.core.$ZodIssue[], at: readonly PropertyKey[] = []): { message: string; fields: string[] } {
  const described = issues.flatMap((issue) => describeIssue({ ...issue, path: [...at, ...issue.path] } as z.core.$ZodIssue, what));
  const fields = described.slice(0, MAX_REPORTED_FIELDS).map((issue) => issue.field);
  const shown = described.slice(0, MAX_REPORTED_ISSUES).map((issue) => `${issue.field}: ${issue.message}`);
  const more = described.length - shown.length;
  return { message: `Invalid ${what}: ${shown.join("; ")}${more > 0 ? `; and ${more} more` : ""}`, fields };
}

/** One entry per bad field (an unknown-keys issue names several), path and message cut. */
function describeIssue(issue: z.core.$ZodIssue, what: string): { field: string; message: string }[] {
  if (issue.code === "unrecognized_keys") {
    return issue.keys.slice(0, MAX_REPORTED_FIELDS).map((key) => ({ field: reportable(formatPath([...issue.path, key])), message: `unknown field, not part of a ${what}` }));
  }
  return [{ field: reportable(formatPath(issue.path)), message: reportable(issue.message) }];
}

function reportable(text: string): string {
  return cutText(text, MAX_REPORTED_CHARS);
}

/** `tool_traces[2].input["api key"]`: the path as a reader would write it. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else if (typeof segment === "string" && /^[A-Za-z_][A-Za-z0-9_]*$/.test(segment)) text += text ? `.${segment}` : segment;
    else text += `[${JSON.stringify(String(segment))}]`;
  }
  return text || "(trace)";
}
