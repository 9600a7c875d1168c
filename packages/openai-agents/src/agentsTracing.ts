/**
 * The parts of the OpenAI Agents SDK's traces and spans the processor reads (`@openai/agents`
 * 0.x `Trace` and `Span`), typed structurally so that the package needs no SDK at run time.
 */
export interface AgentsTraceLike {
  /** `trace_<32 hex>`. */
  traceId: string;
  name: string;
  /** The conversation the run is one turn of (`new Runner({ groupId })`, `withTrace(name, fn, { groupId })`): the run's session. */
  groupId?: string | null;
  metadata?: Record<string, unknown> | undefined;
}

/**
 * A span's token usage: a turn's (`TurnUsageData`: totals with their cached and cache-write parts
 * inside), a generation's (totals, maybe with `details`), or a Responses API usage on a response span
 * (its `input_tokens_details.cached_tokens` and `output_tokens_details.reasoning_tokens` inside the totals).
 */
export interface AgentsUsageLike {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cached_input_tokens?: number | null;
  cache_write_input_tokens?: number | null;
  input_tokens_details?: { cached_tokens?: number | null; cache_write_tokens?: number | null } | null;
  output_tokens_details?: { reasoning_tokens?: number | null } | null;
}

export interface AgentsSpanDataLike {
  type: string;
  name?: string;
  /** function spans: the arguments' JSON text and the tool's output; generation spans (OpenAIChatCompletionsModel): `[chat completion]`, its `usage` Chat Completions'. */
  input?: unknown;
  output?: unknown;
  /** turn (and some generation) spans. */
  usage?: AgentsUsageLike | null;
  /** generation spans. */
  model?: string | null;
  /** response spans (OpenAIResponsesModel): the model's raw response. */
  _response?: { model?: string; usage?: AgentsUsageLike } | null;
}

export interface AgentsSpanLike {
  traceId: string;
  spanId: string;
  /** `null` for a trace's first span. */
  parentId: string | null;
  spanData: AgentsSpanDataLike;
  /** The trace's metadata, copied onto each span. */
  traceMetadata?: Record<string, unknown> | undefined;
  startedAt: string | null;
  endedAt: string | null;
  error: { message: string; data?: Record<string, unknown> } | null;
}
