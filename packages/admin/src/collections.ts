/** Where traces and reports live; the rules, indexes and TTL policies name the same collections. */
export const TRACES_COLLECTION = "execution_traces";
export const REPORTS_COLLECTION = "trace_reports";
/** One document per caller uid: how many traces it stored in the current and the previous minute. */
export const RATE_LIMITS_COLLECTION = "trace_rate_limits";
