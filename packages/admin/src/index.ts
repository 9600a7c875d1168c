export { REPORTS_COLLECTION, TRACES_COLLECTION } from "./collections.js";
export { getTrace } from "./getTrace.js";
export { DEFAULT_LIST_LIMIT, listTraces, MAX_LIST_LIMIT, planListTraces, type ListTracesOptions, type TracePage } from "./listTraces.js";
export type { QueryPlan } from "./queryPlan.js";
export {
  fromTraceDocument,
  timestampOf,
  toTraceDocument,
  type StorageContext,
  type StoredTrace,
  type ToolTraceDocument,
  type TraceDocument,
} from "./traceDocument.js";
export { createTraceDocument, createTraceDocuments } from "./writeTrace.js";
export { buildErrorReport, type ReportOptions, type TraceErrorReport, type WindowTotals } from "./report/buildReport.js";
export { countRuns, type RunCounts } from "./report/countRuns.js";
export { normalizeErrorMessage } from "./report/normalizeErrorMessage.js";
export { postJson } from "./report/postWebhook.js";
export { buildReportQuery, planReportQuery, type ReportQuery } from "./report/reportQueries.js";
export { precedingWindow, previousFullHours, windowStartingAt, type ReportWindow } from "./report/reportWindow.js";
export { slackMessage } from "./report/slackMessage.js";
export { summarizeFailures, type FailureBreakdown, type FailureFields } from "./report/summarizeFailures.js";
export { writeErrorReport } from "./report/writeReport.js";
