import { strict as assert } from "node:assert";
import {
  addModelUsage,
  aiSdkTokenCounts,
  anthropicTokenCounts,
  DEFAULT_PRICES,
  geminiTokenCounts,
  genkitTokenCounts,
  openAiChatTokenCounts,
  openAiResponsesTokenCounts,
  tokenCountsOf,
  traceCost,
  validateTrace,
  type ModelUsage,
  type TokenCounts,
} from "@agent-traces/core";

/**
 * One golden payload per provider shape, copied from the providers' documented responses and the SDKs'
 * types (firebase/ai UsageMetadata, OpenAI's Chat Completions and Responses usage, Anthropic's Messages
 * usage, the AI SDK's LanguageModelUsage of 5 and 6/7, Genkit's GenerationUsage as its plugins fill it):
 * the counts in our terms, and the cost they price to with DEFAULT_PRICES, each token counted once.
 */
interface Golden {
  name: string;
  model: string;
  usage: unknown;
  read: (usage: never) => TokenCounts;
  aiSdkProvider?: string;
  counts: Required<TokenCounts>;
  /** USD with DEFAULT_PRICES, worked out by hand from the price list. */
  cost: number;
}

// Gemini: 12,000 prompt tokens of which 8,000 came from the (implicit) cache, 50 tool-use prompt
// tokens beside them, 400 answer tokens and 850 thinking tokens beside those; total = 12000+50+400+850.
const GEMINI_USAGE = {
  promptTokenCount: 12000,
  candidatesTokenCount: 400,
  totalTokenCount: 13300,
  cachedContentTokenCount: 8000,
  thoughtsTokenCount: 850,
  toolUsePromptTokenCount: 50,
  promptTokensDetails: [{ modality: "TEXT", tokenCount: 12000 }],
  cacheTokensDetails: [{ modality: "TEXT", tokenCount: 8000 }],
  candidatesTokensDetails: [{ modality: "TEXT", tokenCount: 400 }],
};
// gemini-2.5-flash: input 0.30, cached 0.03, output 2.50 per million: 4050 x 0.30 + 8000 x 0.03 + 1250 x 2.50.
const GEMINI_COST = (4050 * 0.3 + 8000 * 0.03 + 1250 * 2.5) / 1e6;

// Anthropic: 50 uncached input tokens, 10,000 read from the cache and 2,000 written to it, beside them; 600 output tokens.
const ANTHROPIC_USAGE = {
  input_tokens: 50,
  cache_creation_input_tokens: 2000,
  cache_read_input_tokens: 10000,
  cache_creation: { ephemeral_5m_input_tokens: 2000, ephemeral_1h_input_tokens: 0 },
  output_tokens: 600,
  server_tool_use: null,
  service_tier: "standard",
};
// claude-sonnet-4-5: input 3, cache read 0.30, cache write 3.75, output 15 per million.
const ANTHROPIC_COST = (50 * 3 + 10000 * 0.3 + 2000 * 3.75 + 600 * 15) / 1e6;
const ANTHROPIC_COUNTS = { input_tokens: 12050, output_tokens: 600, cached_input_tokens: 10000, cache_write_tokens: 2000, reasoning_tokens: 0 };

// OpenAI Responses: 5,000 input tokens of which 4,096 cached, 1,800 output tokens of which 1,536 reasoning.
const RESPONSES_USAGE = { input_tokens: 5000, input_tokens_details: { cached_tokens: 4096 }, output_tokens: 1800, output_tokens_details: { reasoning_tokens: 1536 }, total_tokens: 6800 };
// gpt-5: input 1.25, cached 0.125, output 10 per million.
const RESPONSES_COST = (904 * 1.25 + 4096 * 0.125 + 1800 * 10) / 1e6;
const RESPONSES_COUNTS = { input_tokens: 5000, output_tokens: 1800, cached_input_tokens: 4096, cache_write_tokens: 0, reasoning_tokens: 1536 };

const GOLDEN: Golden[] = [
  {
    name: "Gemini usageMetadata (Firebase AI Logic, Gemini API): cached content inside the prompt, thoughts and tool-use prompt beside",
    model: "gemini-2.5-flash",
    usage: GEMINI_USAGE,
    read: geminiTokenCounts,
    counts: { input_tokens: 12050, output_tokens: 1250, cached_input_tokens: 8000, cache_write_tokens: 0, reasoning_tokens: 850 },
    cost: GEMINI_COST,
  },
  {
    name: "OpenAI Chat Completions: cached tokens inside prompt_tokens (the API reference's example)",
    model: "gpt-4o-2024-08-06",
    usage: {
      prompt_tokens: 2006,
      completion_tokens: 300,
      total_tokens: 2306,
      prompt_tokens_details: { cached_tokens: 1920, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    },
    read: openAiChatTokenCounts,
    counts: { input_tokens: 2006, output_tokens: 300, cached_input_tokens: 1920, cache_write_tokens: 0, reasoning_tokens: 0 },
    // gpt-4o: input 2.50, cached 1.25, output 10 per million.
    cost: (86 * 2.5 + 1920 * 1.25 + 300 * 10) / 1e6,
  },
  {
    name: "OpenAI Chat Completions of a reasoning model: reasoning inside completion_tokens",
    model: "o4-mini",
    usage: { prompt_tokens: 1000, completion_tokens: 1500, total_tokens: 2500, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 1200 } },
    read: openAiChatTokenCounts,
    counts: { input_tokens: 1000, output_tokens: 1500, cached_input_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 1200 },
    cost: (1000 * 1.1 + 1500 * 4.4) / 1e6,
  },
  { name: "OpenAI Responses: cached inside input_tokens, reasoning inside output_tokens", model: "gpt-5", usage: RESPONSES_USAGE, read: openAiResponsesTokenCounts, counts: RESPONSES_COUNTS, cost: RESPONSES_COST },
  { name: "Anthropic Messages: cache reads and writes beside input_tokens", model: "claude-sonnet-4-5-20250929", usage: ANTHROPIC_USAGE, read: anthropicTokenCounts, counts: ANTHROPIC_COUNTS, cost: ANTHROPIC_COST },
  {
    name: "AI SDK 5, Google provider: outputTokens without the thoughts, which totalTokens (Gemini's total) counts",
    model: "gemini-2.5-flash",
    // @ai-sdk/google 2.x: inputTokens = promptTokenCount, outputTokens = candidatesTokenCount, totalTokens = totalTokenCount.
    usage: { inputTokens: 12000, outputTokens: 400, totalTokens: 13300, reasoningTokens: 850, cachedInputTokens: 8000 },
    read: aiSdkTokenCounts,
    aiSdkProvider: "google.generative-ai",
    // The AI SDK leaves Gemini's tool-use prompt tokens out: 50 fewer input tokens than Gemini's own usage.
    counts: { input_tokens: 12000, output_tokens: 1250, cached_input_tokens: 8000, cache_write_tokens: 0, reasoning_tokens: 850 },
    cost: (4000 * 0.3 + 8000 * 0.03 + 1250 * 2.5) / 1e6,
  },
  {
    name: "AI SDK 5, OpenAI provider: reasoning inside outputTokens (totalTokens = input + output)",
    model: "gpt-5",
    usage: { inputTokens: 5000, outputTokens: 1800, totalTokens: 6800, reasoningTokens: 1536, cachedInputTokens: 4096 },
    read: aiSdkTokenCounts,
    aiSdkProvider: "openai.responses",
    counts: RESPONSES_COUNTS,
    cost: RESPONSES_COST,
  },
  {
    name: "AI SDK 5, Anthropic provider: cachedInputTokens beside inputTokens (cache writes only in its provider metadata)",
    model: "claude-sonnet-4-5",
    usage: { inputTokens: 50, outputTokens: 600, totalTokens: 650, cachedInputTokens: 10000 },
    read: aiSdkTokenCounts,
    aiSdkProvider: "anthropic.messages",
    counts: { input_tokens: 10050, output_tokens: 600, cached_input_tokens: 10000, cache_write_tokens: 0, reasoning_tokens: 0 },
    cost: (50 * 3 + 10000 * 0.3 + 600 * 15) / 1e6,
  },
  {
    name: "AI SDK 6/7, Anthropic provider: every part inside the totals, in the details",
    model: "claude-sonnet-4-5",
    usage: {
      inputTokens: 12050,
      inputTokenDetails: { noCacheTokens: 50, cacheReadTokens: 10000, cacheWriteTokens: 2000 },
      outputTokens: 600,
      outputTokenDetails: { textTokens: undefined, reasoningTokens: undefined },
      totalTokens: 12650,
      reasoningTokens: undefined,
      cachedInputTokens: 10000,
    },
    read: aiSdkTokenCounts,
    counts: ANTHROPIC_COUNTS,
    cost: ANTHROPIC_COST,
  },
  {
    name: "AI SDK 6/7, Google provider: thoughts inside outputTokens, in the details",
    model: "gemini-2.5-flash",
    usage: {
      inputTokens: 12000,
      inputTokenDetails: { noCacheTokens: 4000, cacheReadTokens: 8000, cacheWriteTokens: undefined },
      outputTokens: 1250,
      outputTokenDetails: { textTokens: 400, reasoningTokens: 850 },
      totalTokens: 13250,
      reasoningTokens: 850,
      cachedInputTokens: 8000,
    },
    read: aiSdkTokenCounts,
    counts: { input_tokens: 12000, output_tokens: 1250, cached_input_tokens: 8000, cache_write_tokens: 0, reasoning_tokens: 850 },
    cost: (4000 * 0.3 + 8000 * 0.03 + 1250 * 2.5) / 1e6,
  },
  {
    name: "Genkit, Google plugin: outputTokens the candidates, thoughtsTokens beside them, cachedContentTokens inside inputTokens",
    model: "googleai/gemini-2.5-flash",
    // @genkit-ai/google-genai: inputTokens = promptTokenCount, outputTokens = candidatesTokenCount, totalTokens = totalTokenCount, plus getBasicUsageStats' characters.
    usage: { inputCharacters: 41230, outputCharacters: 1650, inputImages: 0, inputTokens: 12000, outputTokens: 400, thoughtsTokens: 850, totalTokens: 13300, cachedContentTokens: 8000 },
    read: genkitTokenCounts,
    counts: { input_tokens: 12000, output_tokens: 1250, cached_input_tokens: 8000, cache_write_tokens: 0, reasoning_tokens: 850 },
    cost: (4000 * 0.3 + 8000 * 0.03 + 1250 * 2.5) / 1e6,
  },
  {
    name: "Genkit, Anthropic plugin: inputTokens Anthropic's uncached input, the cache counts beside it under custom",
    model: "anthropic/claude-sonnet-4-5",
    usage: { inputTokens: 50, outputTokens: 600, custom: { cache_creation_input_tokens: 2000, cache_read_input_tokens: 10000, ephemeral_5m_input_tokens: 2000, ephemeral_1h_input_tokens: 0 } },
    read: genkitTokenCounts,
    counts: ANTHROPIC_COUNTS,
    cost: ANTHROPIC_COST,
  },
  {
    name: "OpenAI Agents SDK turn usage: cached and cache-write counts inside input_tokens",
    model: "gpt-5",
    usage: { input_tokens: 5000, output_tokens: 1800, cached_input_tokens: 4096, cache_write_input_tokens: 0 },
    read: (usage: never) => tokenCountsOf(usage)!,
    counts: { ...RESPONSES_COUNTS, reasoning_tokens: 0 },
    cost: (904 * 1.25 + 4096 * 0.125 + 1800 * 10) / 1e6,
  },
];

/** Counts with every part present (absent = 0), for comparing. */
const full = (counts: TokenCounts): Required<TokenCounts> => ({ cached_input_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0, ...counts }) as Required<TokenCounts>;

describe("provider usage shapes: golden counts and costs", () => {
  for (const golden of GOLDEN) {
    it(golden.name, () => {
      const counts = golden.aiSdkProvider ? aiSdkTokenCounts(golden.usage as never, golden.aiSdkProvider) : golden.read(golden.usage as never);
      assert.deepEqual(full(counts), golden.counts);
      assert.deepEqual(full(tokenCountsOf(golden.usage, golden.aiSdkProvider)!), golden.counts, "tokenCountsOf tells the shape apart");
      const usage: ModelUsage[] = [];
      addModelUsage(usage, golden.model, counts);
      assert.ok(validateTrace({ trace_id: "4bf92f3577b34da6a3ce929d0e0e4736", started_at: "2025-01-31T12:00:00Z", status: "success", usage }).ok, "the wire takes the counts");
      const { costs, cost_usd: cost, unpriced_models: unpriced } = traceCost(usage, DEFAULT_PRICES);
      assert.deepEqual(unpriced, []);
      assert.equal(costs.length, 1);
      assert.ok(Math.abs(cost! - golden.cost) < 1e-15, `${cost} USD, expected ${golden.cost}`);
    });
  }

  it("the same call read from each of its shapes costs the same: Gemini's own usage and Genkit's and the AI SDK's (tool-use prompt aside)", () => {
    const cost = (model: string, counts: TokenCounts) => {
      const usage: ModelUsage[] = [];
      addModelUsage(usage, model, counts);
      return traceCost(usage, DEFAULT_PRICES).cost_usd!;
    };
    const genkit = GOLDEN.find((golden) => golden.name.startsWith("Genkit, Google"))!;
    const gemini = geminiTokenCounts({ ...GEMINI_USAGE, toolUsePromptTokenCount: 0, totalTokenCount: 13250 });
    assert.equal(cost("gemini-2.5-flash", gemini), cost(genkit.model, genkitTokenCounts(genkit.usage as never)));
    assert.equal(cost("gemini-2.5-flash", gemini), cost("gemini-2.5-flash", aiSdkTokenCounts(GOLDEN[9]!.usage as never)));
  });

  it("Genkit: thoughts already inside outputTokens (total = input + output) are not added again", () => {
    assert.deepEqual(full(genkitTokenCounts({ inputTokens: 100, outputTokens: 60, thoughtsTokens: 40, totalTokens: 160 })), {
      input_tokens: 100,
      output_tokens: 60,
      cached_input_tokens: 0,
      cache_write_tokens: 0,
      reasoning_tokens: 40,
    });
  });

  it("tokenCountsOf: our camelCase counts as they are; null, missing and non-numeric counts as 0; a value with no counts undefined", () => {
    assert.deepEqual(full(tokenCountsOf({ inputTokens: 10, outputTokens: 5, cachedInputTokens: 4, cacheWriteTokens: 1, reasoningTokens: 2 })!), {
      input_tokens: 10,
      output_tokens: 5,
      cached_input_tokens: 4,
      cache_write_tokens: 1,
      reasoning_tokens: 2,
    });
    assert.deepEqual(full(tokenCountsOf({ input_tokens: 7, output_tokens: null, cache_read_input_tokens: null, cache_creation_input_tokens: Number.NaN })!), {
      input_tokens: 7,
      output_tokens: 0,
      cached_input_tokens: 0,
      cache_write_tokens: 0,
      reasoning_tokens: 0,
    });
    for (const value of [undefined, null, 12, "usage", [], { tokens: 3 }]) assert.equal(tokenCountsOf(value), undefined);
  });
});
