import type { GenerateContentResponse, GenerateContentResult, UsageMetadata } from "firebase/ai";
import { geminiTokenCounts } from "@agent-traces/core";
import type { TraceContext } from "../TraceContext.js";

/** `models/gemini-2.5-flash`, `publishers/google/models/gemini-2.5-flash` → `gemini-2.5-flash`. */
export function modelName(model: string): string {
  const at = model.lastIndexOf("models/");
  return at === -1 ? model : model.slice(at + "models/".length);
}

/**
 * Adds a response's `usageMetadata` to the run's usage for `model` (core's geminiTokenCounts): input
 * tokens are the prompt's (cached content inside, tool-use prompt tokens added), output tokens the
 * candidates' and the model's thinking; the cached and thinking counts are kept as their parts.
 */
export function recordUsage(trace: TraceContext, usage: UsageMetadata | undefined, model: string): void {
  if (!usage) return;
  const tokens = geminiTokenCounts(usage);
  trace.addUsage(modelName(model), {
    inputTokens: tokens.input_tokens,
    outputTokens: tokens.output_tokens,
    cachedInputTokens: tokens.cached_input_tokens,
    reasoningTokens: tokens.reasoning_tokens,
  });
}

/** One model response of a hand-written loop: an iteration of the run, and its tokens in the run's usage. */
export function recordModelTurn(trace: TraceContext, result: GenerateContentResult | GenerateContentResponse, model: string): void {
  trace.incrementIteration();
  recordUsage(trace, ("response" in result ? result.response : result).usageMetadata, model);
}
