import type { TokenCounts } from "../modelUsage.js";
import { count, type Count } from "./count.js";

/** Anthropic Messages' `usage`. */
export interface AnthropicUsage {
  /** The uncached input only: cache reads and writes are beside it. */
  input_tokens?: Count;
  /** All output, thinking included. */
  output_tokens?: Count;
  cache_read_input_tokens?: Count;
  cache_creation_input_tokens?: Count;
  /** Of output_tokens, thinking (where the API reports it). */
  output_tokens_details?: { thinking_tokens?: Count } | null;
}

/** Anthropic usage in our terms: input the uncached input plus cache reads plus cache writes. */
export function anthropicTokenCounts(usage: AnthropicUsage): TokenCounts {
  const reads = count(usage.cache_read_input_tokens);
  const writes = count(usage.cache_creation_input_tokens);
  return {
    input_tokens: count(usage.input_tokens) + reads + writes,
    output_tokens: count(usage.output_tokens),
    cached_input_tokens: reads,
    cache_write_tokens: writes,
    reasoning_tokens: count(usage.output_tokens_details?.thinking_tokens),
  };
}
