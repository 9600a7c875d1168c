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

export interface AgentsUsageLike {
  input_tokens?: number;
  output_tokens?: number;
}

export interface AgentsSpanDataLike {
  type: string;
  name?: string;
  /** function spans: the arguments' JSON text and the tool's output. */
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
