import { LIMITS } from "./limits.js";
import { REDACTED, redactValue } from "./redact.js";
import type { ToolTrace } from "./schema.js";
import { redactAndCut, storedKey } from "./sanitizeText.js";
import { stringifyValue } from "./stringify.js";
import { cutText, wellFormed } from "./text.js";

export type SanitizedToolTrace = Omit<ToolTrace, "input"> & { input: Record<string, string> };

/** A tool call sanitized at the per-field limits, with the length each text field had before redaction. */
export interface SanitizedToolFields {
  tool: SanitizedToolTrace;
  /** By stored key. */
  inputLengths: Map<string, number>;
  outputLength: number;
}

/** Redacts a tool call and cuts its name, keys, input values and output to their limits. Pure. */
export function sanitizeToolTrace(tool: ToolTrace): SanitizedToolTrace {
  return sanitizeToolFields(tool).tool;
}

export function sanitizeToolFields(tool: ToolTrace): SanitizedToolFields {
  const input: Record<string, string> = {};
  const inputLengths = new Map<string, number>();
  for (const [key, value] of Object.entries(tool.input).slice(0, LIMITS.toolInputKeys)) {
    const { stored, sensitive } = storedKey(key);
    // A string is redacted by redactAndCut, and only as far as it survives the cut.
    const text = sensitive ? REDACTED : typeof value === "string" ? value : stringifyValue(redactValue(value));
    input[stored] = redactAndCut(text, LIMITS.toolInputValueChars);
    inputLengths.set(stored, text.length);
  }
  return {
    tool: {
      name: cutText(wellFormed(tool.name), LIMITS.toolNameChars),
      input,
      output: redactAndCut(tool.output, LIMITS.toolOutputChars),
      duration_ms: tool.duration_ms,
      is_error: tool.is_error,
      timestamp: tool.timestamp,
    },
    inputLengths,
    outputLength: tool.output.length,
  };
}
