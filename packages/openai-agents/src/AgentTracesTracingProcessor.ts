import { isValidTraceId, randomTraceId, stringifyValue, tokenCountsOf, type TokenCounts, type TraceInput } from "@agent-traces/core";
import { createToolTrace, createTracer, toolInputFrom, TraceContext, type Tracer, type TraceSendError, type TracerOptions } from "@agent-traces/tracer";
import { RunAssembler, type RunAssemblerStats } from "@agent-traces/tracer/assemble";
import type { AgentsSpanLike, AgentsTraceLike } from "./agentsTracing.js";

/** Where the runs go: a tracer of yours, or the options to make one; and how many runs may be open, for how long. */
export type AgentTracesTracingProcessorOptions = {
  /** Runs followed at once, at most; a new run beyond it gives up the oldest (reported, counted). Default 1,000. */
  maxOpenRuns?: number;
  /** A run (SDK trace) still open after this long is given up (reported, counted) when the next run opens. Default 15 minutes. */
  maxRunAgeMs?: number;
  /** Told each run given up (a `TraceSendError` caused by a `TraceDroppedError`, `evicted` or `expired`). Default: the tracer options' `onError`, else a console warning. */
  onError?: (error: TraceSendError) => void;
} & ({ tracer: Tracer } | TracerOptions);

/** What the processor has done so far: the assembler's counts (runs open, given up, spans ignored) and the runs recorded. */
export interface TracingProcessorStats extends RunAssemblerStats {
  /** Runs assembled and handed to the tracer. */
  runs: number;
}

/** The trace metadata key that names the run's user (`new Runner({ traceMetadata: { user_id } })`). */
export const USER_ID_METADATA_KEY = "user_id";
const MODEL_UNKNOWN = "unknown";
const NO_TOKENS: TokenCounts = { input_tokens: 0, output_tokens: 0 };
const CUT_OFF_MESSAGE = "aborted: the run ended before the model answered its last turn";

/** One agent run being assembled from its spans. */
class AgentRun {
  skill: string | undefined;
  turns = 0;
  modelCalls = 0;
  /** Token usage seen on turn spans: when there is any, model calls' own usage is not added again. */
  readonly turnUsage: { model: string; tokens: TokenCounts }[] = [];
  readonly callUsage: { model: string; tokens: TokenCounts }[] = [];
  /** Reasoning tokens of the model calls since the latest turn ended: a turn's usage does not count them, its calls' do. */
  turnReasoning = 0;
  /** Whether the latest turn ended with its model's usage, i.e. its model call answered. */
  lastTurnAnswered = false;
  /** The model the latest model call named, for the turn that holds it. */
  lastModel: string | undefined;
  /** When the latest top-level span ended: the run's end when its SDK trace ends. */
  endedAt: string | null = null;
  /** The SDK trace's `groupId`: the conversation the run is one turn of. */
  sessionId: string | undefined;
  constructor(
    readonly trace: TraceContext,
    readonly userId: string | number | undefined,
  ) {}
}

/**
 * An OpenAI Agents SDK TracingProcessor that records each agent run (one SDK trace) as one agent
 * trace: function spans are the tool calls, model turns the iterations and their token usage, the
 * first agent's name the skill, `traceMetadata.user_id` the user, the trace's `groupId` the session.
 * The run ends with its SDK trace (all the runs inside one `withTrace` are one run), or with the
 * top-level runner span that records an error (a run that throws never ends its SDK trace; later
 * spans of that trace are ignored), and goes to the batching tracer. Open runs are bounded in count and age by a RunAssembler: a run given
 * up is reported and counted, and its later spans are ignored, never a run again. Register it with
 * `setTraceProcessors([...])` (which also keeps the SDK from exporting to OpenAI).
 */
export class AgentTracesTracingProcessor {
  readonly tracer: Tracer;
  private readonly ownsTracer: boolean;
  /** The runs under way by SDK trace id; it also remembers those given up or ended early, whose later spans are ignored. */
  private readonly runs: RunAssembler<AgentRun>;
  private recorded = 0;

  constructor(options: AgentTracesTracingProcessorOptions) {
    const { maxOpenRuns, maxRunAgeMs, onError, ...destination } = options;
    this.ownsTracer = !("tracer" in destination);
    this.tracer = "tracer" in destination ? destination.tracer : createTracer({ ...destination, onError });
    this.runs = new RunAssembler<AgentRun>({ maxOpenRuns, maxRunAgeMs, traceIdOf: (run) => run.trace.traceId, onError });
  }

  get stats(): TracingProcessorStats {
    return { ...this.runs.stats, runs: this.recorded };
  }

  async onTraceStart(trace: AgentsTraceLike): Promise<void> {
    this.safely(() => {
      this.open(trace.traceId, trace.metadata);
      this.noteGroup(trace);
    });
  }

  async onTraceEnd(trace: AgentsTraceLike): Promise<void> {
    this.safely(() => {
      const run = this.runs.get(trace.traceId);
      if (!run) return;
      this.noteGroup(trace);
      this.finish(trace.traceId, run, { error: null, endedAt: run.endedAt ?? new Date().toISOString() });
    });
  }

  async onSpanStart(span: AgentsSpanLike): Promise<void> {
    this.safely(() => this.open(span.traceId, span.traceMetadata));
  }

  async onSpanEnd(span: AgentsSpanLike): Promise<void> {
    this.safely(() => this.record(span));
  }

  async forceFlush(): Promise<void> {
    await this.tracer.flush();
  }

  async shutdown(_timeout?: number): Promise<void> {
    this.runs.clear();
    await (this.ownsTracer ? this.tracer.shutdown() : this.tracer.flush());
  }

  /** The run of this SDK trace, opened now if it is new; none (the span counted as ignored) if it was given up or ended early. */
  private open(sdkTraceId: string, metadata: Record<string, unknown> | undefined): void {
    this.runs.open(sdkTraceId, () => {
      const hex = sdkTraceId.replace(/^trace_/, "").toLowerCase();
      const user = metadata?.[USER_ID_METADATA_KEY];
      const { [USER_ID_METADATA_KEY]: _user, ...rest } = metadata ?? {};
      const trace = new TraceContext({ traceId: isValidTraceId(hex) ? hex : randomTraceId(), metadata: rest });
      return new AgentRun(trace, typeof user === "string" || (typeof user === "number" && Number.isSafeInteger(user)) ? user : undefined);
    });
  }

  /** The trace's groupId becomes its run's session (spans do not carry it: read off the trace as it starts and ends). */
  private noteGroup(trace: AgentsTraceLike): void {
    const run = this.runs.get(trace.traceId);
    if (run && typeof trace.groupId === "string" && trace.groupId.length > 0) run.sessionId ??= trace.groupId;
  }

  private record(span: AgentsSpanLike): void {
    const run = this.runs.get(span.traceId);
    if (!run) return;
    const data = span.spanData;
    switch (data.type) {
      case "function": {
        const startedAt = span.startedAt ? new Date(span.startedAt) : new Date();
        const durationMs = span.endedAt && span.startedAt ? Date.parse(span.endedAt) - Date.parse(span.startedAt) : 0;
        const failure = span.error ? (span.error.data?.error ?? span.error.message) : undefined;
        run.trace.addToolTrace(
          createToolTrace({ name: data.name ?? "function", input: toolInputFrom(data.input), output: failure ?? data.output, isError: Boolean(span.error), durationMs, timestamp: startedAt }),
        );
        break;
      }
      case "agent":
        run.skill ??= data.name;
        break;
      case "turn":
        run.turns++;
        run.lastTurnAnswered = Boolean(data.usage);
        if (data.usage) run.turnUsage.push({ model: run.lastModel ?? MODEL_UNKNOWN, tokens: { ...(tokenCountsOf(data.usage) ?? NO_TOKENS), reasoning_tokens: run.turnReasoning } });
        run.lastModel = undefined;
        run.turnReasoning = 0;
        break;
      case "generation":
      case "response": {
        run.modelCalls++;
        run.lastModel = data.model ?? data._response?.model ?? undefined;
        const tokens = tokenCountsOf(data.usage ?? data._response?.usage ?? chatCompletionUsage(data.output));
        if (tokens) {
          run.callUsage.push({ model: run.lastModel ?? MODEL_UNKNOWN, tokens });
          run.turnReasoning += tokens.reasoning_tokens ?? 0;
        }
        break;
      }
    }
    if (span.parentId === null) {
      run.endedAt = span.endedAt;
      // A runner span that failed: the error may leave the SDK trace never ended, so the run ends here.
      if (span.error && (data.type === "task" || data.type === "agent")) {
        this.finish(span.traceId, run, span);
        this.runs.ignore(span.traceId);
      }
    }
  }

  /** The run's SDK trace ended (or a failing runner span did): the run is assembled and handed to the tracer. */
  private finish(sdkTraceId: string, run: AgentRun, root: Pick<AgentsSpanLike, "error" | "endedAt">): void {
    this.runs.close(sdkTraceId);
    const { trace } = run;
    for (const { model, tokens } of run.turnUsage.length > 0 ? run.turnUsage : run.callUsage) trace.addUsage(model, tokens);
    const endedAt = root.endedAt ? new Date(root.endedAt) : new Date();
    if (root.error) {
      const message = stringifyValue(root.error.data?.error ?? root.error.message);
      if (/\b(?:timeout|timed out|deadline|abort(?:ed)?)\b/i.test(message)) trace.setStatus("timeout");
      trace.end({ threw: true, error: new Error(message), endedAt });
    } else if (!run.lastTurnAnswered && run.turnUsage.length > 0) {
      // A streamed run the app aborted (or stopped reading) ends every span without an error; its
      // last turn has no usage, the model never answered it. Judged only when earlier turns had usage.
      trace.setStatus("timeout");
      trace.end({ threw: true, error: new Error(CUT_OFF_MESSAGE), endedAt });
    } else {
      trace.end({ threw: false, endedAt });
    }
    const input: TraceInput = {
      ...trace.toTraceInput(),
      user_id: run.userId ?? null,
      skill: run.skill ?? null,
      ...(run.sessionId !== undefined && { session_id: run.sessionId }),
      iterations: run.turns || run.modelCalls,
    };
    this.recorded++;
    this.tracer.record(input);
  }

  /** The SDK awaits trace callbacks and would fail the agent's run on a throw: nothing is thrown. */
  private safely(action: () => void): void {
    try {
      action();
    } catch (error) {
      console.warn("[agent-traces] an OpenAI Agents span could not be recorded:", error);
    }
  }
}

/** The Chat Completions usage of a generation span's output (OpenAIChatCompletionsModel puts the completion there: `[{ usage }]`). */
function chatCompletionUsage(output: unknown): unknown {
  const first: unknown = Array.isArray(output) ? output[0] : undefined;
  return typeof first === "object" && first !== null && "usage" in first ? first.usage : undefined;
}
