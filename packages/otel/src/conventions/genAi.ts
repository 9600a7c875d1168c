import { errorMessage, idAttribute, jsonAttribute, numberAttribute, STATUS_ERROR, stringAttribute, type Attributes, type StartedSpanLike } from "../span/SpanLike.js";
import { toolInputFrom } from "@agent-traces/tracer";
import { GEN_AI_USAGE } from "./genAiUsage.js";
import { modelCallTokens } from "./modelCallTokens.js";
import { lastModelCallEnd } from "./runEnd.js";
import type { SpanConvention } from "./SpanConvention.js";

const OPERATION = "gen_ai.operation.name";
const RUN_OPERATIONS = new Set(["invoke_agent", "invoke_workflow"]);
const MODEL_OPERATIONS = new Set(["chat", "text_completion", "generate_content"]);
const FINISH_REASONS = "gen_ai.response.finish_reasons";
/** The GenAI conversation id (on the agent span or its model calls), else the AI SDK 7's `runtimeContext.sessionId` / `conversationId`. */
const SESSION_ID_KEYS = ["gen_ai.conversation.id", "ai.settings.context.sessionId", "ai.settings.context.conversationId"] as const;

function operation(span: { name: string; attributes: Attributes }): string | undefined {
  return stringAttribute(span.attributes, OPERATION) ?? span.name.split(" ")[0];
}

/**
 * The text of `gen_ai.output.messages` (`[{ role, parts: [{ type: "text", content }, …] }]`): its text
 * parts, each message's joined, the messages' on lines of their own; `undefined` when it has none
 * (only tool calls, say): the final output is the answer, never the message list.
 */
function outputText(messages: unknown): unknown {
  if (!Array.isArray(messages)) return typeof messages === "string" ? messages : undefined;
  const texts = messages.flatMap((message: { parts?: unknown } | null) => {
    const parts = Array.isArray(message?.parts) ? (message.parts as ({ type?: unknown; content?: unknown } | null)[]) : [];
    const text = parts.flatMap((part) => (part?.type === "text" && typeof part.content === "string" ? [part.content] : [])).join("");
    return text ? [text] : [];
  });
  return texts.length > 0 ? texts.join("\n") : undefined;
}

/**
 * The OpenTelemetry GenAI semantic conventions (the AI SDK's `@ai-sdk/otel`, and any framework that
 * follows them): `invoke_agent`/`invoke_workflow` is the run, `execute_tool` a tool call, `chat`,
 * `generate_content` and `text_completion` model calls with `gen_ai.usage.*` (cache reads and writes, reasoning). A run whose span ended
 * without an error is `error` when its last model call failed, `timeout` (aborted) when that call was
 * still open, or when it and the run span ended with no finish reasons while an earlier call had them
 * (the AI SDK 7 on an abort; a framework that never writes finish reasons is not judged by them).
 * Session: `gen_ai.conversation.id` on the run span or any span under it.
 */
export const genAiConvention: SpanConvention = {
  name: "gen-ai",
  isRun: (span: StartedSpanLike) => RUN_OPERATIONS.has(operation(span) ?? ""),
  run: ({ attributes }) => {
    // The AI SDK 7 puts `runtimeContext.userId` there (with includeRuntimeContext and runtimeContext: true).
    const user = attributes["ai.settings.context.userId"];
    return {
      skill: stringAttribute(attributes, "gen_ai.agent.name") ?? stringAttribute(attributes, "gen_ai.workflow.name"),
      userId: typeof user === "string" || typeof user === "number" ? user : undefined,
      sessionId: idAttribute(attributes, SESSION_ID_KEYS),
      output: outputText(jsonAttribute(attributes, "gen_ai.output.messages")),
    };
  },
  sessionId: ({ attributes }) => idAttribute(attributes, SESSION_ID_KEYS),
  tool(span) {
    if (operation(span) !== "execute_tool") return undefined;
    const { attributes } = span;
    const isError = span.status.code === STATUS_ERROR || stringAttribute(attributes, "error.type") !== undefined;
    return {
      name: stringAttribute(attributes, "gen_ai.tool.name") ?? (span.name.replace(/^execute_tool\s*/, "") || "tool"),
      input: toolInputFrom(attributes["gen_ai.tool.call.arguments"]),
      output: jsonAttribute(attributes, "gen_ai.tool.call.result") ?? (isError ? errorMessage(span) : undefined),
      isError,
    };
  },
  model(span) {
    if (!MODEL_OPERATIONS.has(operation(span) ?? "")) return undefined;
    const { attributes } = span;
    return {
      model: stringAttribute(attributes, "gen_ai.response.model") ?? stringAttribute(attributes, "gen_ai.request.model") ?? "unknown",
      // The conventions count cache reads and writes inside input_tokens and reasoning inside output_tokens;
      // the AI SDK 7 writes reasoning only as its own detail attribute (supplemental usage attributes on).
      ...modelCallTokens({
        input_tokens: numberAttribute(attributes, "gen_ai.usage.input_tokens") ?? 0,
        output_tokens: numberAttribute(attributes, "gen_ai.usage.output_tokens") ?? 0,
        cached_input_tokens: numberAttribute(attributes, GEN_AI_USAGE.cacheRead),
        cache_write_tokens: numberAttribute(attributes, GEN_AI_USAGE.cacheWrite),
        reasoning_tokens: numberAttribute(attributes, GEN_AI_USAGE.reasoning) ?? numberAttribute(attributes, "ai.usage.outputTokenDetails.reasoningTokens"),
      }),
      finished: hasFinishReasons(attributes),
    };
  },
  isModelCall: (span) => MODEL_OPERATIONS.has(operation(span) ?? ""),
  runEnd(run, { last, finished }) {
    const fromModel = lastModelCallEnd(last);
    if (fromModel) return fromModel;
    if (last?.ended && finished > 0 && !hasFinishReasons(last.ended.attributes) && !hasFinishReasons(run.attributes)) {
      return { status: "timeout", message: "aborted: the run ended before its last model call finished" };
    }
    return undefined;
  },
};

function hasFinishReasons(attributes: Attributes): boolean {
  const reasons = attributes[FINISH_REASONS];
  return Array.isArray(reasons) ? reasons.length > 0 : typeof reasons === "string" && reasons.length > 0;
}
