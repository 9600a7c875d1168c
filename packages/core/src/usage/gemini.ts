import type { TokenCounts } from "../modelUsage.js";
import { count, type Count } from "./count.js";

/** Gemini's `usageMetadata` (the Gemini API, Vertex AI, Firebase AI Logic, @google/genai). */
export interface GeminiUsage {
  /** The whole prompt, cached content included. */
  promptTokenCount?: Count;
  /** The answer's visible tokens; thoughts are beside it. */
  candidatesTokenCount?: Count;
  /** Of promptTokenCount, read from cached content. */
  cachedContentTokenCount?: Count;
  /** Thinking tokens, beside candidatesTokenCount. */
  thoughtsTokenCount?: Count;
  /** The prompt of tool use (code execution, search results), beside promptTokenCount. */
  toolUsePromptTokenCount?: Count;
  totalTokenCount?: Count;
}

/** Gemini's usage in our terms: input the prompt and tool-use prompt (cached content inside), output the candidates and thoughts. */
export function geminiTokenCounts(usage: GeminiUsage): TokenCounts {
  const thoughts = count(usage.thoughtsTokenCount);
  return {
    input_tokens: count(usage.promptTokenCount) + count(usage.toolUsePromptTokenCount),
    output_tokens: count(usage.candidatesTokenCount) + thoughts,
    cached_input_tokens: count(usage.cachedContentTokenCount),
    reasoning_tokens: thoughts,
  };
}
