import { HttpsError } from "firebase-functions/v2/https";
import { cutText, raceTimeout, type TraceRejection } from "@agent-traces/core";

type FunctionsCode = ConstructorParameters<typeof HttpsError>[0];

/**
 * What the caller is told for each gRPC status a Firestore call can fail with: `unavailable` (retry)
 * when the database could not take the write now; a code that names the cause when it never will.
 */
const ANSWERS: Record<number, { code: FunctionsCode; message: string }> = {
  1: { code: "unavailable", message: "The trace write was cancelled; retry later." }, // CANCELLED
  2: { code: "unavailable", message: "The trace store failed for an unknown reason; retry later." }, // UNKNOWN
  3: { code: "invalid-argument", message: "Firestore refused the trace document as invalid." }, // INVALID_ARGUMENT
  4: { code: "unavailable", message: "The trace store did not answer in time; retry later." }, // DEADLINE_EXCEEDED
  5: { code: "failed-precondition", message: "The Firestore database was not found: create it in the project (Native mode)." }, // NOT_FOUND
  7: { code: "failed-precondition", message: "The function's service account may not write to Firestore." }, // PERMISSION_DENIED
  8: { code: "resource-exhausted", message: "The project's Firestore quota is exhausted; retry later." }, // RESOURCE_EXHAUSTED
  9: { code: "failed-precondition", message: "Firestore cannot take the write in its current state (is the database in Native mode?)." }, // FAILED_PRECONDITION
  10: { code: "unavailable", message: "The trace write collided with another; retry." }, // ABORTED
  11: { code: "invalid-argument", message: "Firestore refused a value of the trace as out of range." }, // OUT_OF_RANGE
  12: { code: "unimplemented", message: "Firestore does not support this write here." }, // UNIMPLEMENTED
  13: { code: "unavailable", message: "The trace store had an internal error; retry later." }, // INTERNAL (transient, per Firestore's guidance)
  14: { code: "unavailable", message: "The trace store is unavailable right now; retry later." }, // UNAVAILABLE
  15: { code: "data-loss", message: "Firestore reported data loss on the trace write." }, // DATA_LOSS
  16: { code: "failed-precondition", message: "The function's credentials for Firestore are not valid." }, // UNAUTHENTICATED
};

/**
 * Maps a failed Firestore call to what the caller should do: retry later (`unavailable`,
 * `resource-exhausted`) when the database could not take the write now, a code naming the cause
 * when it never will, and `internal` only for what is a bug on our side (an error with no gRPC status).
 */
export function toHttpsError(error: unknown): HttpsError {
  if (error instanceof HttpsError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const answer = typeof code === "number" ? ANSWERS[code] : undefined;
  if (answer) return new HttpsError(answer.code, answer.message);
  if (code === undefined && error instanceof Error && /ECONNREFUSED|ETIMEDOUT|ECONNRESET|socket hang up/i.test(error.message)) {
    return new HttpsError("unavailable", "The trace store is unreachable right now; retry later.");
  }
  return new HttpsError("internal", "The trace could not be stored (a bug on the server's side, logged).");
}

/** Characters of Firestore's reason an answer quotes. */
const REASON_CHARS = 200;

/**
 * The answer for one trace whose document Firestore refused (`reason`, its words: a value validation
 * let through), the other traces of its call being stored: `invalid-argument`, not worth a retry.
 */
export function documentRefused(reason: string): TraceRejection["error"] {
  return { code: "invalid-argument", message: `Firestore refused the trace document as invalid: ${cutText(reason, REASON_CHARS)}`, fields: [] };
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
  return raceTimeout(write, deadlineMs, () => {
    throw Object.assign(new Error(`the write did not complete within ${deadlineMs} ms`), { code: DEADLINE_EXCEEDED });
  });
}
