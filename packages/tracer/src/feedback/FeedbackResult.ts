import type { FeedbackRating } from "@agent-traces/core";

/** One user's rating of a run, as `tracer.feedback()` takes it (core's feedbackSchema without the ids). */
export interface UserFeedback {
  /** Thumbs up or down: what the report counts and the viewer filters by. */
  rating: FeedbackRating;
  /** A score on the app's own scale (stars, 0-1, …), beside the thumbs. */
  value?: number;
  /** What the user said; redacted and cut to 1,000 characters when stored. */
  comment?: string;
  /** Up to 10 labels of 1-64 characters each. */
  tags?: string[];
}

/**
 * What became of a rating; `tracer.feedback()` never rejects. `runStored`: the run was held by the
 * tracer (sampled out) and stored with this rating. Not recorded: `not_stored` (no stored run has that
 * id: sampled out and not held, or expired), `refused` (the run is not the caller's), `invalid` (the
 * rating does not fit the schema), `failed` (anything else, after the retries).
 */
export type FeedbackResult = { recorded: true; runStored: boolean } | { recorded: false; reason: FeedbackFailure; message: string };

export type FeedbackFailure = "not_stored" | "refused" | "invalid" | "failed";

/** The callable codes a rating is answered with when it is not recorded, by what they mean here. */
const REASONS: Readonly<Record<string, FeedbackFailure>> = { "not-found": "not_stored", "permission-denied": "refused", "invalid-argument": "invalid" };

/** The result for an error a call ended with (a FunctionsError's `functions/<code>`, or a bare code). */
export function failedFeedback(error: unknown, attempts: number): FeedbackResult {
  const code = typeof (error as { code?: unknown } | null)?.code === "string" ? (error as { code: string }).code.replace(/^functions\//, "") : "";
  const reason = Object.hasOwn(REASONS, code) ? REASONS[code]! : "failed";
  const message = error instanceof Error ? error.message : String(error);
  return { recorded: false, reason, message: reason === "failed" && attempts > 1 ? `not recorded after ${attempts} attempts: ${message}` : message };
}

/** The result for the server's answer (core's recordFeedbackResultSchema), checked without a schema library. */
export function answeredFeedback(answer: unknown, traceId: string): FeedbackResult {
  const { trace_id, recorded, run_stored } = (answer ?? {}) as { trace_id?: unknown; recorded?: unknown; run_stored?: unknown };
  if (recorded !== true || typeof run_stored !== "boolean" || typeof trace_id !== "string" || trace_id.toLowerCase() !== traceId) {
    return { recorded: false, reason: "failed", message: `recordFeedback answered with an unexpected response: ${safeJson(answer)}` };
  }
  return { recorded: true, runStored: run_stored };
}

function safeJson(value: unknown): string {
  try {
    return String(JSON.stringify(value)).slice(0, 200);
  } catch {
    return String(value);
  }
}
