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
export { createTraceDocument } from "./writeTrace.js";
