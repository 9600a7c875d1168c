import { addModelUsage, type ModelUsage, type SanitizedTrace, type TokenCounts } from "@agent-traces/core";
import { GEN_AI_USAGE } from "../conventions/genAiUsage.js";
import { AGENT_TRACES_ATTRIBUTES } from "../conventions/agentTracesAttributes.js";
import { otlpAttribute, type OtlpSpan, type OtlpTraces } from "./otlpJson.js";
import { derivedSpanId } from "./spanIds.js";

const INTERNAL = 1;
const STATUS_OK = 1;
const STATUS_ERROR = 2;
const nanos = (iso: string) => `${BigInt(Date.parse(iso)) * 1_000_000n}`;
const nanosAfter = (iso: string, ms: number) => `${(BigInt(Date.parse(iso)) + BigInt(Math.round(ms))) * 1_000_000n}`;

/**
 * A stored trace as OTLP/JSON, in the OpenTelemetry GenAI conventions: an `invoke_agent` root span
 * (our trace id its trace id; the session its `gen_ai.conversation.id`), an `execute_tool` child per tool call and a `chat` child per model
 * of its token usage. What GenAI has no name for rides on `agent_traces.*` attributes, so that
 * AgentTracesSpanProcessor reads the spans back as the same trace.
 */
export function toOtlpJson(trace: SanitizedTrace): OtlpTraces {
  const traceId = trace.trace_id;
  const rootId = derivedSpanId(`${traceId}:run`);
  const start = nanos(trace.started_at);
  const end = trace.ended_at ? nanos(trace.ended_at) : start;
  const usage = trace.usage ?? [];
  const failed = trace.status !== "success";
  const errorText = typeof trace.metadata.error === "string" ? trace.metadata.error : undefined;
  const root: OtlpSpan = {
    traceId,
    spanId: rootId,
    name: trace.skill ? `invoke_agent ${trace.skill}` : "invoke_agent",
    kind: INTERNAL,
    startTimeUnixNano: start,
    endTimeUnixNano: end,
    attributes: [
      ...otlpAttribute("gen_ai.operation.name", "invoke_agent"),
      ...otlpAttribute("gen_ai.agent.name", trace.skill ?? undefined),
      ...otlpAttribute("gen_ai.conversation.id", trace.session_id),
      ...usageAttributes(usage.length ? sumUsage(usage) : undefined),
      ...otlpAttribute(AGENT_TRACES_ATTRIBUTES.userId, trace.user_id ?? undefined),
      ...otlpAttribute(AGENT_TRACES_ATTRIBUTES.iterations, trace.iterations),
      ...otlpAttribute(AGENT_TRACES_ATTRIBUTES.finalOutput, trace.final_output),
      ...otlpAttribute(AGENT_TRACES_ATTRIBUTES.status, trace.status),
      ...otlpAttribute(AGENT_TRACES_ATTRIBUTES.metadata, JSON.stringify(trace.metadata)),
      ...otlpAttribute(AGENT_TRACES_ATTRIBUTES.toolTracesDropped, trace.tool_traces_dropped || undefined),
      ...otlpAttribute(AGENT_TRACES_ATTRIBUTES.toolTracesShortened, trace.tool_traces_shortened || undefined),
      ...(failed ? otlpAttribute("error.type", trace.status === "timeout" ? "timeout" : "error") : []),
    ],
    status: failed ? { code: STATUS_ERROR, ...(errorText !== undefined && { message: errorText }) } : { code: STATUS_OK },
  };
  const tools = trace.tool_traces.map((call, index): OtlpSpan => ({
    traceId,
    spanId: derivedSpanId(`${traceId}:tool:${index}`),
    parentSpanId: rootId,
    name: `execute_tool ${call.name}`,
    kind: INTERNAL,
    startTimeUnixNano: nanos(call.timestamp),
    endTimeUnixNano: nanosAfter(call.timestamp, call.duration_ms),
    attributes: [
      ...otlpAttribute("gen_ai.operation.name", "execute_tool"),
      ...otlpAttribute("gen_ai.tool.name", call.name),
      ...otlpAttribute("gen_ai.tool.call.arguments", JSON.stringify(call.input)),
      ...otlpAttribute("gen_ai.tool.call.result", call.output),
      ...(call.is_error ? otlpAttribute("error.type", "tool_error") : []),
    ],
    status: call.is_error ? { code: STATUS_ERROR, message: call.output } : { code: STATUS_OK },
  }));
  // Token usage is kept per model, not per call: one span per model carries its sums.
  const models = usage.map((entry): OtlpSpan => ({
    traceId,
    spanId: derivedSpanId(`${traceId}:model:${entry.model}`),
    parentSpanId: rootId,
    name: `chat ${entry.model}`,
    kind: INTERNAL,
    startTimeUnixNano: start,
    endTimeUnixNano: end,
    attributes: [
      ...otlpAttribute("gen_ai.operation.name", "chat"),
      ...otlpAttribute("gen_ai.request.model", entry.model),
      ...usageAttributes(entry),
    ],
    status: { code: 0 },
  }));
  return {
    resourceSpans: [
      {
        resource: { attributes: [...otlpAttribute("service.name", "agent-traces")] },
        scopeSpans: [{ scope: { name: "agent-traces" }, spans: [root, ...tools, ...models] }],
      },
    ],
  };
}

/** A usage's GenAI attributes: the totals, and the cache and reasoning parts they include (left out when 0). */
function usageAttributes(usage: TokenCounts | undefined) {
  return [
    ...otlpAttribute("gen_ai.usage.input_tokens", usage?.input_tokens),
    ...otlpAttribute("gen_ai.usage.output_tokens", usage?.output_tokens),
    ...otlpAttribute(GEN_AI_USAGE.cacheRead, usage?.cached_input_tokens || undefined),
    ...otlpAttribute(GEN_AI_USAGE.cacheWrite, usage?.cache_write_tokens || undefined),
    ...otlpAttribute(GEN_AI_USAGE.reasoning, usage?.reasoning_tokens || undefined),
  ];
}

/** The run's usage summed over its models (core's addModelUsage, all under one name). */
function sumUsage(usage: readonly TokenCounts[]): TokenCounts {
  const total: ModelUsage[] = [];
  for (const entry of usage) addModelUsage(total, "run", entry);
  return total[0]!;
}
