// The wire part of a trace: what the tracer sends and the functions check, repair and sanitize (admin, the CLI and
// the viewer use it too); tests and benchmarks reach other modules by path. The stored side is packages/store.
// Pure and browser-safe: nothing here imports Node or firebase-admin.
export { LIMITS, MAX_BATCH_TRACES, MAX_CALL_BYTES } from "./limits.js";
export { CALL_ENVELOPE_BYTES, MAX_CALL_TRACE_BYTES, traceCallBytes } from "./callSize.js";
export { DAY_MS, FIRST_FIRESTORE_INSTANT, HOUR_MS, LAST_FIRESTORE_INSTANT } from "./time.js";
export { raceTimeout } from "./raceTimeout.js";
export {
  decideRecording,
  DEFAULT_SAMPLE_RATE,
  MIN_SENDER_SAMPLE_RATE,
  runWeight,
  type KeptFor,
  type RecordingFacts,
  type RecordingPolicy,
  type RecordingReason,
} from "./recordingDecision.js";
export { DEFAULT_KEEP_RULES, matchKeepRule, NO_KEEP_RULES, type KeepRule, type KeepRuleFacts, type KeepRules } from "./keep/keepRules.js";
export { keepRulesSchema } from "./keep/keepRulesSchema.js";
export { DEFAULT_PRICES } from "./pricing/defaultPrices.js";
export { findPrice } from "./pricing/findPrice.js";
export { mergePrices } from "./pricing/mergePrices.js";
export type { ModelPrice, PriceTable } from "./pricing/modelPrice.js";
export { modelPriceSchema, priceTableSchema } from "./pricing/priceTableSchema.js";
export { traceCost, usageCost, type TraceCost } from "./pricing/usageCost.js";
export type { RecordTraceReason, RecordTraceResult } from "./recordTraceResult.js";
export {
  isBatchPayload,
  recordTraceBatchResultSchema,
  recordTraceBatchSchema,
  type RecordTraceBatchItemResult,
  type RecordTraceBatchResult,
  type TraceRejection,
} from "./recordTraceBatch.js";
export {
  feedbackRatingSchema,
  feedbackSchema,
  recordFeedbackResultSchema,
  type Feedback,
  type FeedbackInput,
  type FeedbackRating,
  type RecordFeedbackResult,
} from "./feedback.js";
export { CONTENT_NOT_CAPTURED_NOTICE, describeContent, isContentDescription, omitContent } from "./contentCapture.js";
export { DROPPED_KEYS_FIELD, sanitizeToolTrace, sanitizeTrace, type SanitizedToolTrace, type SanitizedTrace } from "./sanitize.js";
export type { Sampler } from "./sampler/Sampler.js";
export { TraceIdRatioBasedSampler } from "./sampler/TraceIdRatioBasedSampler.js";
export { isToolInput } from "./firestoreKeys.js";
export {
  modelUsageSchema,
  sessionIdSchema,
  toolTraceSchema,
  type JsonObject,
  type ModelUsage,
  type ToolTrace,
  type ToolTraceInput,
  type TraceInput,
  type TraceStatus,
} from "./schema.js";
export { addModelUsage, OTHER_MODELS, type TokenCounts } from "./modelUsage.js";
export { storedSize } from "./storedSize.js";
export { parseJsonText } from "./parseJsonText.js";
export { stringifyValue } from "./stringify.js";
export { cutText, lengthBeforeCut } from "./text.js";
export { isValidTraceId, randomTraceId } from "./traceId.js";
export { describeInvalid, validateTrace } from "./validation.js";
export { isRetryableCode, RETRYABLE_CODES } from "./retryableCodes.js";
export { escapeWireKeys, unescapeWireKeys } from "./wireKeys.js";
export { repairTrace, type RepairedTrace, type RepairOptions } from "./repair/repairTrace.js";
export { repairToolTrace, UNNAMED_TOOL } from "./repair/toolTrace.js";
export { toJsonValue } from "./repair/jsonValue.js";
export { toolInputFrom } from "./repair/toolInput.js";
export type { RepairCounter } from "./repair/repairCounter.js";
export { sha256Hex } from "./repair/sha256.js";
export { redactAndCut } from "./sanitizeText.js";
export type { Trace } from "./schema.js";
export { clampTokenParts, TOKEN_PARTS } from "./modelUsage.js";
export { geminiTokenCounts, type GeminiUsage } from "./usage/gemini.js";
export { openAiChatTokenCounts, openAiResponsesTokenCounts, type OpenAiChatUsage, type OpenAiResponsesUsage } from "./usage/openAi.js";
export { anthropicTokenCounts, type AnthropicUsage } from "./usage/anthropic.js";
export { aiSdkTokenCounts, type AiSdkUsage } from "./usage/aiSdk.js";
export { genkitTokenCounts, type GenkitUsage } from "./usage/genkit.js";
export { tokenCountsOf, type ProviderUsage, type TokenUsage } from "./usage/tokenCountsOf.js";
