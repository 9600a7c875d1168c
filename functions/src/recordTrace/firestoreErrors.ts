import { HttpsError } from "firebase-functions/v2/https";

/** gRPC status codes Firestore reports for failures a retry may get past. */
const RETRYABLE_CODES = new Set([
  1, // CANCELLED
  2, // UNKNOWN
  4, // DEADLINE_EXCEEDED
  8, // RESOURCE_EXHAUSTED
  10, // ABORTED
  13, // INTERNAL
  14, // UNAVAILABLE
]);

/**
 * Maps a failed Firestore write to what the caller should do: retry later (`unavailable`) when
 * the database could not take the write, `internal` only for what is a bug on our side.
 */
export function toHttpsError(error: unknown): HttpsError {
  const code = (error as { code?: unknown }).code;
  if (typeof code === "number" && RETRYABLE_CODES.has(code)) {
    return new HttpsError("unavailable", "The trace store is unavailable right now; retry later.");
  }
  if (code === undefined && error instanceof Error && /ECONNREFUSED|ETIMEDOUT|ECONNRESET|socket hang up/i.test(error.message)) {
    return new HttpsError("unavailable", "The trace store is unreachable right now; retry later.");
  }
  return new HttpsError("internal", "The trace could not be stored.");
}

/**
 * How long recordTrace waits for its write before telling the caller to retry. Firestore's client
 * retries an unreachable database (UNAVAILABLE) with backoff for up to 10 minutes before it fails, so
 * without a deadline a call hangs until the function's own timeout, which callers see as
 * `deadline-exceeded` or `internal`. Below the tracer's 10 s call timeout, so the tracer hears why.
 */
export const WRITE_DEADLINE_MS = 8_000;

/** gRPC DEADLINE_EXCEEDED, which toHttpsError maps to `unavailable`. */
const DEADLINE_EXCEEDED = 4;

/**
 * Settles as `write` does, or rejects with a DEADLINE_EXCEEDED error once `deadlineMs` have passed.
 * The write itself cannot be cancelled and may still land later: create() is atomic, so the
 * caller's retry then answers `duplicate` instead of storing twice.
 */
export function withinDeadline<T>(write: Promise<T>, deadlineMs: number = WRITE_DEADLINE_MS): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(Object.assign(new Error(`the write did not complete within ${deadlineMs} ms`), { code: DEADLINE_EXCEEDED }));
    }, deadlineMs);
  });
  return Promise.race([write, deadline]).finally(() => clearTimeout(timer));
}
