export interface RetryOptions {
  /** Calls in total, the first included; 1 means no retry. */
  attempts: number;
  /** The delay before the first retry; each next one doubles, up to `maxDelayMs`. */
  initialDelayMs: number;
  maxDelayMs: number;
}

/** Waits of at least 31.75 s in all (each wait is at least half its step), so a 30 s outage loses nothing. */
export const DEFAULT_RETRY: RetryOptions = { attempts: 12, initialDelayMs: 500, maxDelayMs: 8_000 };

export function resolveRetryOptions(options: Partial<RetryOptions> = {}): RetryOptions {
  const resolved = { ...DEFAULT_RETRY, ...options };
  if (!Number.isInteger(resolved.attempts) || resolved.attempts < 1) throw new RangeError("retry.attempts must be an integer >= 1");
  if (!(resolved.initialDelayMs >= 0) || !(resolved.maxDelayMs >= 0)) throw new RangeError("retry delays must be numbers >= 0");
  return resolved;
}

/**
 * The wait before retry number `retry` (1 for the first): exponential, capped, with "equal jitter"
 * (between half and all of the step) so that clients failing together do not retry together.
 */
export function backoffDelay(retry: number, options: RetryOptions, random: () => number = Math.random): number {
  const step = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** (retry - 1));
  return step / 2 + random() * (step / 2);
}
