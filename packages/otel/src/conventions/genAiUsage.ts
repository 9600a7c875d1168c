/**
 * The GenAI semantic conventions' token-part attributes (OpenTelemetry semconv 1.40+,
 * `ATTR_GEN_AI_USAGE_*`): each a part of `gen_ai.usage.input_tokens` or `gen_ai.usage.output_tokens`.
 */
export const GEN_AI_USAGE = {
  /** Of input_tokens, read from a provider's cache. */
  cacheRead: "gen_ai.usage.cache_read.input_tokens",
  /** Of input_tokens, written to a provider's cache. */
  cacheWrite: "gen_ai.usage.cache_creation.input_tokens",
  /** Of output_tokens, reasoning (chain of thought, extended thinking). */
  reasoning: "gen_ai.usage.reasoning.output_tokens",
} as const;
