// What the tracer, the functions, admin and the CLI use; tests and benchmarks reach other modules by path.
export { LIMITS } from "./limits.js";
export { DAY_MS, FIRST_FIRESTORE_INSTANT, LAST_FIRESTORE_INSTANT } from "./time.js";
export { raceTimeout } from "./raceTimeout.js";
export { decideRecording, DEFAULT_SAMPLE_RATE, type RecordingReason } from "./recordingDecision.js";
export type { RecordTraceReason, RecordTraceResult } from "./recordTraceResult.js";
export {
  isBatchPayload,
  MAX_BATCH_TRACES,
  recordTraceBatchResultSchema,
  recordTraceBatchSchema,
  type RecordTraceBatchItemResult,
  type RecordTraceBatchResult,
  type TraceRejection,
} from "./recordTraceBatch.js";
export { sanitizeToolTrace, sanitizeTrace, type SanitizedToolTrace, type SanitizedTrace } from "./sanitize.js";
export type { Sampler } from "./sampler/Sampler.js";
export { TraceIdRatioBasedSampler } from "./sampler/TraceIdRatioBasedSampler.js";
export { isToolInput, toolTraceSchema, type JsonObject, type ToolTrace, type ToolTraceInput, type TraceInput, type TraceStatus } from "./schema.js";
export { storedSize } from "./storedSize.js";
export { stringifyValue } from "./stringify.js";
export { cutText } from "./text.js";
export { isValidTraceId, randomTraceId } from "./traceId.js";
export { describeInvalid, validateTrace } from "./validation.js";
export { isRetryableCode, RETRYABLE_CODES } from "./retryableCodes.js";
export { escapeWireKeys, unescapeWireKeys } from "./wireKeys.js";
