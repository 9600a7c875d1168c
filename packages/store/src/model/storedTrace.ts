import type { FeedbackRating, KeptFor, ModelUsage, SanitizedTrace } from "@agent-traces/core";

/** A tool that failed in a run: its name and how many of the run's stored calls to it failed. */
export interface FailedTool {
  name: string;
  calls: number;
}

/** One model's tokens as stored: with what they cost when the model is priced. */
export type StoredModelUsage = ModelUsage & {
  /** USD (core's usageCost with the server's prices); absent when the model has no price, or on traces stored before the field existed. */
  cost_usd?: number;
};

/** A stored trace as the queries return it: instants back as ISO-8601 strings. */
export type StoredTrace = Omit<SanitizedTrace, "content_captured" | "usage"> & {
  /** Tokens per model, priced entries with their cost; absent when none were recorded. */
  usage?: StoredModelUsage[];
  /** USD of the priced models' usage; absent when no model is priced (or stored before the field existed). */
  cost_usd?: number;
  /** Models with tokens and no price (unpriced, never free); absent when none. */
  unpriced_models?: string[];
  /** false: stored without its content (input and output values, the final output and the error are descriptions); absent: captured. */
  content_captured?: false;
  duration_ms: number | null;
  tool_error_count: number;
  /** Absent on traces stored before the field existed. */
  failed_tools?: FailedTool[];
  /** The names of `failed_tools`, same order (what the list filters by failing tool); absent when none failed, or stored before the field existed. */
  failed_tool_names?: string[];
  recorded_by: string;
  received_at: string;
  /** When the commit that stored it happened (Firestore's clock); absent on traces stored before the field existed. */
  committed_at?: string;
  expire_at: string;
  sample_rate: number;
  /** The runs it stands for (see core's runWeight; 0 when kept for feedback); absent on traces stored before the field existed. */
  weight?: number;
  /** weight * (weight - 1): its share of the variance of the report's estimate; absent on traces stored before the field existed. */
  weight_variance?: number;
  /** Why it was kept; absent on traces stored before the field existed. */
  kept_for?: KeptFor;
  /** Ratings of the run so far (one per rater, a rater's latest), kept by recordFeedback; absent when never rated. */
  feedback?: FeedbackCounts;
};

/** A run's ratings: how many raters said up and down (each rater counted once, by their latest rating). */
export interface FeedbackCounts {
  up: number;
  down: number;
}

/** One rater's rating of a run, as the queries return it (`trace_feedback/{feedbackId}`). */
export interface StoredFeedback {
  trace_id: string;
  /** The uid of the signed-in caller that rated the run (its sender, or an admin). */
  rated_by: string;
  rating: FeedbackRating;
  value?: number;
  /** Redacted and cut to LIMITS.feedbackCommentChars. */
  comment?: string;
  tags?: string[];
  /** The rated run's sender, user, skill, session and status, copied so that the report and erasure need not read the run. */
  run_recorded_by: string;
  user_id: string | number;
  skill: string | null;
  session_id?: string;
  run_status: SanitizedTrace["status"];
  run_started_at: string;
  /** The first rating's and the latest rating's commit times. */
  created_at: string;
  updated_at: string;
  /** The run's own expire_at: the rating goes with it. */
  expire_at: string;
}
