import type { TokenCounts } from "@agent-traces/core";
import type { ModelCallFields } from "./SpanConvention.js";

/** Core's token counts (from a provider's usage) as a model call's fields. */
export function modelCallTokens(tokens: TokenCounts): Pick<ModelCallFields, "inputTokens" | "outputTokens" | "cachedInputTokens" | "cacheWriteTokens" | "reasoningTokens"> {
  return {
    inputTokens: tokens.input_tokens,
    outputTokens: tokens.output_tokens,
    cachedInputTokens: tokens.cached_input_tokens,
    cacheWriteTokens: tokens.cache_write_tokens,
    reasoningTokens: tokens.reasoning_tokens,
  };
}
