import { stringifyValue, type ToolTrace } from "@agent-traces/core";
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

// One place for it: the trace repair converts a tool call's input the same way.
export { toolInputFrom } from "@agent-traces/core";
