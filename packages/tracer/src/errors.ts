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

/** The cause of a `TraceSendError` for a finished run the tracer had no room for, or that ended after shutdown(). */
export class TraceDroppedError extends Error {
  override readonly name = "TraceDroppedError";
  readonly reason: "queue_full" | "shut_down";

  constructor(reason: "queue_full" | "shut_down", queueSize: number) {
    super(reason === "queue_full" ? `dropped: the tracer's queue was full (${queueSize} traces waiting)` : "dropped: the tracer was shut down");
    this.reason = reason;
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

/** Firebase callable codes worth another attempt: the server or the network may recover. */
const RETRYABLE_FUNCTIONS_CODES = new Set([
  "functions/unavailable",
  "functions/deadline-exceeded",
  "functions/internal",
  "functions/unknown",
  "functions/resource-exhausted",
]);

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
 * Whether a failed send may succeed if tried again. Everything not known to be transient, such as
 * `invalid-argument`, `unauthenticated`, `permission-denied` or `failed-precondition`, is final.
 */
export function isRetryableError(error: unknown): boolean {
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    if (typeof current !== "object") return false;
    const { code, name, message, cause } = current as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === "string") {
      if (RETRYABLE_FUNCTIONS_CODES.has(code) || NETWORK_ERROR_CODES.has(code)) return true;
      if (code.startsWith("functions/")) return false;
    }
    // fetch() rejects with `TypeError: fetch failed` (its cause has the code) or aborts on a timeout.
    if (name === "TimeoutError" || (name === "TypeError" && message === "fetch failed")) return true;
    current = cause;
  }
  return false;
}
