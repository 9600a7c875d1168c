export type { AgentsSpanLike, AgentsTraceLike } from "./agentsTracing.js";
export { AgentTracesTracingProcessor, USER_ID_METADATA_KEY, type AgentTracesTracingProcessorOptions, type TracingProcessorStats } from "./AgentTracesTracingProcessor.js";
