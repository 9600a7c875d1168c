import { errorMessage, idAttribute, jsonAttribute, numberAttribute, STATUS_ERROR, stringAttribute, type Attributes, type EndedSpanLike, type StartedSpanLike } from "../span/SpanLike.js";
import { aiSdkTokenCounts, anthropicTokenCounts, geminiTokenCounts, type AiSdkUsage, type AnthropicUsage, type GeminiUsage, type TokenCounts } from "@agent-traces/core";
import { toolInputFrom } from "@agent-traces/tracer";
import { modelCallTokens } from "./modelCallTokens.js";
import { lastModelCallEnd } from "./runEnd.js";
import type { SpanConvention } from "./SpanConvention.js";

const RUN_OPERATIONS = new Set(["ai.generateText", "ai.streamText", "ai.generateObject", "ai.streamObject"]);
const MODEL_OPERATIONS = new Set(["ai.generateText.doGenerate", "ai.streamText.doStream", "ai.generateObject.doGenerate", "ai.streamObject.doStream"]);
const STREAM_OPERATIONS = new Set(["ai.streamText.doStream", "ai.streamObject.doStream"]);
/** Where an app puts the conversation: `experimental_telemetry.metadata.sessionId` (or `conversationId`); the SDK copies it onto every span of the call. */
const SESSION_ID_KEYS = ["ai.telemetry.metadata.sessionId", "ai.telemetry.metadata.conversationId"] as const;
/** The event a doStream span gets when its stream reached the model's finish part. */
const STREAM_FINISH_EVENT = "ai.stream.finish";
/** AI SDK 6's and 7's usage details: present, the totals count every part inside (see aiSdkSpanTokens). */
const DETAIL_KEYS = [
  "ai.usage.inputTokenDetails.noCacheTokens",
  "ai.usage.inputTokenDetails.cacheReadTokens",
  "ai.usage.inputTokenDetails.cacheWriteTokens",
  "ai.usage.outputTokenDetails.textTokens",
  "ai.usage.outputTokenDetails.reasoningTokens",
] as const;

function operationId(span: StartedSpanLike): string {
  return stringAttribute(span.attributes, "ai.operationId") ?? span.name;
}

/**
 * The AI SDK's own spans (`ai` 5 and 6 with `experimental_telemetry`, 7 with `LegacyOpenTelemetry`):
 * `ai.generateText`/`ai.streamText` (and the object calls) is the run, `ai.toolCall` a tool call,
 * `….doGenerate`/`….doStream` a model call. Skill: `functionId`; user: `metadata.userId`; session:
 * `metadata.sessionId` (or `metadata.conversationId`).
 * The SDK ends the run span without an error both when its stream is aborted and when a step's model
 * call fails: the run is `error` when its last model call failed or the run's finish reason is
 * `error`, `timeout` (aborted) when its last model call was still open or its stream never finished.
 */
export const aiSdkConvention: SpanConvention = {
  name: "ai-sdk",
  isRun: (span) => RUN_OPERATIONS.has(operationId(span)),
  run: ({ attributes }) => {
    const user = attributes["ai.telemetry.metadata.userId"];
    return {
      skill: stringAttribute(attributes, "ai.telemetry.functionId"),
      userId: typeof user === "string" || typeof user === "number" ? user : undefined,
      sessionId: idAttribute(attributes, SESSION_ID_KEYS),
      output: attributes["ai.response.text"] ?? jsonAttribute(attributes, "ai.response.object"),
    };
  },
  sessionId: ({ attributes }) => idAttribute(attributes, SESSION_ID_KEYS),
  tool(span) {
    if (operationId(span) !== "ai.toolCall") return undefined;
    const { attributes } = span;
    const isError = span.status.code === STATUS_ERROR;
    return {
      name: stringAttribute(attributes, "ai.toolCall.name") ?? "tool",
      input: toolInputFrom(attributes["ai.toolCall.args"]),
      output: isError ? errorMessage(span) : jsonAttribute(attributes, "ai.toolCall.result"),
      isError,
    };
  },
  model(span) {
    if (!MODEL_OPERATIONS.has(operationId(span))) return undefined;
    const { attributes } = span;
    return {
      model: stringAttribute(attributes, "ai.response.model") ?? stringAttribute(attributes, "ai.model.id") ?? "unknown",
      ...modelCallTokens(aiSdkSpanTokens(attributes)),
      finished: streamFinished(span),
    };
  },
  isModelCall: (span) => MODEL_OPERATIONS.has(operationId(span)),
  runEnd(run, { last }) {
    const fromModel = lastModelCallEnd(last);
    if (fromModel) return fromModel;
    if (stringAttribute(run.attributes, "ai.response.finishReason") === "error") return { status: "error", message: "the model's stream ended with an error (finish reason \"error\")" };
    if (last?.ended && !streamFinished(last.ended)) return { status: "timeout", message: "aborted: the model's stream ended before it finished" };
    return undefined;
  },
};

/** The provider's own usage, where AI SDK 5 puts it in a model call's provider metadata (Google's usageMetadata, Anthropic's usage). */
interface ProviderMetadataUsage {
  google?: { usageMetadata?: GeminiUsage | null } | null;
  anthropic?: { usage?: AnthropicUsage | null } | null;
}

/**
 * A model call's tokens in our terms. AI SDK 6 and 7 (`ai.usage.inputTokenDetails.*`,
 * `ai.usage.outputTokenDetails.*`) count every part inside the totals. AI SDK 5 passes each provider's
 * counts through, and its doGenerate spans carry only promptTokens and completionTokens: the provider's
 * own usage in `ai.response.providerMetadata` is read when it is there (Google's usageMetadata: thoughts
 * beside the candidates; Anthropic's usage: cache reads and writes beside the input), else the
 * `ai.usage.*` counts with core's aiSdkTokenCounts (`gen_ai.usage.*` when those are absent).
 */
function aiSdkSpanTokens(attributes: Attributes): TokenCounts {
  const number = (key: string) => numberAttribute(attributes, key);
  const hasDetails = DETAIL_KEYS.some((key) => number(key) !== undefined);
  if (!hasDetails) {
    const metadata = jsonAttribute(attributes, "ai.response.providerMetadata") as ProviderMetadataUsage | null | undefined;
    const gemini = metadata?.google?.usageMetadata;
    if (typeof gemini === "object" && gemini !== null) return geminiTokenCounts(gemini);
    const anthropic = metadata?.anthropic?.usage;
    if (typeof anthropic === "object" && anthropic !== null) return anthropicTokenCounts(anthropic);
  }
  const usage: AiSdkUsage = {
    inputTokens: number("ai.usage.inputTokens") ?? number("ai.usage.promptTokens") ?? number("gen_ai.usage.input_tokens"),
    outputTokens: number("ai.usage.outputTokens") ?? number("ai.usage.completionTokens") ?? number("gen_ai.usage.output_tokens"),
    totalTokens: number("ai.usage.totalTokens"),
    reasoningTokens: number("ai.usage.reasoningTokens"),
    cachedInputTokens: number("ai.usage.cachedInputTokens"),
    ...(hasDetails && {
      inputTokenDetails: { cacheReadTokens: number("ai.usage.inputTokenDetails.cacheReadTokens"), cacheWriteTokens: number("ai.usage.inputTokenDetails.cacheWriteTokens") },
      outputTokenDetails: { reasoningTokens: number("ai.usage.outputTokenDetails.reasoningTokens") },
    }),
  };
  return aiSdkTokenCounts(usage, stringAttribute(attributes, "ai.model.provider"));
}

/** Whether a model call ran to its end: a doGenerate that did not fail, a doStream that reached its finish part. */
function streamFinished(span: EndedSpanLike): boolean {
  if (span.status.code === STATUS_ERROR) return false;
  return !STREAM_OPERATIONS.has(operationId(span)) || span.events.some((event) => event.name === STREAM_FINISH_EVENT);
}
