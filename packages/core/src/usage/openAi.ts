import type { TokenCounts } from "../modelUsage.js";
import { count, type Count } from "./count.js";

/** OpenAI Chat Completions' `usage` (and the OpenAI-compatible APIs'). */
export interface OpenAiChatUsage {
  /** All input, cached tokens included. */
  prompt_tokens?: Count;
  /** All output, reasoning included. */
  completion_tokens?: Count;
  total_tokens?: Count;
  prompt_tokens_details?: { cached_tokens?: Count; cache_write_tokens?: Count } | null;
  completion_tokens_details?: { reasoning_tokens?: Count } | null;
}

/** OpenAI Responses' `usage` (also the OpenAI Agents SDK's response spans). */
export interface OpenAiResponsesUsage {
  /** All input, cached tokens included. */
  input_tokens?: Count;
  /** All output, reasoning included. */
  output_tokens?: Count;
  total_tokens?: Count;
  input_tokens_details?: { cached_tokens?: Count; cache_write_tokens?: Count } | null;
  output_tokens_details?: { reasoning_tokens?: Count } | null;
}

/** Chat Completions usage in our terms: the totals as they are, the cached, cache-write and reasoning counts their parts. */
export function openAiChatTokenCounts(usage: OpenAiChatUsage): TokenCounts {
  return {
    input_tokens: count(usage.prompt_tokens),
    output_tokens: count(usage.completion_tokens),
    cached_input_tokens: count(usage.prompt_tokens_details?.cached_tokens),
    cache_write_tokens: count(usage.prompt_tokens_details?.cache_write_tokens),
    reasoning_tokens: count(usage.completion_tokens_details?.reasoning_tokens),
  };
}

/** Responses usage in our terms: the totals as they are, the cached, cache-write and reasoning counts their parts. */
export function openAiResponsesTokenCounts(usage: OpenAiResponsesUsage): TokenCounts {
  return {
    input_tokens: count(usage.input_tokens),
    output_tokens: count(usage.output_tokens),
    cached_input_tokens: count(usage.input_tokens_details?.cached_tokens),
    cache_write_tokens: count(usage.input_tokens_details?.cache_write_tokens),
    reasoning_tokens: count(usage.output_tokens_details?.reasoning_tokens),
  };
}
