import type { TokenCounts } from "../modelUsage.js";
import { isPlainObject } from "../plainObject.js";
import { aiSdkTokenCounts, type AiSdkUsage } from "./aiSdk.js";
import { anthropicTokenCounts, type AnthropicUsage } from "./anthropic.js";
import { count, type Count } from "./count.js";
import { geminiTokenCounts, type GeminiUsage } from "./gemini.js";
import { genkitTokenCounts, type GenkitUsage } from "./genkit.js";
import { openAiChatTokenCounts, openAiResponsesTokenCounts, type OpenAiChatUsage, type OpenAiResponsesUsage } from "./openAi.js";

/** Our counts in camelCase (what an app passes TraceContext.addUsage): totals with their parts inside, like the wire's. */
export interface TokenUsage {
  /** All input: uncached, cache reads and cache writes. */
  inputTokens: number;
  /** All output: visible and reasoning. */
  outputTokens: number;
  cachedInputTokens?: number | undefined;
  cacheWriteTokens?: number | undefined;
  reasoningTokens?: number | undefined;
}

/** Our snake_case counts, and the OpenAI Agents SDK's turn and task usage (`cached_input_tokens`, `cache_write_input_tokens`): parts inside the totals. */
interface SnakeTokenUsage {
  input_tokens?: Count;
  output_tokens?: Count;
  cached_input_tokens?: Count;
  cache_write_tokens?: Count;
  cache_write_input_tokens?: Count;
  reasoning_tokens?: Count;
}

/** A usage object tokenCountsOf reads. */
export type ProviderUsage = TokenUsage | GeminiUsage | OpenAiChatUsage | OpenAiResponsesUsage | AnthropicUsage | AiSdkUsage | GenkitUsage | SnakeTokenUsage;

const has = (usage: Record<string, unknown>, ...keys: string[]) => keys.some((key) => key in usage);

/**
 * Any provider's usage object in our terms (input all input, output all output, cache and reasoning
 * counts their parts), its shape told by its keys: Gemini's usageMetadata (`promptTokenCount`), OpenAI
 * Chat Completions (`prompt_tokens`), Anthropic (`cache_read_input_tokens`), OpenAI Responses
 * (`input_tokens_details`), snake_case totals with their parts (ours, the OpenAI Agents SDK's turns),
 * Genkit (`thoughtsTokens`, `cachedContentTokens`, `custom`), the AI SDK (`inputTokenDetails`,
 * `totalTokens`; `aiSdkProvider` tells AI SDK 5's Anthropic counts apart), else our camelCase counts.
 * Undefined when the value is not an object with token counts.
 */
export function tokenCountsOf(usage: unknown, aiSdkProvider?: string): TokenCounts | undefined {
  if (!isPlainObject(usage)) return undefined;
  if (has(usage, "promptTokenCount", "candidatesTokenCount", "thoughtsTokenCount", "cachedContentTokenCount", "toolUsePromptTokenCount")) return geminiTokenCounts(usage as GeminiUsage);
  if (has(usage, "prompt_tokens", "completion_tokens")) return openAiChatTokenCounts(usage as OpenAiChatUsage);
  if (has(usage, "cache_read_input_tokens", "cache_creation_input_tokens")) return anthropicTokenCounts(usage as AnthropicUsage);
  if (has(usage, "input_tokens_details", "output_tokens_details")) return openAiResponsesTokenCounts(usage as OpenAiResponsesUsage);
  if (has(usage, "input_tokens", "output_tokens")) return snakeTokenCounts(usage as SnakeTokenUsage);
  if (has(usage, "thoughtsTokens", "cachedContentTokens", "custom", "inputCharacters", "outputCharacters")) return genkitTokenCounts(usage as GenkitUsage);
  if (has(usage, "inputTokenDetails", "outputTokenDetails", "totalTokens")) return aiSdkTokenCounts(usage as AiSdkUsage, aiSdkProvider);
  if (has(usage, "inputTokens", "outputTokens")) return camelTokenCounts(usage as Partial<TokenUsage>);
  return undefined;
}

function snakeTokenCounts(usage: SnakeTokenUsage): TokenCounts {
  return {
    input_tokens: count(usage.input_tokens),
    output_tokens: count(usage.output_tokens),
    cached_input_tokens: count(usage.cached_input_tokens),
    cache_write_tokens: count(usage.cache_write_tokens ?? usage.cache_write_input_tokens),
    reasoning_tokens: count(usage.reasoning_tokens),
  };
}

function camelTokenCounts(usage: Partial<TokenUsage>): TokenCounts {
  return {
    input_tokens: count(usage.inputTokens),
    output_tokens: count(usage.outputTokens),
    cached_input_tokens: count(usage.cachedInputTokens),
    cache_write_tokens: count(usage.cacheWriteTokens),
    reasoning_tokens: count(usage.reasoningTokens),
  };
}
