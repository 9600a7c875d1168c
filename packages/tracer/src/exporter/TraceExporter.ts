import type { FeedbackInput, KeepRules, RecordFeedbackResult, RecordTraceBatchItemResult, SanitizedTrace } from "@agent-traces/core";
import type { CallerIdentity } from "./CallerIdentity.js";

export type { FeedbackInput, RecordFeedbackResult, RecordTraceBatchItemResult, RecordTraceReason, RecordTraceResult, TraceRejection } from "@agent-traces/core";

/** What an exporter is told about a batch besides its traces. */
export interface ExportContext {
  /** The rate the tracer sampled successes at; the server stores the lower of it and its own. */
  sampleRate: number;
  /**
   * The keep rules the tracer sent successes by besides sampling, in wire form (a batch's `keep_rules`):
   * the server checks each against the trace itself, so that a run kept by one is weighted as kept for sure.
   */
  keepRules: KeepRules;
}

/**
 * Sends a batch of finished, sanitized traces (1 to 100) to where traces are stored. Resolves with
 * one answer per trace, in the batch's order; rejects when the batch as a whole was not delivered.
 */
export interface TraceExporter {
  /**
   * Who the calls go as, when that can change (a signed-in user): the tracer then sends a run only
   * while the user who recorded it is the caller (see README, "In the browser").
   */
  readonly caller?: CallerIdentity | undefined;
  export(traces: readonly SanitizedTrace[], context: ExportContext): Promise<RecordTraceBatchItemResult[]>;
  /**
   * Sends one rating of a run (core's feedbackSchema: with the run itself when the tracer held it) and
   * resolves with the answer (core's recordFeedbackResultSchema); rejects with the call's error, its
   * `code` the callable's (`not-found`, `permission-denied`, …). Without it, `tracer.feedback()` answers `failed`.
   */
  sendFeedback?(feedback: FeedbackInput): Promise<RecordFeedbackResult>;
}
