import { describeContent, LIMITS, MAX_CALL_TRACE_BYTES, raceTimeout, redactAndCut, type FeedbackInput, type SanitizedTrace } from "@agent-traces/core";
import { ExportTimeoutError, isRetryableError, retryAfterMs } from "../errors.js";
import type { BatchTraceProcessor } from "../export/BatchTraceProcessor.js";
import type { HeldRuns } from "../export/HeldRuns.js";
import { preparedRun, runCallBytes, type QueuedRun } from "../export/QueuedRun.js";
import { backoffDelay, type RetryOptions } from "../export/retry.js";
import type { ExportContext, TraceExporter } from "../exporter/TraceExporter.js";
import { answeredFeedback, failedFeedback, type FeedbackResult, type UserFeedback } from "./FeedbackResult.js";

/** How long a rating waits for its run's own answer when the run is still queued or being sent. */
export const RUN_ANSWER_WAIT_MS = 30_000;

export interface FeedbackSenderOptions {
  exporter: TraceExporter;
  processor: BatchTraceProcessor;
  held: HeldRuns | undefined;
  /** The rate the tracer samples successes at and its keep rules, sent with a held run (as with a batch). */
  context: ExportContext;
  retry: RetryOptions;
  /** How long one call may take before it counts as failed (retryable). */
  timeoutMs: number;
  /** `false`: a comment is sent as its description (core's describeContent), like a run's text. */
  captureContent: boolean;
}

/**
 * Sends users' ratings of runs (the exporter's sendFeedback), one rating of a run after the other, each
 * after its run's own answer when the run is still queued (bounded by RUN_ANSWER_WAIT_MS), with the run
 * itself when it is a held success rated `down` (released once recorded), retried like trace sends.
 * Never rejects.
 */
export class FeedbackSender {
  /** The rating of each run being sent now: the next one of the same run waits for it (the server keeps the last). */
  private readonly sending = new Map<string, Promise<FeedbackResult>>();

  constructor(private readonly options: FeedbackSenderOptions) {}

  /** Whether the run is queued, being sent, or held here. */
  has(traceId: string): boolean {
    const id = traceId.toLowerCase();
    return this.options.held?.get(id) !== undefined || this.options.processor.isUnsettled(id);
  }

  send(traceId: string, feedback: UserFeedback): Promise<FeedbackResult> {
    try {
      const invalid = checkFeedback(traceId, feedback);
      if (invalid) return Promise.resolve(invalid);
      const id = traceId.toLowerCase();
      const previous = this.sending.get(id);
      const result = (previous ? previous.then(() => this.sendNow(id, feedback)) : this.sendNow(id, feedback)).catch((error: unknown) => failedFeedback(error, 0));
      this.sending.set(id, result);
      void result.then(() => {
        if (this.sending.get(id) === result) this.sending.delete(id);
      });
      return result;
    } catch (error) {
      return Promise.resolve(failedFeedback(error, 0));
    }
  }

  private async sendNow(traceId: string, feedback: UserFeedback): Promise<FeedbackResult> {
    const { processor, held } = this.options;
    // A run still queued: its answer first (it may be stored, re-keyed, or sampled out by the server and held).
    const queued = await processor.whenSettled(traceId, RUN_ANSWER_WAIT_MS);
    const owner = processor.currentOwner;
    const heldRun = feedback.rating === "down" ? held?.get(traceId) : undefined;
    const trace = heldRun && sendableTrace(heldRun);
    const payload: FeedbackInput = {
      trace_id: trace?.trace_id ?? queued?.traceId ?? processor.storedIdOf(traceId) ?? traceId,
      rating: feedback.rating,
      ...(feedback.value !== undefined && { value: feedback.value }),
      ...(feedback.comment !== undefined && { comment: this.options.captureContent ? commentAsSent(feedback.comment) : describeContent(feedback.comment) }),
      ...(feedback.tags !== undefined && { tags: feedback.tags }),
      ...(trace && { trace, sample_rate: this.options.context.sampleRate, keep_rules: this.options.context.keepRules }),
    };
    const result = await this.call(payload, owner);
    if (heldRun && result.recorded) held?.release(heldRun);
    return result;
  }

  /** One rating, retried on retryable errors with the tracer's backoff while the caller stays the same. */
  private async call(payload: FeedbackInput, owner: string | null | undefined): Promise<FeedbackResult> {
    const { exporter, retry, timeoutMs, processor } = this.options;
    if (typeof exporter.sendFeedback !== "function") return { recorded: false, reason: "failed", message: "the tracer's exporter cannot send feedback (it has no sendFeedback)" };
    for (let attempt = 1; ; attempt++) {
      if (owner !== undefined && processor.currentOwner !== owner) {
        return { recorded: false, reason: "failed", message: "the signed-in user changed before the feedback was recorded (it is never sent as another user)" };
      }
      try {
        const answer: unknown = await raceTimeout(exporter.sendFeedback(payload), timeoutMs, () => {
          throw new ExportTimeoutError(timeoutMs);
        });
        return answeredFeedback(answer, String(payload.trace_id).toLowerCase());
      } catch (error) {
        if (!isRetryableError(error) || attempt >= retry.attempts) return failedFeedback(error, attempt);
        await sleep(Math.max(backoffDelay(attempt, retry), retryAfterMs(error) ?? 0));
      }
    }
  }
}

/** The held run as sent with its rating: prepared like a queued run; `undefined` when it cannot be sent (then the rating goes alone). */
function sendableTrace(run: QueuedRun): SanitizedTrace | undefined {
  const prepared = preparedRun(run);
  return prepared.ok && runCallBytes(run) <= MAX_CALL_TRACE_BYTES ? prepared.trace : undefined;
}

/** What can be told wrong without the server: an id that is not text, a rating that is not up or down. */
function checkFeedback(traceId: unknown, feedback: UserFeedback | undefined): FeedbackResult | undefined {
  if (typeof traceId !== "string") return { recorded: false, reason: "invalid", message: `trace_id: must be a string of 32 hex digits (a W3C trace id), got ${typeof traceId}` };
  const rating: unknown = (feedback as { rating?: unknown } | undefined)?.rating;
  if (rating !== "up" && rating !== "down") return { recorded: false, reason: "invalid", message: 'rating: must be "up" or "down"' };
  return undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A comment as sent: redacted and cut here as the server would store it, so that a long one never makes the call too big to send a held run with. */
function commentAsSent(comment: string): string {
  return typeof comment === "string" ? redactAndCut(comment, LIMITS.feedbackCommentChars) : comment;
}
