/**
 * What an outside app reports to the adoption test (copied into each app as src/report.ts by
 * test/adoption/support/outsideApps.ts; the test reads the same type).
 */
import type { RecordTraceResult } from "@agent-traces/tracer";

/** The server keeps a share of successes (its own sample rate): up to this many rounds of runs are sent until it keeps one. */
export const MAX_ROUNDS = 30;
export const RUNS_PER_ROUND = 10;
export const FLUSH_TIMEOUT_MS = 90_000;

export interface Report {
  app: string;
  /** The Firebase JS SDK that ran. */
  firebaseVersion: string;
  uid: string;
  failed: { traceId: string; thrown: string };
  /** The ids of the successful runs, in the order they ran. */
  successes: string[];
  /** Every answer the server gave, in the order they came. */
  sent: RecordTraceResult[];
  /** Every TraceSendError message. */
  errors: string[];
  flushed: boolean;
}
