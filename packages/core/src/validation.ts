import type { z } from "zod";
import { traceSchema, type Trace } from "./schema.js";

export type TraceValidation =
  | { ok: true; trace: Trace }
  | { ok: false; message: string; fields: string[] };

const MAX_REPORTED_ISSUES = 5;

/** Validates a trace and, when it is invalid, says which fields are wrong and why. */
export function validateTrace(input: unknown): TraceValidation {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return { ok: false, message: "Invalid trace: the payload must be a trace object", fields: [] };
  }
  const result = traceSchema.safeParse(input);
  if (result.success) return { ok: true, trace: result.data };
  const described = result.error.issues.map(describeIssue);
  const fields = described.map((issue) => issue.field);
  const shown = described.slice(0, MAX_REPORTED_ISSUES).map((issue) => `${issue.field}: ${issue.message}`);
  const more = described.length - shown.length;
  const message = `Invalid trace: ${shown.join("; ")}${more > 0 ? `; and ${more} more` : ""}`;
  return { ok: false, message, fields };
}

function describeIssue(issue: z.core.$ZodIssue): { field: string; message: string } {
  if (issue.code === "unrecognized_keys") {
    const names = issue.keys.map((key) => formatPath([...issue.path, key]));
    return { field: names.join(", "), message: `unknown field${names.length > 1 ? "s" : ""}, not part of a trace` };
  }
  return { field: formatPath(issue.path), message: issue.message };
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
