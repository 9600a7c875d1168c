import { isRetryableCode } from "@agent-traces/core";

/** Why a trace was not recorded; passed to `onError`. The agent never sees it thrown. */
export class TraceSendError extends Error {
  override readonly name = "TraceSendError";
  readonly traceId: string;
  /** Calls made to the exporter; 0 when the trace was invalid and never sent. */
  readonly attempts: number;
  declare readonly cause: unknown;

  constructor(traceId: string, attempts: number, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    const when = attempts === 0 ? "was not sent" : `was not recorded after ${attempts} attempt${attempts === 1 ? "" : "s"}`;
    super(`trace ${traceId} ${when}: ${reason}`, { cause });
    this.traceId = traceId;
    this.attempts = attempts;
  }
}

/** The cause of a `TraceSendError` for a trace that failed the wire schema. */
export class InvalidTraceError extends Error {
  override readonly name = "InvalidTraceError";
  /** The invalid fields, e.g. `metadata.grid[0]`. */
  readonly fields: string[];

  constructor(message: string, fields: string[]) {
    super(message);
    this.fields = fields;
  }
}

/** The cause of a `TraceSendError` for a trace the server refused on its own: over the sender's rate limit (`resource-exhausted`, after the retries) or a server bug (`internal`). */
export class TraceRejectedError extends Error {
  override readonly name = "TraceRejectedError";
  readonly code: "resource-exhausted" | "internal";
  /** How long the server asked the sender to wait before sending it again. */
  readonly retryAfterMs: number | undefined;

  constructor(code: "resource-exhausted" | "internal", message: string, retryAfterMs?: number) {
    super(message);
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * Why a run was dropped: the tracer's queue was full (`queue_full`), it ended after shutdown()
 * (`shut_down`), the user who recorded it is no longer the signed-in user and it is never sent as
 * another (`signed_out`), the server answered `conflict` for every id it was given (`conflict`); or, in an adapter, it was still open when newer runs pushed it out (`evicted`) or
 * when it outlived the adapter's age bound (`expired`).
 */
export type TraceDropReason = "queue_full" | "shut_down" | "signed_out" | "conflict" | "evicted" | "expired";

/** The cause of a `TraceSendError` for a run dropped before it was sent (see TraceDropReason). */
export class TraceDroppedError extends Error {
  override readonly name = "TraceDroppedError";
  readonly reason: TraceDropReason;

  /** `count`: the traces queued (`queue_full`), the open-run bound (`evicted`), the age bound in ms (`expired`). */
  constructor(reason: TraceDropReason, count: number) {
    super(
      reason === "queue_full"
        ? `dropped: the tracer's queue was full (${count} traces waiting)`
        : reason === "shut_down"
          ? "dropped: the tracer was shut down"
          : reason === "signed_out"
            ? "dropped: the user who recorded it is no longer signed in (a run is never sent as another user)"
            : reason === "conflict"
              ? "dropped: the server answered conflict for every id the run was sent under"
              : reason === "evicted"
            ? `dropped: the run was still open when newer runs went over ${count} open runs, the most the adapter follows`
            : `dropped: the run was still open after ${count} ms, the longest the adapter follows one`,
    );
    this.reason = reason;
  }
}

/** The cause of a `TraceSendError` when one export call took longer than the tracer's `exportTimeoutMs` (retryable). */
export class ExportTimeoutError extends Error {
  override readonly name = "ExportTimeoutError";
  /** A callable code, so that isRetryableError retries it like the SDK's own deadline. */
  readonly code = "deadline-exceeded";

  constructor(timeoutMs: number) {
    super(`the export call took longer than ${timeoutMs} ms`);
  }
}

/** The cause of a `TraceSendError` when the exporter's answer did not have the expected shape. */
export class UnexpectedResponseError extends Error {
  override readonly name = "UnexpectedResponseError";
  readonly response: unknown;

  constructor(response: unknown) {
    super("recordTrace answered with an unexpected response");
    this.response = response;
  }
}

/** Node and undici codes of a connection that failed or dropped. */
const NETWORK_ERROR_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

/**
 * Whether a failed send may succeed if tried again: a callable code on core's RETRYABLE_CODES, a
 * call the function never answered (the JS SDK's bare `internal`: no HTTP response, or a platform
 * 500 with no callable error body), or a network error. Everything else, such as
 * `invalid-argument`, `unauthenticated`, `failed-precondition` or an `internal` the function
 * answered, is final.
 */
export function isRetryableError(error: unknown): boolean {
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    if (typeof current !== "object") return false;
    const { code, name, message, cause } = current as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === "string") {
      if (NETWORK_ERROR_CODES.has(code)) return true;
      if (code.startsWith("functions/")) return isRetryableCode(code.slice("functions/".length)) || (code === "functions/internal" && isNoCallableAnswer(message));
      if (isRetryableCode(code)) return true;
    }
    // fetch() rejects with `TypeError: fetch failed` (its cause has the code) or aborts on a timeout.
    if (name === "TimeoutError" || (name === "TypeError" && message === "fetch failed")) return true;
    current = cause;
  }
  return false;
}

/**
 * The JS SDK's message when a call has no callable error body: `internal [0]` (fetch failed, or no
 * CORS headers) or `internal [500]` (the platform's own 500: an instance that crashed or could not
 * start). An error the function threw carries its body: `INTERNAL [500]`, or its own message.
 */
function isNoCallableAnswer(message: unknown): boolean {
  return typeof message === "string" && /^internal \[\d+\]$/.test(message);
}

/**
 * How long the server asked the sender to wait, if it did: a call's `details.retry_after_ms`
 * (a FunctionsError), or a rejected trace's `retryAfterMs`.
 */
export function retryAfterMs(error: unknown): number | undefined {
  for (let current = error, depth = 0; typeof current === "object" && current !== null && depth < 5; depth++) {
    const { details, retryAfterMs: own, cause } = current as { details?: unknown; retryAfterMs?: unknown; cause?: unknown };
    const value = own ?? (details as { retry_after_ms?: unknown } | null | undefined)?.retry_after_ms;
    if (typeof value === "number" && Number.isFinite(value) && value >= 0) return value;
    current = cause;
  }
  return undefined;
}
