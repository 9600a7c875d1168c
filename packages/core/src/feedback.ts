import { z } from "zod";
import { keepRulesSchema } from "./keep/keepRulesSchema.js";
import { LIMITS } from "./limits.js";
import { traceIdSchema } from "./schema.js";

/**
 * The wire format of one rating of a run, as the tracer sends it to the `recordFeedback` callable (the
 * only definition: the tracer, the function and the tests use it and the types inferred from it).
 */

/** Thumbs up or down: what the report counts and the viewer filters by. */
export const feedbackRatingSchema = z.enum(["up", "down"], { error: 'must be "up" or "down"' });

const tagSchema = z
  .string({ error: `must be a string of 1-${LIMITS.feedbackTagChars} characters` })
  .min(1, `must be a string of 1-${LIMITS.feedbackTagChars} characters`)
  .max(LIMITS.feedbackTagChars, `must be a string of 1-${LIMITS.feedbackTagChars} characters`);

export const feedbackSchema = z.strictObject({
  trace_id: traceIdSchema,
  rating: feedbackRatingSchema,
  /** A score on the app's own scale (stars, 0-1, …), beside the thumbs. */
  value: z.number({ error: "must be a finite number" }).refine(Number.isFinite, "must be a finite number").optional(),
  /** What the user said; redacted and cut to LIMITS.feedbackCommentChars when stored. */
  comment: z.string({ error: "must be a string" }).optional(),
  tags: z
    .array(tagSchema, { error: `must be an array of at most ${LIMITS.feedbackTags} strings` })
    .max(LIMITS.feedbackTags, `must list at most ${LIMITS.feedbackTags} tags`)
    .optional(),
  /**
   * The rated run itself, in wire form, when the sender holds it after sampling it out (keep on
   * complaint): stored with the feedback when the rating is `down` and no run with this id is stored.
   * Validated as a trace (traceSchema) on its own; its `trace_id` must be the feedback's.
   */
  trace: z.unknown().optional(),
  /** The rate the sender sampled successes at (as in a recordTrace batch), when `trace` is sent. */
  sample_rate: z.number().min(0).max(1).optional(),
  /** The keep rules the sender kept successes by besides sampling (as in a recordTrace batch), when `trace` is sent. */
  keep_rules: keepRulesSchema.optional().catch(undefined),
});

/** `recordFeedback`'s answer. `run_stored`: the run sent with the feedback is stored, by this call or by an earlier attempt of it (a retry). */
export const recordFeedbackResultSchema = z.object({
  trace_id: z.string(),
  recorded: z.literal(true),
  run_stored: z.boolean(),
});

export type FeedbackRating = z.output<typeof feedbackRatingSchema>;
export type FeedbackInput = z.input<typeof feedbackSchema>;
export type Feedback = z.output<typeof feedbackSchema>;
export type RecordFeedbackResult = z.output<typeof recordFeedbackResultSchema>;
