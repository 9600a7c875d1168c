import { logger } from "firebase-functions";
import type { TraceErrorReport } from "@agent-traces/admin";

/** Whether this instance has logged a sample-rate mismatch (it logs the first one only). */
let rateMismatchLogged = false;
let keepRulesIgnoredLogged = false;

/** Every log event the functions write, named in one place so they can be found in Cloud Logging. */
export const logs = {
  /** The traces one call stored, in one line (not one per trace): their ids, how many were kept for each reason, and the tool calls dropped to fit. */
  tracesStored(uid: string, stored: readonly { traceId: string; reason: string; toolTracesDropped: number }[]): void {
    if (stored.length === 0) return;
    const reasons: Record<string, number> = {};
    let toolTracesDropped = 0;
    for (const trace of stored) {
      reasons[trace.reason] = (reasons[trace.reason] ?? 0) + 1;
      toolTracesDropped += trace.toolTracesDropped;
    }
    logger.info("traces_stored", { uid, count: stored.length, trace_ids: stored.map((trace) => trace.traceId), reasons, tool_traces_dropped: toolTracesDropped });
  },
  /** The successes one call's sampling left out, in one line. */
  tracesSampledOut(traceIds: readonly string[]): void {
    if (traceIds.length === 0) return;
    logger.debug("traces_sampled_out", { count: traceIds.length, trace_ids: traceIds });
  },
  traceDuplicate(traceId: string): void {
    logger.info("trace_duplicate", { trace_id: traceId });
  },
  /** Another run holds the id (another caller's, or another run of `uid`'s): nothing written, answered `conflict`. */
  traceConflict(traceId: string, uid: string): void {
    logger.warn("trace_conflict", { trace_id: traceId, uid });
  },
  /** Firestore refused one trace's document (a value validation let through): answered `invalid-argument`, the others of the call stored. */
  traceWriteRefused(traceId: string, uid: string, reason: string): void {
    logger.error("trace_write_refused", { trace_id: traceId, uid, reason });
  },
  /** `fields` is already capped (core's MAX_REPORTED_FIELDS). */
  traceRejected(fields: string[], uid: string | undefined): void {
    logger.warn("trace_rejected", { fields, uid });
  },
  /** Checking, sanitizing or building a valid trace threw: a bug of ours (answered `internal`). */
  tracePrepareFailed(traceId: string | undefined, error: unknown): void {
    logger.error("trace_prepare_failed", { trace_id: traceId, error: error instanceof Error ? error.stack ?? error.message : String(error) });
  },
  /** A caller over its per-minute limit: `refused` traces answered `resource-exhausted`. */
  traceRateLimited(uid: string, refused: number, retryAfterMs: number): void {
    logger.warn("trace_rate_limited", { uid, refused, retry_after_ms: retryAfterMs });
  },
  /** A call whose body is over MAX_CALL_BYTES: answered `invalid-argument` before any of it was read. */
  callTooLarge(bodyBytes: number, uid: string | undefined): void {
    logger.warn("trace_call_too_large", { body_bytes: bodyBytes, uid });
  },
  /** A call that did not fit beside the calls this instance holds (its in-flight budget): answered `resource-exhausted` with retry_after_ms. */
  callOverBudget(bodyBytes: number, bytesInFlight: number, callsInFlight: number, retryAfterMs: number, uid: string | undefined): void {
    logger.warn("trace_call_over_budget", { body_bytes: bodyBytes, bytes_in_flight: bytesInFlight, calls_in_flight: callsInFlight, retry_after_ms: retryAfterMs, uid });
  },
  /** Once per instance and function: params that cannot be used; the function refuses to run until they are fixed. */
  configInvalid(functionName: string, problems: readonly { param: string; problem: string }[]): void {
    logger.error("config_invalid", { function: functionName, params: problems.map((problem) => problem.param), problems: problems.map((problem) => problem.problem) });
  },
  /** Once per instance: a param's bad value was replaced by its default (see ConfigCheck.ignored); the function works on. */
  configIgnored(functionName: string, problems: readonly { param: string; problem: string }[]): void {
    logger.warn("config_param_ignored", { function: functionName, params: problems.map((problem) => problem.param), problems: problems.map((problem) => problem.problem) });
  },
  /** Once per instance: a batch's `keep_rules` could not be read and was taken as none (its traces are stored all the same). */
  senderKeepRulesIgnored(uid: string): void {
    if (keepRulesIgnoredLogged) return;
    keepRulesIgnoredLogged = true;
    logger.warn("trace_keep_rules_ignored", { uid });
  },
  /** Once per instance: a sender samples successes at another rate than the server. */
  sampleRateMismatch(senderRate: number, serverRate: number, keptRate: number): void {
    if (rateMismatchLogged) return;
    rateMismatchLogged = true;
    logger.warn("trace_sample_rate_mismatch", { sender_sample_rate: senderRate, server_sample_rate: serverRate, stored_sample_rate: keptRate });
  },
  /** Writes that failed (past the deadline: every write of the call; some may have landed, and a retry answers duplicate). */
  traceWritesFailed(traceIds: string[], error: unknown): void {
    logger.error("trace_write_failed", { trace_ids: traceIds, error: String(error) });
  },
  /** A rating stored (`replaced`: the rater's previous rating of the run, which it replaced); `run_stored`: the run sent with it is stored (by this call, or an earlier attempt of it). */
  feedbackRecorded(traceId: string, uid: string, rating: string, replaced: string | undefined, runStored: boolean): void {
    logger.info("feedback_recorded", { trace_id: traceId, uid, rating, replaced, run_stored: runStored });
  },
  /** `fields` is already capped (core's MAX_REPORTED_FIELDS). */
  feedbackRejected(fields: string[], uid: string): void {
    logger.warn("feedback_rejected", { fields, uid });
  },
  /** Feedback on an id no stored run has (sampled out and not sent with it, or expired): answered `not-found`, nothing written. */
  feedbackRunNotFound(traceId: string, uid: string): void {
    logger.info("feedback_run_not_found", { trace_id: traceId, uid });
  },
  /** Feedback from a caller who may not rate the run (`reason`: another caller's run, or another run under its id): answered `permission-denied`, nothing written. */
  feedbackRefused(traceId: string, uid: string, reason: "not_the_sender" | "conflict"): void {
    logger.warn("feedback_refused", { trace_id: traceId, uid, reason });
  },
  /** Storing a rating failed (the run sent with it may have been stored: a retry finds it `duplicate`). */
  feedbackWriteFailed(traceId: string, error: unknown): void {
    logger.error("feedback_write_failed", { trace_id: traceId, error: String(error) });
  },
  /** One structured entry per report: WARNING at or above the threshold, so alerts can key on it. */
  errorReport(report: TraceErrorReport, overThreshold: boolean): void {
    const entry = {
      window_start: report.window_start,
      window_end: report.window_end,
      failures: report.failures,
      errors: report.errors,
      timeouts: report.timeouts,
      users_affected: report.users_affected,
      estimated_runs: report.estimated_runs,
      // The estimate ± this covers the true number of runs about 95% of the time.
      estimated_runs_margin_95: report.estimate.margin_95,
      estimated_error_rate: report.estimated_error_rate,
      change_failures: report.change.failures,
      // Thumbs-down ratings updated in the window (exact); null when they could not be read.
      negative_feedback: report.negative_feedback.ratings,
      // Skills whose runs and error rate were estimated; null when their queries failed (report.skill_estimates.label says why).
      skill_estimates: report.skill_estimates?.skills,
      top_error: report.top_errors[0]?.message,
      truncated: report.truncated,
      // Estimated (successes weighted by 1 / their sample rate): see report.usage.label.
      usage_input_tokens: report.usage.input_tokens,
      usage_output_tokens: report.usage.output_tokens,
      // USD of the priced tokens (null when none was priced); the models without a price are named, never counted as $0.
      usage_cost_usd: report.usage.cost_usd,
      usage_unpriced_models: report.usage.unpriced_models,
    };
    if (overThreshold) logger.warn("trace_error_report", entry);
    else logger.info("trace_error_report", entry);
  },
  reportWebhookSent(windowStart: string): void {
    logger.info("trace_error_report_webhook_sent", { window_start: windowStart });
  },
  reportWebhookFailed(windowStart: string, error: unknown): void {
    logger.error("trace_error_report_webhook_failed", { window_start: windowStart, error: String(error) });
  },
  /** An Auth user was deleted: their erasure started under receipt `erasureId` (no uid is logged: the receipt holds its hash). */
  erasureStarted(erasureId: string, reason: string): void {
    logger.info("trace_erasure_started", { erasure_id: erasureId, reason });
  },
  /** An Auth user was deleted while ERASE_ON_USER_DELETE is false: nothing erased. */
  erasureSkipped(eventId: string): void {
    logger.info("trace_erasure_skipped", { event_id: eventId, reason: "ERASE_ON_USER_DELETE is false" });
  },
  /** The same deletion event again: its erasure exists already, nothing started. */
  erasureDuplicateEvent(erasureId: string): void {
    logger.info("trace_erasure_duplicate_event", { erasure_id: erasureId });
  },
  /** A run of an erasure ended: `outcome` done, continued (the next run starts) or superseded (a duplicate run). */
  erasureRunEnded(erasureId: string, run: number, batches: number, outcome: string): void {
    logger.info("trace_erasure_run_ended", { erasure_id: erasureId, run, batches, outcome });
  },
  /** A running user erasure whose subject document is gone: it cannot continue (someone removed it by hand). */
  erasureWithoutSubject(erasureId: string): void {
    logger.error("trace_erasure_without_subject", { erasure_id: erasureId });
  },
};
