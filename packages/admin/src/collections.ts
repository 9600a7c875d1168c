/** Where traces and reports live; the rules, indexes and TTL policies name the same collections. */
export const TRACES_COLLECTION = "execution_traces";
export const REPORTS_COLLECTION = "trace_reports";
