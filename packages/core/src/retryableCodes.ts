/**
 * The `recordTrace` error codes worth another attempt (after `details.retry_after_ms` when the answer
 * gives one): the store or the network may recover, or the caller's rate limit frees up. Every other
 * code is final. `internal` is not on the list: the server answers it only for a bug of its own,
 * which a retry would hit again. (A call that got no HTTP response at all, which the JS SDK reports
 * as `internal` with status 0, is a network failure, and the tracer retries it as one.)
 */
export const RETRYABLE_CODES = ["unavailable", "deadline-exceeded", "resource-exhausted", "unknown"] as const;

export type RetryableCode = (typeof RETRYABLE_CODES)[number];

export function isRetryableCode(code: string): code is RetryableCode {
  return (RETRYABLE_CODES as readonly string[]).includes(code);
}
