import type { PriceTable } from "./modelPrice.js";

const GEMINI = "https://ai.google.dev/gemini-api/docs/pricing";
const OPENAI = "https://platform.openai.com/docs/pricing";
const ANTHROPIC = "https://platform.claude.com/docs/en/about-claude/pricing";
const CHECKED = "2026-12-03";

/**
 * List prices in USD per million tokens (standard tier, text) of the models the README names and
 * their usual neighbours, each with the date it was checked and its source. Tiers by prompt length
 * (Gemini 2.5 Pro above 200k tokens) are priced at the lower tier; cache reads at the cache-read
 * price and cache writes at the 5-minute write price; storage by the hour is not a token price and is
 * left out. Reasoning (thinking) tokens are billed as output by all three. A project overrides or
 * extends the table: TRACE_PRICES on the server, `prices` on the tracer.
 */
export const DEFAULT_PRICES: PriceTable = {
  "gemini-2.5-pro": { input: 1.25, cached_input: 0.125, output: 10, as_of: CHECKED, source: GEMINI },
  "gemini-2.5-flash": { input: 0.3, cached_input: 0.03, output: 2.5, as_of: CHECKED, source: GEMINI },
  "gemini-2.5-flash-lite": { input: 0.1, cached_input: 0.01, output: 0.4, as_of: CHECKED, source: GEMINI },
  "gemini-2.0-flash": { input: 0.1, cached_input: 0.025, output: 0.4, as_of: CHECKED, source: GEMINI },
  "gemini-2.0-flash-lite": { input: 0.075, output: 0.3, as_of: CHECKED, source: GEMINI },
  "gpt-5.5": { input: 5, cached_input: 0.5, output: 30, as_of: CHECKED, source: OPENAI },
  "gpt-5.4": { input: 2.5, cached_input: 0.25, output: 15, as_of: CHECKED, source: OPENAI },
  "gpt-5.4-mini": { input: 0.75, cached_input: 0.075, output: 4.5, as_of: CHECKED, source: OPENAI },
  "gpt-5.4-nano": { input: 0.2, cached_input: 0.02, output: 1.25, as_of: CHECKED, source: OPENAI },
  "gpt-5": { input: 1.25, cached_input: 0.125, output: 10, as_of: CHECKED, source: OPENAI },
  "gpt-5-mini": { input: 0.25, cached_input: 0.025, output: 2, as_of: CHECKED, source: OPENAI },
  "gpt-5-nano": { input: 0.05, cached_input: 0.005, output: 0.4, as_of: CHECKED, source: OPENAI },
  "gpt-4.1": { input: 2, cached_input: 0.5, output: 8, as_of: CHECKED, source: OPENAI },
  "gpt-4.1-mini": { input: 0.4, cached_input: 0.1, output: 1.6, as_of: CHECKED, source: OPENAI },
  "gpt-4.1-nano": { input: 0.1, cached_input: 0.025, output: 0.4, as_of: CHECKED, source: OPENAI },
  "gpt-4o": { input: 2.5, cached_input: 1.25, output: 10, as_of: CHECKED, source: OPENAI },
  "gpt-4o-mini": { input: 0.15, cached_input: 0.075, output: 0.6, as_of: CHECKED, source: OPENAI },
  o3: { input: 2, cached_input: 0.5, output: 8, as_of: CHECKED, source: OPENAI },
  "o4-mini": { input: 1.1, cached_input: 0.275, output: 4.4, as_of: CHECKED, source: OPENAI },
  "claude-opus-5-5": { input: 4, cached_input: 0.2, cache_write: 5, output: 20, as_of: CHECKED, source: ANTHROPIC },
  "claude-opus-5": { input: 5, cached_input: 0.5, cache_write: 6.25, output: 25, as_of: CHECKED, source: ANTHROPIC },
  "claude-sonnet-5-5": { input: 2, cached_input: 0.1, cache_write: 2.5, output: 10, as_of: CHECKED, source: ANTHROPIC },
  "claude-sonnet-5": { input: 2, cached_input: 0.2, cache_write: 2.5, output: 10, as_of: CHECKED, source: ANTHROPIC },
  "claude-sonnet-4-5": { input: 3, cached_input: 0.3, cache_write: 3.75, output: 15, as_of: CHECKED, source: ANTHROPIC },
  "claude-sonnet-4": { input: 3, cached_input: 0.3, cache_write: 3.75, output: 15, as_of: CHECKED, source: ANTHROPIC },
  "claude-haiku-4-5": { input: 1, cached_input: 0.1, cache_write: 1.25, output: 5, as_of: CHECKED, source: ANTHROPIC },
  "claude-3-5-haiku": { input: 0.8, cached_input: 0.08, cache_write: 1, output: 4, as_of: CHECKED, source: ANTHROPIC },
};
