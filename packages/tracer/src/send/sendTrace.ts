import { decideRecording, sanitizeTrace, validateTrace, type Sampler, type TraceInput } from "@agent-traces/core";
import { InvalidTraceError, isRetryableError, TraceSendError } from "../errors.js";
import type { RecordTraceResult, TraceExporter } from "../exporter/TraceExporter.js";
import { track } from "./inFlight.js";
import { retry, type RetryOptions } from "./retry.js";

export interface SendOptions {
  exporter: TraceExporter;
  sampler: Sampler;
  retry: RetryOptions;
  onError: (error: TraceSendError) => void;
  onSent?: ((result: RecordTraceResult) => void) | undefined;
}

/**
 * Validates, samples, sanitizes and exports a finished run in the background, with the same code
 * the server runs, so that the server receives what it would store. A success the sampler drops is
 * not sent at all. Returns at once and never throws; `flush()` waits for it.
 */
export function sendTrace(trace: TraceInput, options: SendOptions): void {
  track(send(trace, options));
}

async function send(input: TraceInput, options: SendOptions): Promise<void> {
  const traceId = String(input.trace_id);
  let failure: TraceSendError;
  try {
    const validation = validateTrace(input);
    if (!validation.ok) {
      failure = new TraceSendError(traceId, 0, new InvalidTraceError(validation.message, validation.fields));
    } else {
      const { trace } = validation;
      if (!decideRecording(trace.status, trace.trace_id, options.sampler).store) return;
      const sanitized = sanitizeTrace(trace);
      const outcome = await retry(() => options.exporter.export(sanitized), options.retry, isRetryableError);
      if (outcome.ok) {
        callSafely(options.onSent, outcome.value);
        return;
      }
      failure = new TraceSendError(traceId, outcome.attempts, outcome.error);
    }
  } catch (error) {
    failure = new TraceSendError(traceId, 0, error);
  }
  callSafely(options.onError, failure);
}

/** A throwing callback must not become an unhandled rejection in the agent's process. */
function callSafely<T>(callback: ((value: T) => void) | undefined, value: T): void {
  try {
    callback?.(value);
  } catch (error) {
    console.warn("[agent-traces] a trace callback threw:", error);
  }
}
