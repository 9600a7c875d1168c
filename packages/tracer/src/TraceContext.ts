import {
  addModelUsage,
  isToolInput,
  LIMITS,
  randomTraceId,
  redactAndCut,
  repairToolTrace,
  sanitizeToolTrace,
  stringifyValue,
  tokenCountsOf,
  type JsonObject,
  type ModelUsage,
  type ProviderUsage,
  type RepairCounter,
  type ToolTrace,
  type ToolTraceInput,
  type TraceInput,
  type TraceStatus,
} from "@agent-traces/core";
import { getCurrentTrace, runWithTrace } from "./context/currentTrace.js";
import { toJsonValue } from "./jsonValue.js";
import { toolTraceFromShape } from "./prepare/toolTraceShape.js";
import { ToolCallBuffer } from "./toolCallBuffer.js";
import { createToolTrace } from "./toolTrace.js";

export interface TraceContextOptions {
  userId?: string | number;
  skill?: string;
  metadata?: Record<string, unknown>;
  /** For a run recorded elsewhere (OpenTelemetry spans): its W3C trace id, else a random one. */
  traceId?: string;
  /** For a run recorded elsewhere: when it started, else now. */
  startedAt?: Date;
  /** The conversation (chat session, thread) the run belongs to: its runs share this id (see `setSessionId`). */
  sessionId?: string | undefined;
}

/**
 * The trace of one agent run, handed to the `withTrace` callback and returned by `getCurrentTrace()`.
 * It collects the run's tool calls, iterations, output, status and metadata; `withTrace` ends it.
 */
export class TraceContext {
  readonly traceId: string;
  readonly userId: string | number | undefined;
  readonly skill: string | undefined;
  readonly startedAt: Date;
  private endedAt: Date | undefined;
  private session: string | undefined;
  private iterations = 0;
  private readonly toolTraces = new ToolCallBuffer();
  /** `tool()` calls under way, recorded as unfinished if the run ends first. */
  private readonly running = new Set<{ name: string; input: Record<string, unknown>; timestamp: Date; start: number }>();
  private finalOutput = "";
  private status: TraceStatus | undefined;
  private readonly metadata: JsonObject = {};
  private readonly usage: ModelUsage[] = [];
  /** Values rewritten as they were recorded (metadata made JSON, tool calls repaired): the trace's `values_repaired`. */
  private readonly repairs: RepairCounter = { count: 0 };

  constructor(options: TraceContextOptions = {}) {
    this.traceId = options.traceId ?? randomTraceId();
    this.startedAt = options.startedAt ?? new Date();
    this.userId = options.userId;
    this.skill = options.skill;
    this.session = options.sessionId;
    for (const [key, value] of Object.entries(options.metadata ?? {})) this.setMetadata(key, value);
  }

  /**
   * Runs one tool call and records it: its input, its output (or error message), how long it took
   * and when it started. `run` gets this trace (and it is the current trace while `run` starts).
   * Returns what `run` returns; an error `run` throws is recorded and rethrown as is.
   */
  async tool<T>(name: string, input: Record<string, unknown>, run: (trace: TraceContext) => Promise<T> | T): Promise<T> {
    const call = { name, input, timestamp: new Date(), start: performance.now() };
    this.running.add(call);
    try {
      const output = await (getCurrentTrace() === this ? run(this) : runWithTrace(this, () => run(this)));
      if (this.running.delete(call)) this.recordCall(createToolTrace({ name, input, output, durationMs: performance.now() - call.start, timestamp: call.timestamp }));
      return output;
    } catch (error) {
      const output = errorMessage(error);
      if (this.running.delete(call)) this.recordCall(createToolTrace({ name, input, output, durationMs: performance.now() - call.start, timestamp: call.timestamp, isError: true }));
      throw error;
    }
  }

  /**
   * Records a tool call timed elsewhere (see `createToolTrace`). Its input is stringified now, through
   * the same sanitizing the trace gets when it is sent, so later changes to the input object are not
   * recorded and long runs hold bounded text. A call that does not fit the schema is repaired first
   * (repairToolTrace: an empty name, bad input keys, a bad duration or timestamp rewritten), each
   * rewrite counted in the trace's `values_repaired`. Calls beyond the 100 the server stores are
   * counted in `tool_traces_dropped` (failed calls are kept first), and calls after the run ended are ignored.
   */
  addToolTrace(toolTrace: ToolTraceInput): void {
    if (this.endedAt) return;
    const parsed = toolTraceFromShape(toolTrace) ?? repairToolTrace(toolTrace, this.startedAt.toISOString(), this.repairs);
    this.toolTraces.add(sanitizeToolTrace(parsed));
  }

  /**
   * Records a call `tool()` built: its output, duration, error flag and timestamp fit the schema by
   * construction, so when the caller's name and input fit it too the call is sanitized without a
   * full parse (the hot path of a run). Anything else goes through `addToolTrace`.
   */
  private recordCall(toolTrace: ToolTrace): void {
    const { name, duration_ms } = toolTrace;
    if (this.endedAt) return;
    if (typeof name === "string" && name.length > 0 && duration_ms <= LIMITS.maxDurationMs && isToolInput(toolTrace.input)) {
      this.toolTraces.add(sanitizeToolTrace(toolTrace));
    } else {
      this.addToolTrace(toolTrace);
    }
  }

  /** The conversation the run belongs to, sent as `session_id` (undefined: none). */
  get sessionId(): string | undefined {
    return this.session;
  }

  /**
   * Puts the run in a conversation (1-256 characters; the runs of one session share it), or out of
   * one with `undefined`. Any time before the run ends; an id the schema refuses is left out when sent.
   */
  setSessionId(sessionId: string | undefined): void {
    if (!this.endedAt) this.session = sessionId;
  }

  incrementIteration(): void {
    this.iterations++;
  }

  /**
   * Adds one model call's tokens to the run's usage for `model` (calls after the run ended are ignored):
   * our counts (`{ inputTokens, outputTokens, cachedInputTokens?, cacheWriteTokens?, reasoningTokens? }`,
   * totals with their parts inside) or a provider's usage object as it came (Gemini's usageMetadata,
   * OpenAI's or Anthropic's usage, the AI SDK's, Genkit's), told apart by tokenCountsOf.
   */
  addUsage(model: string, usage: ProviderUsage): void {
    if (this.endedAt) return;
    const tokens = tokenCountsOf(usage);
    if (tokens) addModelUsage(this.usage, model, tokens);
  }

  setOutput(text: string): void {
    this.finalOutput = text;
  }

  /** Overrides the status the run ends with (`success`, or `error` when the callback throws). */
  setStatus(status: TraceStatus): void {
    this.status = status;
  }

  /** Sets one metadata entry, converted to JSON now (each value rewritten counted); `undefined` removes it. */
  setMetadata(key: string, value: unknown): void {
    const converted = toJsonValue(value, [], this.repairs);
    if (converted === undefined) delete this.metadata[key];
    else this.metadata[key] = converted;
  }

  /**
   * Ends the run. A thrown error makes it `error` (or keeps an explicit `timeout`, which is the more
   * specific cause) and puts the error's message in `metadata.error`. A `tool()` call still running
   * is recorded as failed, its output saying it had not finished. It ends now, or at `endedAt` (a
   * run recorded elsewhere). Later calls do nothing.
   */
  end(outcome: ({ threw: false } | { threw: true; error: unknown }) & { endedAt?: Date }): void {
    if (this.endedAt) return;
    const now = performance.now();
    for (const call of this.running) {
      const durationMs = now - call.start;
      const output = `unfinished: still running when the run ended, after ${Math.round(durationMs)} ms`;
      this.recordCall(createToolTrace({ name: call.name, input: call.input, output, durationMs, timestamp: call.timestamp, isError: true }));
    }
    this.running.clear();
    this.endedAt = outcome.endedAt ?? new Date();
    if (outcome.threw) {
      this.status = this.status === "timeout" ? "timeout" : "error";
      // Redacted before it is cut: a secret straddling the cut would be too short to be recognised after.
      this.metadata.error = redactAndCut(errorMessage(outcome.error), LIMITS.errorMessageChars);
    } else {
      this.status ??= "success";
    }
  }

  /** The run as the wire trace, not yet validated or sanitized; the status is `success` until it ends otherwise. */
  toTraceInput(): TraceInput {
    return {
      trace_id: this.traceId,
      user_id: this.userId ?? null,
      skill: this.skill ?? null,
      started_at: this.startedAt.toISOString(),
      ended_at: this.endedAt?.toISOString() ?? null,
      iterations: this.iterations,
      tool_traces: this.toolTraces.toArray(),
      tool_traces_dropped: this.toolTraces.dropped,
      final_output: this.finalOutput,
      status: this.status ?? "success",
      ...(this.session !== undefined && { session_id: this.session }),
      metadata: structuredClone(this.metadata),
      ...(this.usage.length > 0 && { usage: this.usage.map((entry) => ({ ...entry })) }),
      values_repaired: this.repairs.count,
    };
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : stringifyValue(error);
}
