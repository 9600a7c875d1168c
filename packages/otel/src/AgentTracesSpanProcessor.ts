import { randomTraceId, isValidTraceId, stringifyValue, type TraceInput, type TraceStatus } from "@agent-traces/core";
import { createToolTrace, createTracer, TraceContext, type Tracer, type TraceSendError, type TracerOptions } from "@agent-traces/tracer";
import { RunAssembler, type RunAssemblerStats } from "@agent-traces/tracer/assemble";
import { agentTracesRunFields, agentTracesSessionId, AGENT_TRACES_ATTRIBUTES } from "./conventions/agentTracesAttributes.js";
import { DEFAULT_CONVENTIONS } from "./conventions/defaultConventions.js";
import type { LastModelCall, RunEnd, RunFields, SpanConvention } from "./conventions/SpanConvention.js";
import { durationMs, errorMessage, hrTimeToDate, isTimeout, parentSpanId, STATUS_ERROR, type EndedSpanLike, type StartedSpanLike } from "./span/SpanLike.js";

/** Where the runs go (a tracer of yours, or the options to make one) and how spans are buffered. */
export type AgentTracesSpanProcessorOptions = {
  /** How spans read as runs, tried in order on each span that no run holds. Default: Genkit, the AI SDK, OTel GenAI. */
  conventions?: readonly SpanConvention[];
  /** Spans of one run followed, at most; later ones are ignored (the run still ends with its root). Default 10,000. */
  maxSpansPerRun?: number;
  /** Runs open at once (outermost span not ended), at most; a new run beyond it gives up the oldest (reported, counted). Default 1,000. */
  maxOpenRuns?: number;
  /** A run whose outermost span has not ended after this long is given up (reported, counted) when the next run starts. Default 15 minutes. */
  maxRunAgeMs?: number;
  /**
   * How long a run whose outermost span ended waits for its spans still open (a parallel tool call
   * that outlives a failed flow) before it is recorded without them. Default 1,000 ms.
   */
  lateSpanGraceMs?: number;
  /** Told each run given up (a `TraceSendError` caused by a `TraceDroppedError`, `evicted` or `expired`). Default: the tracer options' `onError`, else a console warning. */
  onError?: (error: TraceSendError) => void;
} & ({ tracer: Tracer } | TracerOptions);

export const DEFAULT_MAX_SPANS_PER_RUN = 10_000;
export const DEFAULT_LATE_SPAN_GRACE_MS = 1000;
/** OTel trace ids remembered as used by a run, so that a second run under one trace gets an id of its own. */
const REMEMBERED_TRACE_IDS = 10_000;

/** What the processor has done so far: the assembler's counts (runs open, given up, spans ignored) and the runs recorded. */
export interface SpanProcessorStats extends RunAssemblerStats {
  /** Runs assembled and handed to the tracer. */
  runs: number;
  /** Spans not followed: beyond `maxSpansPerRun`, or under a run given up. */
  ignoredSpans: number;
}

/** One run being assembled from its spans. */
class RunInProgress {
  readonly openSpans = new Set<string>();
  spans = 1;
  modelCalls = 0;
  /** Model calls that said they ran to their end. */
  finishedModelCalls = 0;
  lastModelCall: LastModelCall | undefined;
  /** The first session id a span under the run named: the run's session when its own span names none. */
  sessionId: string | undefined;
  /** The outermost span, once it has ended; the run is then recorded as soon as its other spans have. */
  root: EndedSpanLike | undefined;
  lateSpans: ReturnType<typeof setTimeout> | undefined;
  constructor(
    readonly convention: SpanConvention,
    readonly rootSpanId: string,
    readonly trace: TraceContext,
  ) {
    this.openSpans.add(rootSpanId);
  }
}

/**
 * An OpenTelemetry SpanProcessor that turns the spans of each agent run into one trace: the
 * outermost span a convention calls a run (a Genkit root flow, an AI SDK generate/stream call, a
 * GenAI `invoke_agent`) is the run, its tool spans the tool calls, its model spans the iterations and
 * token usage; its session is the one its run span names (the app's `agent_traces.session_id`
 * first), else the first span under it that names one. Only spans under a run are kept; open runs
 * are bounded in count and age by a RunAssembler (a run given up is reported and counted, its later spans ignored); a finished run goes
 * to the batching tracer (sampled, sent in the background). Nothing here throws into the instrumented code.
 */
export class AgentTracesSpanProcessor {
  readonly tracer: Tracer;
  private readonly ownsTracer: boolean;
  private readonly conventions: readonly SpanConvention[];
  private readonly maxSpansPerRun: number;
  private readonly lateSpanGraceMs: number;
  /** The run each followed span belongs to, by span id. */
  private readonly spanRuns = new Map<string, RunInProgress>();
  /** The runs whose outermost span has not ended, by its span id: bounded in count and age. */
  private readonly open: RunAssembler<RunInProgress>;
  /** Runs whose outermost span ended, waiting (at most `lateSpanGraceMs`) for their other spans. */
  private readonly ending = new Set<RunInProgress>();
  private readonly usedTraceIds = new Set<string>();
  private readonly counts = { runs: 0, spansOverLimit: 0 };

  constructor(options: AgentTracesSpanProcessorOptions) {
    const { conventions, maxSpansPerRun, maxOpenRuns, maxRunAgeMs, lateSpanGraceMs, onError, ...destination } = options;
    this.ownsTracer = !("tracer" in destination);
    this.tracer = "tracer" in destination ? destination.tracer : createTracer({ ...destination, onError });
    this.conventions = conventions ?? DEFAULT_CONVENTIONS;
    this.maxSpansPerRun = maxSpansPerRun ?? DEFAULT_MAX_SPANS_PER_RUN;
    this.lateSpanGraceMs = lateSpanGraceMs ?? DEFAULT_LATE_SPAN_GRACE_MS;
    this.open = new RunAssembler<RunInProgress>({
      maxOpenRuns,
      maxRunAgeMs,
      traceIdOf: (run) => run.trace.traceId,
      onError,
      // Its spans still open are ignored too, and so (in start) are their children.
      onGivenUp: (_key, run) => {
        for (const spanId of run.openSpans) {
          this.spanRuns.delete(spanId);
          this.open.ignore(spanId);
        }
      },
    });
  }

  get stats(): SpanProcessorStats {
    const assembled = this.open.stats;
    return { ...assembled, runs: this.counts.runs, ignoredSpans: assembled.ignoredSpans + this.counts.spansOverLimit, open: assembled.open + this.ending.size };
  }

  onStart(span: StartedSpanLike, _parentContext?: unknown): void {
    try {
      this.start(span);
    } catch (error) {
      console.warn("[agent-traces] a span could not be followed:", error);
    }
  }

  onEnd(span: EndedSpanLike): void {
    try {
      this.end(span);
    } catch (error) {
      console.warn("[agent-traces] a span could not be recorded:", error);
    }
  }

  /** Records the runs that ended and wait for late spans, then flushes the tracer: resolves once they are answered. */
  async forceFlush(): Promise<void> {
    for (const run of this.ending) this.finish(run);
    await this.tracer.flush();
  }

  /** Records the runs that ended, forgets those under way; shuts the tracer down if the processor made it, else flushes it. */
  async shutdown(): Promise<void> {
    for (const run of this.ending) this.finish(run);
    this.spanRuns.clear();
    this.open.clear();
    await (this.ownsTracer ? this.tracer.shutdown() : this.tracer.flush());
  }

  private start(span: StartedSpanLike): void {
    const { traceId, spanId } = span.spanContext();
    const parentId = parentSpanId(span);
    const parentRun = parentId === undefined ? undefined : this.spanRuns.get(parentId);
    if (parentRun) {
      if (parentRun.spans >= this.maxSpansPerRun) {
        this.counts.spansOverLimit++;
        return;
      }
      parentRun.spans++;
      parentRun.openSpans.add(spanId);
      this.spanRuns.set(spanId, parentRun);
      if (parentRun.convention.isModelCall?.(span)) parentRun.lastModelCall = { started: span, ended: undefined };
      return;
    }
    // A span under a run given up: ignored (counted), and its own children with it; never a new run.
    if (parentId !== undefined && this.open.ignores(parentId)) {
      this.open.ignore(spanId);
      return;
    }
    const convention = this.conventions.find((candidate) => candidate.isRun(span));
    if (!convention) return;
    const run = this.open.open(spanId, () => new RunInProgress(convention, spanId, new TraceContext({ traceId: this.traceIdFor(traceId), startedAt: hrTimeToDate(span.startTime) })));
    if (run) this.spanRuns.set(spanId, run);
  }

  private end(span: EndedSpanLike): void {
    const { spanId } = span.spanContext();
    const run = this.spanRuns.get(spanId);
    if (!run) return;
    this.spanRuns.delete(spanId);
    run.openSpans.delete(spanId);
    if (spanId === run.rootSpanId) {
      run.root = span;
      this.open.close(spanId);
      this.ending.add(run);
      if (run.openSpans.size === 0) this.finish(run);
      else (run.lateSpans = setTimeout(() => this.finish(run), this.lateSpanGraceMs)).unref?.();
      return;
    }
    run.sessionId ??= agentTracesSessionId(span.attributes) ?? run.convention.sessionId?.(span);
    const tool = run.convention.tool(span);
    if (tool) {
      // Fields named one by one: spreading `tool` here cost more than the rest of recording the call.
      const { name, input, output, isError } = tool;
      run.trace.addToolTrace(createToolTrace({ name, input, output, isError, durationMs: durationMs(span.startTime, span.endTime), timestamp: hrTimeToDate(span.startTime) }));
    }
    const model = run.convention.model(span);
    if (model) {
      run.modelCalls++;
      if (model.finished) run.finishedModelCalls++;
      if (model.inputTokens > 0 || model.outputTokens > 0) run.trace.addUsage(model.model, model);
      const last = run.lastModelCall;
      if (!last || last.started === span || startsAfter(span, last.started)) run.lastModelCall = { started: span, ended: span };
    }
    if (run.root && run.openSpans.size === 0) this.finish(run);
  }

  /** The run's outermost span ended and its other spans did (or the grace passed): the run goes to the tracer, once. */
  private finish(run: RunInProgress): void {
    const root = run.root;
    if (!root || !this.ending.delete(run)) return;
    clearTimeout(run.lateSpans);
    for (const spanId of run.openSpans) this.spanRuns.delete(spanId);
    const fields = mergeRunFields(run.convention.run(root), agentTracesRunFields(root.attributes));
    const { trace } = run;
    for (const [key, value] of Object.entries(fields.metadata ?? {})) trace.setMetadata(key, value);
    if (fields.output !== undefined) trace.setOutput(stringifyValue(fields.output));
    const { status, message } = runEnd(run, root);
    trace.setStatus(status);
    // A failed run's message goes to metadata.error, as when a traced callback throws.
    trace.end(message === undefined ? { threw: false, endedAt: hrTimeToDate(root.endTime) } : { threw: true, error: new Error(message), endedAt: hrTimeToDate(root.endTime) });
    const recorded = trace.toTraceInput();
    const sessionId = fields.sessionId ?? run.sessionId;
    const input: TraceInput = {
      ...recorded,
      ...(sessionId !== undefined && { session_id: sessionId }),
      // Spans end in any order (tools run in parallel): the calls are listed as they started.
      tool_traces: [...(recorded.tool_traces ?? [])].sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp)),
      tool_traces_dropped: (recorded.tool_traces_dropped ?? 0) + (fields.toolTracesDropped ?? 0),
      tool_traces_shortened: (recorded.tool_traces_shortened ?? 0) + (fields.toolTracesShortened ?? 0),
      user_id: fields.userId ?? null,
      skill: fields.skill ?? null,
      // A model call cut off by the run's end (an abort) was an iteration too.
      iterations: fields.iterations ?? run.modelCalls + (run.lastModelCall && !run.lastModelCall.ended ? 1 : 0),
    };
    this.counts.runs++;
    this.tracer.record(input);
  }

  /** The OTel trace id for the first run under it (the ids match), a random id for any later one. */
  private traceIdFor(otelTraceId: string): string {
    const id = otelTraceId.toLowerCase();
    if (!isValidTraceId(id) || this.usedTraceIds.has(id)) return randomTraceId();
    if (this.usedTraceIds.size >= REMEMBERED_TRACE_IDS) this.usedTraceIds.delete(this.usedTraceIds.values().next().value!);
    this.usedTraceIds.add(id);
    return id;
  }
}

/** The convention's fields, each overridden by the app's `agent_traces.*` attribute when set. */
function mergeRunFields(fromConvention: RunFields, fromApp: RunFields): RunFields {
  const merged: RunFields = { ...fromConvention };
  for (const [key, value] of Object.entries(fromApp) as [keyof RunFields, unknown][]) if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  return merged;
}

/**
 * How the run ended: the status the app stated, else the run span's error status, else what the
 * convention reads off the run span and its last model call (an abort, a model failure the run span
 * hides), else a success. The message goes to metadata.error.
 */
function runEnd(run: RunInProgress, root: EndedSpanLike): { status: TraceStatus; message: string | undefined } {
  const stated = root.attributes[AGENT_TRACES_ATTRIBUTES.status];
  if (stated === "success" || stated === "error" || stated === "timeout") return { status: stated, message: stated === "success" ? undefined : errorMessage(root) };
  if (root.status.code === STATUS_ERROR) return { status: isTimeout(root) ? "timeout" : "error", message: errorMessage(root) };
  const hidden: RunEnd | undefined = run.convention.runEnd?.(root, { last: run.lastModelCall, finished: run.finishedModelCalls });
  return hidden ?? { status: "success", message: undefined };
}

function startsAfter(a: StartedSpanLike, b: StartedSpanLike): boolean {
  return a.startTime[0] > b.startTime[0] || (a.startTime[0] === b.startTime[0] && a.startTime[1] >= b.startTime[1]);
}
