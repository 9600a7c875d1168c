import { isRetryableCode, MAX_CALL_BYTES, MAX_CALL_TRACE_BYTES, raceTimeout, type RecordTraceBatchItemResult, type RecordTraceResult, type SanitizedTrace } from "@agent-traces/core";
import { ExportTimeoutError, InvalidTraceError, isRetryableError, retryAfterMs, TraceRejectedError, UnexpectedResponseError, type TraceDropReason } from "../errors.js";
import type { ExportContext, TraceExporter } from "../exporter/TraceExporter.js";
import { preparedRun, rekeyRun, runCallBytes, type QueuedRun } from "./QueuedRun.js";
import { backoffDelay, type RetryOptions } from "./retry.js";

/** How often one run is given a new id after `conflict` answers before it is reported instead. */
export const MAX_REKEYS = 3;

/** Where the retrying export settles each run it was given: exactly one of answered, failed or dropped. */
export interface ExportOutcomes {
  answered(run: QueuedRun, result: RecordTraceResult): void;
  /** Not delivered: invalid, refused for good, or out of attempts (`run.attempts` calls made). */
  failed(run: QueuedRun, cause: unknown): void;
  dropped(run: QueuedRun, reason: Extract<TraceDropReason, "signed_out" | "conflict">): void;
  /** Whether the run may still be sent as the exporter's caller now; asked before every call. */
  mayGo(run: QueuedRun): boolean;
  /** The run got a new id (after a `conflict` answer) and goes again. */
  rekeyed(run: QueuedRun): void;
  /** A call is being made. */
  calling(): void;
}

/**
 * The export step of the sender, wrapping a TraceExporter as OpenTelemetry's processors wrap theirs:
 * each call bounded by `timeoutMs`, a batch retried with backoff on retryable errors only, each
 * answer checked, traces the server asked to retry sent again (alone, after the wait it asked for),
 * and a run answered `conflict` sent again under a new id (at most MAX_REKEYS times).
 */
export class RetryingExport {
  constructor(
    private readonly exporter: TraceExporter,
    /** The tracer's sample rate and keep rules, sent with every batch. */
    private readonly context: ExportContext,
    private readonly retry: RetryOptions,
    private readonly timeoutMs: number,
  ) {}

  /** Sends `runs` until each is settled through `outcomes`. Never rejects. */
  async send(runs: readonly QueuedRun[], outcomes: ExportOutcomes): Promise<void> {
    let pending: QueuedRun[] = [];
    for (const run of runs) {
      const prepared = preparedRun(run);
      if (!prepared.ok) outcomes.failed(run, new InvalidTraceError(prepared.message, prepared.fields));
      else if (runCallBytes(run) > MAX_CALL_TRACE_BYTES) outcomes.failed(run, tooLarge(runCallBytes(run)));
      else pending.push(run);
    }
    for (let waits = 0; pending.length > 0; ) {
      pending = pending.filter((run) => outcomes.mayGo(run) || void outcomes.dropped(run, "signed_out"));
      if (pending.length === 0) return;
      const traces = pending.map((run) => (preparedRun(run) as { trace: SanitizedTrace }).trace);
      for (const run of pending) run.attempts++;
      outcomes.calling();
      let answers: RecordTraceBatchItemResult[];
      try {
        const answered: unknown = await raceTimeout(this.exporter.export(traces, this.context), this.timeoutMs, () => {
          throw new ExportTimeoutError(this.timeoutMs);
        });
        if (!answersMatch(answered, traces)) throw new UnexpectedResponseError(answered);
        answers = answered;
      } catch (error) {
        pending = this.giveUpOn(pending, error, outcomes);
        if (pending.length > 0) await sleep(Math.max(backoffDelay(++waits, this.retry), retryAfterMs(error) ?? 0));
        continue;
      }
      const again: QueuedRun[] = [];
      let rejection: TraceRejectedError | undefined;
      pending.forEach((run, index) => {
        const answer = answers[index]!;
        if (!("error" in answer)) {
          if (answer.stored || answer.reason !== "conflict") return outcomes.answered(run, answer);
          if (run.rekeys >= MAX_REKEYS) return outcomes.dropped(run, "conflict");
          rekeyRun(run);
          outcomes.rekeyed(run);
          return void again.push(run);
        }
        const { code, message, fields, retry_after_ms: retryAfter } = answer.error;
        if (code === "invalid-argument") return outcomes.failed(run, new InvalidTraceError(message, fields));
        const error = new TraceRejectedError(code, message, retryAfter);
        if (!isRetryableCode(code) || run.attempts >= this.retry.attempts) return outcomes.failed(run, error);
        again.push(run);
        if (!rejection || (retryAfter ?? 0) > (rejection.retryAfterMs ?? 0)) rejection = error;
      });
      pending = again;
      if (rejection) await sleep(Math.max(backoffDelay(++waits, this.retry), rejection.retryAfterMs ?? 0));
    }
  }

  /** After a failed call: reports the runs it was final for (or that are out of attempts), returns the others. */
  private giveUpOn(runs: readonly QueuedRun[], error: unknown, outcomes: ExportOutcomes): QueuedRun[] {
    const retryable = isRetryableError(error);
    return runs.filter((run) => (retryable && run.attempts < this.retry.attempts) || void outcomes.failed(run, error));
  }
}

/**
 * Why a run is not sent: alone, it is more than one call may carry. Only a run whose stored size the
 * limits leave small but whose JSON is huge gets here (metadata of very many empty maps, say): the
 * server would refuse the call as `invalid-argument`, and a retry cannot help.
 */
function tooLarge(bytes: number): InvalidTraceError {
  return new InvalidTraceError(`Invalid trace: it is ${bytes} bytes as sent, more than one recordTrace call may carry (${MAX_CALL_BYTES} bytes with the call's envelope)`, []);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Whether an exporter answered each trace of the batch, in order (ids compared lowercased: the server lowercases them). */
function answersMatch(answers: unknown, traces: readonly SanitizedTrace[]): answers is RecordTraceBatchItemResult[] {
  return (
    Array.isArray(answers) &&
    answers.length === traces.length &&
    answers.every((answer: unknown, index) => {
      const { trace_id, error, stored } = (answer ?? {}) as { trace_id?: unknown; error?: unknown; stored?: unknown };
      const matches = typeof trace_id === "string" ? trace_id.toLowerCase() === traces[index]!.trace_id.toLowerCase() : trace_id === undefined && error !== undefined;
      return matches && (typeof stored === "boolean" || typeof error === "object");
    })
  );
}
