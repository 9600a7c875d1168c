import type { GenerateContentResponse, GenerateContentResult, UsageMetadata } from "firebase/ai";
import type { TraceContext } from "../TraceContext.js";

/** `models/gemini-2.5-flash`, `publishers/google/models/gemini-2.5-flash` → `gemini-2.5-flash`. */
export function modelName(model: string): string {
  const at = model.lastIndexOf("models/");
  return at === -1 ? model : model.slice(at + "models/".length);
}

/**
 * Adds a response's `usageMetadata` to the run's usage for `model`: input tokens are the prompt's
 * (tool-use prompt tokens included), output tokens the candidates' and the model's thinking.
 */
export function recordUsage(trace: TraceContext, usage: UsageMetadata | undefined, model: string): void {
  if (!usage) return;
  trace.addUsage(modelName(model), {
    inputTokens: (usage.promptTokenCount ?? 0) + (usage.toolUsePromptTokenCount ?? 0),
    outputTokens: (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0),
  });
}

/** One model response of a hand-written loop: an iteration of the run, and its tokens in the run's usage. */
export function recordModelTurn(trace: TraceContext, result: GenerateContentResult | GenerateContentResponse, model: string): void {
  trace.incrementIteration();
  recordUsage(trace, ("response" in result ? result.response : result).usageMetadata, model);
}
