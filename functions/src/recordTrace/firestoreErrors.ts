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
