import { parseJsonText, stringifyValue, type ToolTrace } from "@agent-traces/core";
import { isoString } from "./isoTime.js";

export interface ToolTraceOptions {
  name: string;
  input?: Record<string, unknown>;
  /** What the tool returned; any value, stringified. */
  output?: unknown;
  durationMs: number;
  isError?: boolean;
  /** When the call started; by default `durationMs` before now. */
  timestamp?: Date | string;
}

/** One tool call in wire form, for `TraceContext.addToolTrace` when the call was timed elsewhere. */
export function createToolTrace(options: ToolTraceOptions): ToolTrace {
  const durationMs = Math.max(0, Math.round(options.durationMs));
  const timestamp = options.timestamp ?? new Date(Date.now() - durationMs);
  return {
    name: options.name,
    input: options.input ?? {},
    output: stringifyValue(options.output),
    duration_ms: durationMs,
    is_error: options.isError ?? false,
    timestamp: timestamp instanceof Date ? isoString(timestamp) : timestamp,
  };
}

/**
 * A tool's arguments as a tool call's input: an object as is, a JSON object's text parsed (what
 * frameworks put in their spans), anything else under `arguments`; nothing at all as `{}`.
 */
export function toolInputFrom(args: unknown): Record<string, unknown> {
  const value = typeof args === "string" ? parseJsonText(args) : args;
  if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  return value === undefined || value === "" ? {} : { arguments: value };
}
