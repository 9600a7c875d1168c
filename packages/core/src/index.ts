export { LIMITS } from "./limits.js";
export { isSensitiveKey, REDACTED, redactText, redactValue } from "./redact.js";
export { decideRecording, type RecordingReason } from "./recordingDecision.js";
export { recordTraceResultSchema, type RecordTraceReason, type RecordTraceResult } from "./recordTraceResult.js";
export {
  isBatchPayload,
  MAX_BATCH_TRACES,
  recordTraceBatchResultSchema,
  recordTraceBatchSchema,
  traceRejectionSchema,
  type RecordTraceBatch,
  type RecordTraceBatchItemResult,
  type RecordTraceBatchResult,
  type TraceRejection,
} from "./recordTraceBatch.js";
export { redactAndCut, sanitizeToolTrace, sanitizeTrace, type SanitizedToolTrace, type SanitizedTrace } from "./sanitize.js";
export type { Sampler } from "./sampler/Sampler.js";
export { TraceIdRatioBasedSampler } from "./sampler/TraceIdRatioBasedSampler.js";
export {
  isoDateTime,
  isToolInput,
  jsonObjectSchema,
  toolTraceSchema,
  traceIdSchema,
  traceSchema,
  traceStatusSchema,
  userIdSchema,
  type JsonObject,
  type ToolTrace,
  type ToolTraceInput,
  type Trace,
  type TraceInput,
  type TraceStatus,
} from "./schema.js";
export { storedDocumentSize, storedSize, utf8Length } from "./storedSize.js";
export { stringifyValue } from "./stringify.js";
export { cutText, wellFormed } from "./text.js";
export { isValidTraceId, randomTraceId } from "./traceId.js";
export { describeInvalid, formatPath, validateTrace, type TraceValidation } from "./validation.js";
