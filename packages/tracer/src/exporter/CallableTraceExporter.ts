import type { SanitizedTrace } from "@agent-traces/core";
import { httpsCallable, type Functions, type HttpsCallable } from "firebase/functions";
import { UnexpectedResponseError } from "../errors.js";
import { isRecordTraceResult, type RecordTraceResult, type TraceExporter } from "./TraceExporter.js";

/** How long one recordTrace call may take by default; recordTrace gives up on its write before this. */
export const DEFAULT_CALL_TIMEOUT_MS = 10_000;

export interface CallableTraceExporterOptions {
  /** The callable's name. */
  name?: string;
  /** How long one call may take before it fails with `functions/deadline-exceeded`. */
  timeoutMs?: number;
}

/** Sends traces to the `recordTrace` callable function through the Firebase JS SDK. */
export class CallableTraceExporter implements TraceExporter {
  private readonly recordTrace: HttpsCallable<SanitizedTrace, unknown>;

  constructor(functions: Functions, options: CallableTraceExporterOptions = {}) {
    this.recordTrace = httpsCallable<SanitizedTrace, unknown>(functions, options.name ?? "recordTrace", {
      timeout: options.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS,
    });
  }

  async export(trace: SanitizedTrace): Promise<RecordTraceResult> {
    const { data } = await this.recordTrace(trace);
    if (!isRecordTraceResult(data)) throw new UnexpectedResponseError(data);
    return data;
  }
}
