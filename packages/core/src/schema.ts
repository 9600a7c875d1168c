import { z } from "zod";
import { LIMITS } from "./limits.js";
import { checkKey } from "./firestoreKeys.js";
import { isPlainObject } from "./plainObject.js";
import { FIRST_FIRESTORE_INSTANT, LAST_FIRESTORE_INSTANT } from "./time.js";
import { isValidTraceId } from "./traceId.js";

/**
 * The wire format of one agent run, as the tracer sends it to the `recordTrace` callable.
 * This is the only definition of the shape: the tracer, the function, the CLI and the tests
 * use it and the types inferred from it.
 */

/** ISO-8601 date-time with a zone, inside the range a Firestore Timestamp can hold. */
export const isoDateTime = z
  .iso.datetime({ offset: true, error: "must be an ISO-8601 date-time with a zone, e.g. 2025-01-31T12:00:00Z" })
  .refine((text) => {
    const instant = Date.parse(text);
    return instant >= FIRST_FIRESTORE_INSTANT && instant <= LAST_FIRESTORE_INSTANT;
  }, "must be a real date between years 0001 and 9999");

export const traceIdSchema = z
  .string({ error: "must be a string of 32 hex digits (a W3C trace id)" })
  .transform((text) => text.toLowerCase())
  .refine(isValidTraceId, "must be 32 hex digits, not all zeros (a W3C trace id)");

/** The conversation a run belongs to (OpenTelemetry GenAI's `gen_ai.conversation.id`): any id of 1-256 characters. */
export const sessionIdSchema = z
  .string({ error: `must be a string of 1-${LIMITS.sessionIdChars} characters (a session id)` })
  .min(1, `must be a string of 1-${LIMITS.sessionIdChars} characters (a session id)`)
  .max(LIMITS.sessionIdChars, `must be a string of 1-${LIMITS.sessionIdChars} characters (a session id)`);

export const traceStatusSchema = z.enum(["success", "error", "timeout"], {
  error: 'must be one of "success", "error", "timeout"',
});

export const userIdSchema = z.union(
  [z.string().min(1).max(LIMITS.userIdChars), z.number().int().refine(Number.isSafeInteger)],
  { error: `must be a string of 1-${LIMITS.userIdChars} characters or a safe integer` },
);

/**
 * Checks what Firestore cannot store, so that it is rejected with the field named instead of
 * failing in the write: nested arrays, empty and reserved (`__x__`) keys, over-deep nesting,
 * non-finite numbers and values that are not JSON.
 */
function checkStorableJson(
  value: unknown,
  path: PropertyKey[],
  depth: number,
  context: z.RefinementCtx,
  insideArray = false,
): void {
  if (value === null || typeof value === "string" || typeof value === "boolean") return;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) context.addIssue({ code: "custom", path, message: "must be a finite number" });
    return;
  }
  if (typeof value !== "object") {
    context.addIssue({ code: "custom", path, message: `must be JSON, not ${typeof value}` });
    return;
  }
  if (!Array.isArray(value) && !isPlainObject(value)) {
    // A Date, Map or class instance is not JSON: it would not arrive as sent.
    const name = (value.constructor as { name?: unknown } | undefined)?.name;
    context.addIssue({ code: "custom", path, message: `must be JSON, not ${typeof name === "string" && name ? name : "a non-plain object"}` });
    return;
  }
  if (depth > LIMITS.metadataDepth) {
    context.addIssue({ code: "custom", path, message: `nests deeper than ${LIMITS.metadataDepth} levels` });
    return;
  }
  if (Array.isArray(value)) {
    if (insideArray) {
      context.addIssue({ code: "custom", path, message: "is an array inside an array, which Firestore cannot store" });
      return;
    }
    value.forEach((item, index) => checkStorableJson(item, [...path, index], depth + 1, context, true));
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    const keyIssue = checkKey(key);
    if (keyIssue) context.addIssue({ code: "custom", path: [...path, key], message: keyIssue });
    else checkStorableJson(item, [...path, key], depth + 1, context);
  }
}

/**
 * A plain object, checked as received. Not `z.record`: that drops an own `__proto__` key from
 * its copy, so the reserved key would vanish silently instead of being reported.
 */
function plainObjectSchema(error: string) {
  return z.custom<Record<string, unknown>>(isPlainObject, { error });
}

/** A JSON object Firestore can store as a map. */
export const jsonObjectSchema = plainObjectSchema("must be a JSON object")
  .superRefine((value, context) => checkStorableJson(value, [], 1, context));

/** A tool's input: its values are stringified when stored, so only the keys must be storable. */
const toolInputSchema = plainObjectSchema("must be an object of named inputs")
  .superRefine((value, context) => {
    for (const key of Object.keys(value)) {
      const keyIssue = checkKey(key);
      if (keyIssue) context.addIssue({ code: "custom", path: [key], message: keyIssue });
    }
  });

export const toolTraceSchema = z.strictObject({
  name: z.string().min(1),
  input: toolInputSchema.default({}),
  output: z.string().default(""),
  duration_ms: z.number().int().min(0).max(LIMITS.maxDurationMs),
  is_error: z.boolean().default(false),
  timestamp: isoDateTime,
});

/** Whole tokens: a safe integer >= 0. */
const tokenCountSchema = z.number({ error: "must be a whole number of tokens >= 0" }).int("must be a whole number of tokens >= 0").min(0, "must be a whole number of tokens >= 0");

/** The tokens one model consumed in a run. */
export const modelUsageSchema = z.strictObject({
  model: z.string({ error: "must be a model name" }).min(1, "must not be empty").max(LIMITS.modelNameChars, `must be at most ${LIMITS.modelNameChars} characters`),
  /** All input tokens: uncached, read from a cache and written to one. */
  input_tokens: tokenCountSchema,
  /** All output tokens: visible and reasoning (thinking). */
  output_tokens: tokenCountSchema,
  /** Of input_tokens, those read from a cache (Gemini's cached content, OpenAI's cached tokens, Anthropic's cache reads). */
  cached_input_tokens: tokenCountSchema.optional(),
  /** Of input_tokens, those written to a cache (Anthropic's cache creation). */
  cache_write_tokens: tokenCountSchema.optional(),
  /** Of output_tokens, the model's reasoning (thinking) tokens. */
  reasoning_tokens: tokenCountSchema.optional(),
});

/**
 * A run's token usage, one entry per model: a model listed twice is rejected at its second entry, and
 * an entry whose parts exceed their whole (cache reads + cache writes > input_tokens, reasoning >
 * output_tokens) at the part's field.
 */
export const usageSchema = z
  .array(modelUsageSchema, { error: "must be an array of { model, input_tokens, output_tokens }" })
  .max(LIMITS.usageModels, `must list at most ${LIMITS.usageModels} models`)
  .superRefine((usage, context) => {
    const seen = new Set<string>();
    usage.forEach((entry, index) => {
      if (seen.has(entry.model)) context.addIssue({ code: "custom", path: [index, "model"], message: "appears twice" });
      seen.add(entry.model);
      const cached = entry.cached_input_tokens ?? 0;
      if (cached > entry.input_tokens) context.addIssue({ code: "custom", path: [index, "cached_input_tokens"], message: "must be at most input_tokens (all input, cache reads included)" });
      else if (cached + (entry.cache_write_tokens ?? 0) > entry.input_tokens) {
        context.addIssue({ code: "custom", path: [index, "cache_write_tokens"], message: "with cached_input_tokens must be at most input_tokens (all input, cache writes included)" });
      }
      if ((entry.reasoning_tokens ?? 0) > entry.output_tokens) context.addIssue({ code: "custom", path: [index, "reasoning_tokens"], message: "must be at most output_tokens (all output, reasoning included)" });
    });
  });

export const traceSchema = z
  .strictObject({
    trace_id: traceIdSchema,
    user_id: userIdSchema.nullish(),
    skill: z.string().nullish(),
    /** The session (conversation) the run belongs to; absent and `null` both mean none. */
    session_id: sessionIdSchema.nullish(),
    started_at: isoDateTime,
    ended_at: isoDateTime.nullish(),
    iterations: z.number().int().min(0).max(LIMITS.maxIterations).default(0),
    tool_traces: z.array(toolTraceSchema).default([]),
    /** Tool calls a sender already dropped to keep the trace bounded. */
    tool_traces_dropped: z.number().int().min(0).default(0),
    /** Tool calls a sender already shortened (input values and output cut further) to fit the byte budget. */
    tool_traces_shortened: z.number().int().min(0).default(0),
    final_output: z.string().default(""),
    status: traceStatusSchema,
    metadata: jsonObjectSchema.default({}),
    /** Tokens per model; absent and `[]` both mean none recorded. */
    usage: usageSchema.optional(),
    /** Values a sender rewrote so that the run could be stored (see repairTrace), OTel's dropped counts' kin. */
    values_repaired: z.number().int().min(0).default(0),
    /**
     * The id the run was first sent under, when the server answered `conflict` (another run holds that
     * id) and the sender re-keyed it: a success is sampled by it, so re-keying never changes the decision.
     */
    original_trace_id: traceIdSchema.optional(),
    /**
     * `false`: the run's content was not captured (core's omitContent: input and output values, the final
     * output and the error are descriptions of what they were). Absent: captured.
     */
    content_captured: z.boolean().optional(),
  })
  .superRefine((trace, context) => {
    if (trace.ended_at && Date.parse(trace.ended_at) < Date.parse(trace.started_at)) {
      context.addIssue({ code: "custom", path: ["ended_at"], message: "must not be before started_at" });
    }
  });

/** What a sender may pass (defaults still to apply). */
export type TraceInput = z.input<typeof traceSchema>;
/** A validated trace, defaults applied and trace id normalized. */
export type Trace = z.output<typeof traceSchema>;
export type ToolTrace = z.output<typeof toolTraceSchema>;
export type ModelUsage = z.output<typeof modelUsageSchema>;
export type ToolTraceInput = z.input<typeof toolTraceSchema>;
export type TraceStatus = z.output<typeof traceStatusSchema>;
export type JsonObject = Record<string, unknown>;
