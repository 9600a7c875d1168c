import type { TokenCounts } from "../modelUsage.js";
import { count, type Count } from "./count.js";

/** The AI SDK's `LanguageModelUsage`: AI SDK 5's flat counts, or 6's and 7's with input and output details. */
export interface AiSdkUsage {
  inputTokens?: Count;
  outputTokens?: Count;
  totalTokens?: Count;
  /** AI SDK 5: as the provider reports them (see aiSdkTokenCounts); 6 and 7: deprecated copies of the details'. */
  reasoningTokens?: Count;
  cachedInputTokens?: Count;
  /** AI SDK 6 and 7: parts of inputTokens. */
  inputTokenDetails?: { noCacheTokens?: Count; cacheReadTokens?: Count; cacheWriteTokens?: Count } | null;
  /** AI SDK 6 and 7: parts of outputTokens. */
  outputTokenDetails?: { textTokens?: Count; reasoningTokens?: Count } | null;
}

/**
 * The AI SDK's usage in our terms. AI SDK 6 and 7 normalize every provider's usage (inputTokens all
 * input, outputTokens all output, the details their parts): taken as it is. AI SDK 5 passes each
 * provider's counts through: Google's outputTokens leave its thoughts (reasoningTokens) out, which
 * its totalTokens (Gemini's total) counts beside them, while OpenAI's include them (totalTokens =
 * input + output); Anthropic's inputTokens leave its cache reads (cachedInputTokens) out, told by
 * `provider` (the model's provider id, `ai.model.provider`: `anthropic.messages`).
 */
export function aiSdkTokenCounts(usage: AiSdkUsage, provider?: string): TokenCounts {
  const input = count(usage.inputTokens);
  const output = count(usage.outputTokens);
  if (usage.inputTokenDetails || usage.outputTokenDetails) {
    return {
      input_tokens: input,
      output_tokens: output,
      cached_input_tokens: count(usage.inputTokenDetails?.cacheReadTokens ?? usage.cachedInputTokens),
      cache_write_tokens: count(usage.inputTokenDetails?.cacheWriteTokens),
      reasoning_tokens: count(usage.outputTokenDetails?.reasoningTokens ?? usage.reasoningTokens),
    };
  }
  const reasoning = count(usage.reasoningTokens);
  const cached = count(usage.cachedInputTokens);
  const reasoningBeside = reasoning > output || (reasoning > 0 && count(usage.totalTokens) >= input + output + reasoning);
  const cachedBeside = cached > input || (cached > 0 && provider !== undefined && provider.startsWith("anthropic"));
  return {
    input_tokens: cachedBeside ? input + cached : input,
    output_tokens: reasoningBeside ? output + reasoning : output,
    cached_input_tokens: cached,
    reasoning_tokens: reasoning,
  };
}
