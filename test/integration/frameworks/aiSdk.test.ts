import { strict as assert } from "node:assert";
import { randomBytes } from "node:crypto";
import type { Tracer } from "@opentelemetry/api";
import { BasicTracerProvider, type ReadableSpan, type SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { DEFAULT_SAMPLE_RATE, TraceIdRatioBasedSampler } from "@agent-traces/core";
import type { StoredTrace } from "@agent-traces/store";
import { getTrace } from "@agent-traces/admin";
import { AgentTracesSpanProcessor } from "@agent-traces/otel";
import type { RecordTraceResult, TraceSendError } from "@agent-traces/tracer";
import { adminFirestore, clientSession, type ClientSession } from "../support/emulators.js";
import { aiSdk5, aiSdk6, aiSdk7, ensureContextManager, FUNCTION_ID, scriptedRun, STEP_USAGE, weatherFor, type AiSdkRunner, type ScriptedRun } from "./support/aiSdkRuns.js";
import { sampledTraceId } from "./support/sampledIds.js";
import { storedSession, storedTrace } from "./support/storedTrace.js";

const sampler = new TraceIdRatioBasedSampler(DEFAULT_SAMPLE_RATE);

/** The trace ids of the root spans that ended, in order: a run's id is the OTel trace id of its root span. */
class RootTraceIds implements SpanProcessor {
  private readonly ids: string[] = [];
  onStart(): void {}
  onEnd(span: ReadableSpan): void {
    if (!span.parentSpanContext) this.ids.push(span.spanContext().traceId);
  }
  /** The ids recorded since the last call. */
  take(): string[] {
    return this.ids.splice(0);
  }
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

async function waitUntil(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const byName = (stored: StoredTrace, name: string) => stored.tool_traces.find((tool) => tool.name === name) ?? assert.fail(`no ${name} call in ${stored.trace_id}`);

/** What a scripted run is stored as, whatever the major: its calls, its answer, its user, usage summed over both model calls. */
function assertStoredRun(stored: StoredTrace, run: ScriptedRun, modelId: string): void {
  const label = `run ${run.index} (${stored.trace_id})`;
  assert.equal(stored.status, "success", `${label}: a throwing tool is a failed tool call, the model goes on`);
  assert.equal(stored.skill, FUNCTION_ID, label);
  assert.equal(stored.user_id, run.userId, label);
  assert.equal(stored.session_id, run.sessionId, `${label}: its session, or none`);
  assert.equal(stored.iterations, 2, label);
  assert.equal(stored.final_output, run.answer, label);
  assert.deepEqual(
    stored.usage,
    [{ model: modelId, input_tokens: STEP_USAGE[0].input + STEP_USAGE[1].input, output_tokens: STEP_USAGE[0].output + STEP_USAGE[1].output }],
    `${label}: both model calls' tokens`,
  );
  assert.deepEqual(stored.tool_traces.map((tool) => tool.name).sort(), ["get_flights", "get_weather"], `${label} holds exactly its own two calls`);
  const weather = byName(stored, "get_weather");
  assert.deepEqual([weather.input, weather.is_error], [{ city: run.city }, false], label);
  assert.deepEqual(JSON.parse(weather.output), weatherFor(run), label);
  const flights = byName(stored, "get_flights");
  assert.deepEqual([flights.input, flights.is_error, flights.output], [{ from: run.from, to: run.to }, true, run.flightsError], label);
  assert.equal(stored.tool_error_count, 1, label);
  assert.deepEqual(stored.failed_tools, [{ name: "get_flights", calls: 1 }], label);
  assert.equal(stored.metadata.error, undefined, label);
}

const MAJORS: { name: string; runner: (tracer: Tracer) => AiSdkRunner; telemetry: string }[] = [
  { name: "ai 5", runner: aiSdk5, telemetry: "experimental_telemetry { functionId, metadata.userId, metadata.sessionId, tracer }" },
  { name: "ai 6", runner: aiSdk6, telemetry: "experimental_telemetry { functionId, metadata.userId, metadata.sessionId, tracer }" },
  { name: "ai 7", runner: aiSdk7, telemetry: "@ai-sdk/otel OpenTelemetry({ tracer, runtimeContext: true }), runtimeContext.userId and .sessionId" },
];

describe("the Vercel AI SDK -> AgentTracesSpanProcessor -> recordTrace (functions emulator) -> Firestore", () => {
  let client: ClientSession;

  before(async () => {
    ensureContextManager(); // without one, every AI SDK 5/6 span is a trace of its own
    client = await clientSession();
  });
  after(async () => client?.close());

  for (const major of MAJORS) {
    describe(`${major.name}: ${major.telemetry}`, () => {
      let processor: AgentTracesSpanProcessor;
      let provider: BasicTracerProvider;
      let ai: AiSdkRunner;
      const roots = new RootTraceIds();
      const sent: RecordTraceResult[] = [];
      const failed: TraceSendError[] = [];
      const answerFor = (traceId: string) => sent.filter((result) => result.trace_id === traceId);
      /** Whether new root spans get trace ids the sampler keeps (so every success is stored) or drops. */
      let keepIds = true;

      /** Every run assembled, then sent and answered. */
      async function settle(): Promise<void> {
        await waitUntil(() => processor.stats.open === 0, "the processor's runs to end");
        await processor.forceFlush();
        assert.deepEqual(failed, [], "every trace was delivered");
      }

      before(() => {
        processor = new AgentTracesSpanProcessor({ functions: client.functions, scheduledDelayMs: 50, onSent: (result) => sent.push(result), onError: (error) => failed.push(error) });
        // A provider of this major's own (not the global one); its id generator is keptTraceIdGenerator()'s, switchable.
        provider = new BasicTracerProvider({
          idGenerator: { generateTraceId: () => sampledTraceId(keepIds), generateSpanId: () => randomBytes(8).toString("hex") },
          spanProcessors: [processor, roots],
        });
        ai = major.runner(provider.getTracer("agent"));
      });
      after(async () => {
        keepIds = true;
        await provider?.shutdown(); // flushes the processor and shuts down the tracer it made
      });

      it("generateText: both tool calls (the throwing one failed), 2 iterations, usage summed, skill, user, answer", async () => {
        const run = scriptedRun(1);
        const runsBefore = processor.stats.runs;
        assert.equal(await ai.generate(run), run.answer);
        await settle();
        const [traceId, ...others] = roots.take();
        assert.deepEqual(others, [], "one root span: the run");
        assert.ok(sampler.shouldSample(traceId!), "the id generator gave a kept id");
        assert.equal(processor.stats.runs, runsBefore + 1);
        assert.deepEqual(answerFor(traceId!), [{ trace_id: traceId, stored: true, reason: "failed_tool" }]);

        const stored = await storedTrace(traceId!);
        assertStoredRun(stored, run, ai.modelId);
        assert.equal(stored.recorded_by, client.uid);
        const flights = byName(stored, "get_flights");
        assert.ok(Date.parse(flights.timestamp) >= Date.parse(stored.started_at) && stored.duration_ms !== null && stored.duration_ms >= 0);
      });

      it("streamText: the same run, read from the stream", async () => {
        const run = scriptedRun(2);
        assert.equal(await ai.stream(run), run.answer);
        await settle();
        const [traceId, ...others] = roots.take();
        assert.deepEqual(others, []);
        assert.deepEqual(answerFor(traceId!), [{ trace_id: traceId, stored: true, reason: "failed_tool" }]);
        assertStoredRun(await storedTrace(traceId!), run, ai.modelId);
      });

      it("a 5-run conversation (its session id in the telemetry) is one session in Firestore, its runs in order", async () => {
        const sessionId = `conversation-${major.name.replace(" ", "")}-${randomBytes(4).toString("hex")}`;
        const runs = Array.from({ length: 5 }, (_, index) => ({ ...scriptedRun(200 + index), userId: "user-chatting", sessionId }));
        // One turn after the other, as a chat goes; generateText and streamText in turn.
        for (const run of runs) assert.equal(await (run.index % 2 === 0 ? ai.generate(run) : ai.stream(run)), run.answer);
        await settle();
        const traceIds = roots.take();
        assert.equal(traceIds.length, 5);
        for (const traceId of traceIds) assert.deepEqual(answerFor(traceId), [{ trace_id: traceId, stored: true, reason: "failed_tool" }]);

        const session = await storedSession(sessionId);
        assert.deepEqual(session.map((stored) => stored.trace_id), traceIds, "the session's 5 runs, oldest first");
        for (const [index, stored] of session.entries()) assertStoredRun(stored, runs[index]!, ai.modelId);
      });

      it("keeps 20 concurrent runs apart: each stored trace holds exactly its own run's calls", async () => {
        const runsBefore = processor.stats.runs;
        const runs = Array.from({ length: 20 }, (_, index) => scriptedRun(100 + index));
        const answers = await Promise.all(runs.map((run) => ai.generate(run)));
        assert.deepEqual(answers, runs.map((run) => run.answer));
        await settle();
        assert.deepEqual(processor.stats, { runs: runsBefore + 20, open: 0, evictedRuns: 0, expiredRuns: 0, ignoredSpans: 0 });
        const traceIds = roots.take();
        assert.equal(new Set(traceIds).size, 20, "one trace per run");

        // Which run a trace is is read off its own user; every other field of it must then be that run's.
        const byUser = new Map<unknown, StoredTrace>();
        for (const traceId of traceIds) {
          assert.deepEqual(answerFor(traceId), [{ trace_id: traceId, stored: true, reason: "failed_tool" }]);
          const stored = await storedTrace(traceId);
          assert.ok(!byUser.has(stored.user_id), `user ${stored.user_id} in two traces`);
          byUser.set(stored.user_id, stored);
        }
        for (const run of runs) assertStoredRun(byUser.get(run.userId) ?? assert.fail(`no trace for ${run.userId}`), run, ai.modelId);
      });

      /** A run of the script whose step 2 ends badly, under an id the sampler drops (a success would not be stored): its single stored trace. */
      async function storedFailure(run: ScriptedRun, reason: "error" | "timeout"): Promise<StoredTrace> {
        keepIds = false;
        try {
          await ai.stream(run);
        } finally {
          keepIds = true;
        }
        await settle();
        const [traceId, ...others] = roots.take();
        assert.deepEqual(others, [], "one root span: the run");
        assert.equal(sampler.shouldSample(traceId!), false, "an id the sampler drops: only a failure is stored");
        assert.deepEqual(answerFor(traceId!), [{ trace_id: traceId, stored: true, reason }]);
        const stored = await storedTrace(traceId!);
        assert.equal(stored.status, reason);
        assert.equal(stored.skill, FUNCTION_ID);
        assert.equal(stored.user_id, run.userId);
        assert.deepEqual(stored.tool_traces.map((tool) => tool.name).sort(), ["get_flights", "get_weather"], "the tool step is kept");
        assert.equal(stored.iterations, 2, "the tool step and the step that ended badly");
        return stored;
      }

      it("streamText aborted by the app (abortSignal) after a partial answer: stored as a timeout", async () => {
        const run = scriptedRun(4, "abort");
        const stored = await storedFailure(run, "timeout");
        assert.match(String(stored.metadata.error), /^aborted: /);
        assert.equal(stored.final_output, "", "no answer: the run was cut off");
      });

      it("streamText whose model call fails after the tool step (only that call's span has the error): stored as an error", async () => {
        const run = scriptedRun(5, "model-error");
        const stored = await storedFailure(run, "error");
        assert.equal(stored.metadata.error, run.modelError, "the model call's own error");
        assert.equal(stored.final_output, "", "the answer text or nothing: never the step's serialized messages");
      });

      it("stores every success whose tool failed, 20 of 20 under ids the sampler drops: kept for failed_tool, weight 1", async () => {
        const runs = Array.from({ length: 20 }, (_, index) => scriptedRun(300 + index));
        const keptByRule = processor.tracer.stats.keptByRule;
        keepIds = false;
        try {
          assert.deepEqual(await Promise.all(runs.map((run) => ai.generate(run))), runs.map((run) => run.answer));
        } finally {
          keepIds = true;
        }
        await settle();
        const traceIds = roots.take();
        assert.equal(traceIds.length, 20);
        assert.deepEqual(traceIds.filter((id) => sampler.shouldSample(id)), [], "ids the sampler drops");
        assert.equal(processor.tracer.stats.keptByRule, keptByRule + 20, "the tracer's keep rule sent them");
        const byUser = new Map<unknown, StoredTrace>();
        for (const traceId of traceIds) {
          assert.deepEqual(answerFor(traceId), [{ trace_id: traceId, stored: true, reason: "failed_tool" }]);
          const stored = await storedTrace(traceId);
          assert.deepEqual([stored.kept_for, stored.sample_rate, stored.weight], ["failed_tool", 1, 1], stored.trace_id);
          byUser.set(stored.user_id, stored);
        }
        for (const run of runs) assertStoredRun(byUser.get(run.userId) ?? assert.fail(`no trace for ${run.userId}`), run, ai.modelId);
      });

      it("with `keep: false`, neither sends nor stores a success the sampler drops, failed tool or not", async () => {
        const sampledOnly = new AgentTracesSpanProcessor({ functions: client.functions, keep: false, scheduledDelayMs: 50, onSent: (result) => sent.push(result), onError: (error) => failed.push(error) });
        const ownRoots = new RootTraceIds();
        const own = new BasicTracerProvider({
          idGenerator: { generateTraceId: () => sampledTraceId(false), generateSpanId: () => randomBytes(8).toString("hex") },
          spanProcessors: [sampledOnly, ownRoots],
        });
        try {
          const run = scriptedRun(3);
          assert.equal(await major.runner(own.getTracer("agent")).generate(run), run.answer);
          await waitUntil(() => sampledOnly.stats.open === 0, "the processor's run to end");
          await sampledOnly.forceFlush();
          assert.deepEqual(failed, []);
          const [traceId, ...others] = ownRoots.take();
          assert.deepEqual(others, []);
          assert.equal(sampler.shouldSample(traceId!), false);
          assert.equal(sampledOnly.stats.runs, 1, "the run was assembled");
          assert.deepEqual([sampledOnly.tracer.stats.sampledOut, sampledOnly.tracer.stats.keptByRule], [1, 0], "and dropped by the sampler");
          assert.deepEqual(answerFor(traceId!), [], "not sent");
          assert.equal(await getTrace(adminFirestore(), traceId!), undefined, "not stored");
        } finally {
          await own.shutdown();
        }
      });
    });
  }
});
