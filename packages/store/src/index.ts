// What admin, the CLI, the functions and the viewer use of a stored trace; the tracer never imports this package.
// Pure and browser-safe: nothing here imports Node or firebase-admin.
export type { FailedTool, FeedbackCounts, StoredFeedback, StoredModelUsage, StoredTrace } from "./model/storedTrace.js";
export { FEEDBACK_COLLECTION, RATE_LIMITS_COLLECTION, REPORTS_COLLECTION, TRACE_ERASURES_COLLECTION, TRACES_COLLECTION } from "./model/collections.js";
export { ADMIN_CLAIM } from "./model/adminClaim.js";
export { DOCUMENT_ID, type QueryPlan } from "./query/queryPlan.js";
export {
  COST_FIELD,
  FAILED_TOOL_NAMES_FIELD,
  NOT_WITH_FAILED_TOOL,
  NOT_WITH_NEGATIVE_FEEDBACK,
  ONE_WITH_COST,
  planListTraces,
  planListTracesByCost,
  UnservedFilterError,
  type TraceCostListFilter,
  type TraceListFilter,
} from "./query/traceListPlan.js";
export { planSessionRuns, planUserSessions } from "./query/sessionPlans.js";
export { planRunFeedback } from "./query/feedbackPlans.js";
export { userIdVariants } from "./query/userIdVariants.js";
export { costText, formatUsd } from "./display/formatCost.js";
export { formatDuration } from "./display/formatDuration.js";
export { formatInstant } from "./display/formatInstant.js";
export { formatTokens } from "./display/formatTokens.js";
export { toolCallTimeline, type TimelineCall, type ToolCallTimeline } from "./display/toolCallTimeline.js";
