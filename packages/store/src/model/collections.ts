// Where traces and reports live; the rules, indexes and TTL policies name the same collections.

/** One document per stored trace, its id the trace id. */
export const TRACES_COLLECTION = "execution_traces";
/** One document per error-report window, its id the window's start (ISO-8601). */
export const REPORTS_COLLECTION = "trace_reports";
/** One document per caller uid: how many traces it stored in the current and the previous minute. */
export const RATE_LIMITS_COLLECTION = "trace_rate_limits";
/** One receipt per erasure of a user's or an age's traces: its scope (a uid's hash, never the uid), counts, start and end. */
export const TRACE_ERASURES_COLLECTION = "trace_erasures";
/** One rating of a run by one caller, its id the trace id and the rater's uid (see feedbackId): expires with its run. */
export const FEEDBACK_COLLECTION = "trace_feedback";
