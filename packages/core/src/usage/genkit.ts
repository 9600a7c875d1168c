import type { TokenCounts } from "../modelUsage.js";
import { count, type Count } from "./count.js";

/** Genkit's `GenerationUsage` (the token fields; characters, images and the rest are not tokens). */
export interface GenkitUsage {
  inputTokens?: Count;
  outputTokens?: Count;
  totalTokens?: Count;
  /** Thinking tokens: the Google plugins report them beside outputTokens (Gemini's candidates). */
  thoughtsTokens?: Count;
  /** Of inputTokens, read from cached content (the Google plugins: Gemini's cachedContentTokenCount). */
  cachedContentTokens?: Count;
  /** The Anthropic plugin's cache counts (`cache_read_input_tokens`, `cache_creation_input_tokens`), beside inputTokens. */
  custom?: Record<string, Count> | null;
}

/**
 * Genkit's usage in our terms. The Google plugins (googleai, vertexai) fill inputTokens with Gemini's
 * prompt (cached content inside) and outputTokens with its candidates, thoughtsTokens beside them: the
 * thoughts are added to the output unless totalTokens says they are already in it (total = input +
 * output). The Anthropic plugin fills inputTokens with Anthropic's uncached input and puts cache reads
 * and writes under `custom`: they are added to the input.
 */
export function genkitTokenCounts(usage: GenkitUsage): TokenCounts {
  const input = count(usage.inputTokens);
  const output = count(usage.outputTokens);
  const thoughts = count(usage.thoughtsTokens);
  const total = count(usage.totalTokens);
  const thoughtsInside = total > 0 && total < input + output + thoughts && thoughts <= output;
  const reads = count(usage.custom?.cache_read_input_tokens);
  const writes = count(usage.custom?.cache_creation_input_tokens);
  return {
    input_tokens: input + reads + writes,
    output_tokens: thoughtsInside ? output : output + thoughts,
    cached_input_tokens: count(usage.cachedContentTokens) + reads,
    cache_write_tokens: writes,
    reasoning_tokens: thoughts,
  };
}
