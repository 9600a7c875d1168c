import { MAX_BATCH_TRACES } from "@agent-traces/core";

export interface BatchOptions {
  /** Traces per `recordTrace` call, 1 to 100. Default 50. */
  maxBatchSize: number;
  /** How long a finished run may wait for others to fill its batch. Default 500 ms. */
  scheduledDelayMs: number;
  /** Finished runs waiting to be sent, at most; beyond it successes are dropped first. Default 2048. */
  maxQueueSize: number;
  /** `recordTrace` calls under way at once, at most. Default 2. */
  maxConcurrentExports: number;
  /**
   * How long one export call may take before it counts as failed (retryable, like the callable's own
   * `deadline-exceeded`). Default 12 s: a little above the callable's 10 s, for exporters without a timeout.
   */
  exportTimeoutMs: number;
}

export const DEFAULT_BATCH_OPTIONS: BatchOptions = { maxBatchSize: 50, scheduledDelayMs: 500, maxQueueSize: 2048, maxConcurrentExports: 2, exportTimeoutMs: 12_000 };

/** setTimeout's longest delay; a longer one fires at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** The options with the defaults filled in, or a RangeError naming the first bad one. */
export function resolveBatchOptions(options: Partial<BatchOptions>): BatchOptions {
  const resolved: BatchOptions = { ...DEFAULT_BATCH_OPTIONS };
  for (const name of Object.keys(DEFAULT_BATCH_OPTIONS) as (keyof BatchOptions)[]) if (options[name] !== undefined) resolved[name] = options[name];
  const whole = (name: keyof BatchOptions, min: number, max = Number.MAX_SAFE_INTEGER) => {
    const value = resolved[name];
    if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  };
  whole("maxBatchSize", 1, MAX_BATCH_TRACES);
  whole("maxQueueSize", 1);
  whole("maxConcurrentExports", 1);
  for (const name of ["scheduledDelayMs", "exportTimeoutMs"] as const) {
    if (!(resolved[name] >= 0 && resolved[name] <= MAX_TIMER_MS)) throw new RangeError(`${name} must be a number from 0 to ${MAX_TIMER_MS}, got ${resolved[name]}`);
  }
  if (resolved.exportTimeoutMs === 0) throw new RangeError("exportTimeoutMs must be more than 0");
  return resolved;
}
