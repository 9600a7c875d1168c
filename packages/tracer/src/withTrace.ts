import { TraceIdRatioBasedSampler } from "@agent-traces/core";
import type { Functions } from "firebase/functions";
import { runWithTrace } from "./context.js";
import type { TraceSendError } from "./errors.js";
import { CallableTraceExporter } from "./exporter/CallableTraceExporter.js";
import type { RecordTraceResult, TraceExporter } from "./exporter/TraceExporter.js";
import { resolveRetryOptions, type RetryOptions } from "./send/retry.js";
import { sendTrace } from "./send/sendTrace.js";
import { TraceContext } from "./TraceContext.js";

interface CommonTraceOptions {
  userId?: string | number;
  skill?: string;
  metadata?: Record<string, unknown>;
  /** The share of successful runs kept, from 0 to 1; must equal the server's sample rate. Default 0.1. */
  sampleRate?: number;
  retry?: Partial<RetryOptions>;
  /** Told why a trace was not recorded. Default: one `console.warn` line. */
  onError?: (error: TraceSendError) => void;
  /** Told the server's answer for each trace sent. */
  onSent?: (result: RecordTraceResult) => void;
}

/** Where traces go: the `recordTrace` callable of a Firebase project, or any exporter. */
export type WithTraceOptions = CommonTraceOptions &
  ({ functions: Functions; exporter?: undefined } | { exporter: TraceExporter; functions?: undefined });

export const DEFAULT_SAMPLE_RATE = 0.1;

/**
 * Runs one agent run inside a trace and returns what `run` returns; an error it throws is rethrown
 * as is. The trace is the current trace (`getCurrentTrace()`) throughout `run`'s async call tree.
 * When the run ends the trace is sent in the background: errors and timeouts always, successes
 * at `sampleRate`. Sending never throws here; failures go to `onError`.
 */
export async function withTrace<T>(options: WithTraceOptions, run: (trace: TraceContext) => Promise<T> | T): Promise<T> {
  const exporter = resolveExporter(options);
  const sampler = new TraceIdRatioBasedSampler(resolveSampleRate(options.sampleRate));
  const retry = resolveRetryOptions(options.retry);
  const trace = new TraceContext({ userId: options.userId, skill: options.skill, metadata: options.metadata });

  const send = () => {
    // Sent outside this trace so that nothing the exporter does is attributed to the run.
    runWithTrace(undefined, () =>
      sendTrace(trace.toTraceInput(), { exporter, sampler, retry, onError: options.onError ?? warn, onSent: options.onSent }),
    );
  };
  let result: T;
  try {
    result = await runWithTrace(trace, () => run(trace));
  } catch (error) {
    trace.end({ threw: true, error });
    send();
    throw error;
  }
  trace.end({ threw: false });
  send();
  return result;
}

function resolveExporter(options: WithTraceOptions): TraceExporter {
  if (options.functions && options.exporter) throw new TypeError("withTrace: pass either functions or exporter, not both");
  if (options.exporter) return options.exporter;
  if (options.functions) return new CallableTraceExporter(options.functions);
  throw new TypeError("withTrace: pass functions (a Firebase Functions instance) or an exporter");
}

function resolveSampleRate(sampleRate = DEFAULT_SAMPLE_RATE): number {
  if (!(sampleRate >= 0 && sampleRate <= 1)) throw new RangeError(`withTrace: sampleRate must be between 0 and 1, got ${sampleRate}`);
  return sampleRate;
}

function warn(error: TraceSendError): void {
  console.warn(`[agent-traces] ${error.message}`);
}
