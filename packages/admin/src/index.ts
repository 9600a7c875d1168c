// What store defines once and admin's callers have always imported from here.
export {
  DOCUMENT_ID,
  FEEDBACK_COLLECTION,
  planListTraces,
  RATE_LIMITS_COLLECTION,
  REPORTS_COLLECTION,
  TRACE_ERASURES_COLLECTION,
  TRACES_COLLECTION,
  type FailedTool,
  type FeedbackCounts,
  type QueryPlan,
  type StoredFeedback,
  type StoredModelUsage,
  type StoredTrace,
  type TraceListFilter,
} from "@agent-traces/store";
export { getTrace } from "./getTrace.js";
export { DEFAULT_LIST_LIMIT, listTraces, MAX_LIST_LIMIT, type ListTracesOptions, type TracePage } from "./listTraces.js";
export {
  FAILED_TOOLS_BYTES,
  failedToolsOf,
  fromTraceDocument,
  timestampOf,
  toTraceDocument,
  UNPRICED_MODELS_BYTES,
  type StorageContext,
  type ToolTraceDocument,
  type TraceDocument,
} from "./traceDocument.js";
export { createTraceDocument, createTraceDocuments, type InvalidDocument, type WriteOutcome } from "./writeTrace.js";
export { sameRun, type RunIdentity } from "./sameRun.js";
export { feedbackId, feedbackRef } from "./feedback/feedbackId.js";
export { countsAfter } from "./feedback/feedbackCounts.js";
export { RATED_RUN_FIELDS, toFeedbackDocument, type FeedbackDocument, type RatedRun } from "./feedback/feedbackDocument.js";
export { recordRating, type Rater, type RatingOutcome } from "./feedback/recordRating.js";
export { grantTraces, type Grant, type SlotCounts } from "./rateLimit/slidingWindow.js";
export { createTracesWithinLimit, type LimitedOutcome, type LimitedWrite } from "./rateLimit/createTracesWithinLimit.js";
export { KnownCounters, type KnownCounter } from "./rateLimit/knownCounters.js";
export {
  buildErrorReport,
  DEFAULT_MAX_FEEDBACK_READ,
  DEFAULT_MAX_USAGE_READ,
  type NegativeFeedbackReport,
  type ReportOptions,
  type SkillEstimatesReport,
  skillEstimatesReport,
  type TraceErrorReport,
  type UsageReport,
  type WindowTotals,
} from "./report/buildReport.js";
export { buildNegativeFeedbackQuery, FEEDBACK_WINDOW_FIELD, planNegativeFeedbackQuery } from "./report/negativeFeedbackQuery.js";
export { readNegativeFeedback, type NegativeFeedbackRead } from "./report/readNegativeFeedback.js";
export { NEGATIVE_FEEDBACK_FIELDS, summarizeNegativeFeedback, type NegativeFeedbackFields, type SkillNegativeFeedback } from "./report/summarizeNegativeFeedback.js";
export { skillBreakdown, type SkillBreakdown } from "./report/skillBreakdown.js";
export { countRuns, type RunCounts } from "./report/countRuns.js";
export { estimateSkills, SKILL_ESTIMATES, skillEstimate, skillsToEstimate, type SkillEstimate } from "./report/skillEstimates.js";
export { estimateError, Z_95, type EstimateError } from "./report/estimateError.js";
export { normalizeErrorMessage } from "./report/normalizeErrorMessage.js";
export { buildReportQuery, planReportQuery, REPORT_WINDOW_FIELD, WEIGHT_FIELD, WEIGHT_VARIANCE_FIELD, type ReportQuery } from "./report/reportQueries.js";
export { precedingWindow, previousFullHours, windowStartingAt, type ReportWindow } from "./report/reportWindow.js";
export { FAILURE_FIELDS, summarizeFailures, type FailureBreakdown, type FailureFields } from "./report/summarizeFailures.js";
export {
  OTHER_SKILLS,
  summarizeUsage,
  USAGE_FIELDS,
  USAGE_MODELS_SHOWN,
  USAGE_SKILLS_SHOWN,
  type ModelUsageSummary,
  type SkillUsage,
  type UsageBreakdown,
  type UsageFields,
  type UsageTotals,
} from "./report/summarizeUsage.js";
export { writeErrorReport } from "./report/writeReport.js";
export { counterId } from "./rateLimit/counterId.js";
export type { ErasureScope } from "./erasure/erasureScope.js";
export { ERASABLE_COLLECTIONS, erasurePlans, type ErasableCollection, type ErasureQuery } from "./erasure/erasableCollections.js";
export {
  ERASURE_SUBJECT_COLLECTION,
  erasureIdForEvent,
  erasureRef,
  runByFunctions,
  subjectRef,
  uidSha256,
  type ErasureReason,
  type ErasureReceipt,
  type ErasureSubject,
} from "./erasure/erasureReceipt.js";
export { countErasable } from "./erasure/countErasable.js";
export { findErasable, type ErasableDocuments } from "./erasure/findErasable.js";
export { ERASURE_BATCH_SIZE, eraseBatch, type ErasedBatch } from "./erasure/eraseBatch.js";
export { eraseBatches, type ErasureRun, type ErasureRunLimits } from "./erasure/eraseBatches.js";
export { endErasureRun, type RunEnd } from "./erasure/endErasureRun.js";
export { erasureScopeOf } from "./erasure/erasureScopeOf.js";
export { startErasure } from "./erasure/startErasure.js";
export { eraseInProcess } from "./erasure/eraseInProcess.js";
export { exportUserTraces } from "./erasure/exportUserTraces.js";
export { exportUserFeedback } from "./erasure/exportUserFeedback.js";
