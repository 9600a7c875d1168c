export { getCurrentTrace } from "./context.js";
export { InvalidTraceError, isRetryableError, TraceSendError, UnexpectedResponseError } from "./errors.js";
export { CallableTraceExporter, type CallableTraceExporterOptions } from "./exporter/CallableTraceExporter.js";
export type { RecordTraceReason, RecordTraceResult, TraceExporter } from "./exporter/TraceExporter.js";
export { flush } from "./send/inFlight.js";
export { DEFAULT_RETRY, type RetryOptions } from "./send/retry.js";
export { createToolTrace, type ToolTraceOptions } from "./toolTrace.js";
export { TraceContext, type TraceContextOptions } from "./TraceContext.js";
export { DEFAULT_SAMPLE_RATE, withTrace, type WithTraceOptions } from "./withTrace.js";
