import { strict as assert } from "node:assert";
import { setTimeout as sleep } from "node:timers/promises";
import fc from "fast-check";
import { FunctionsError } from "firebase/functions";
import { ROOT_CONTEXT } from "@opentelemetry/api";
import { SamplingDecision, TraceIdRatioBasedSampler as OtelSampler } from "@opentelemetry/sdk-trace-base";
import { LIMITS, randomTraceId, sanitizeTrace, TraceIdRatioBasedSampler, validateTrace, type SanitizedTrace, type ToolTraceInput, type TraceInput } from "@agent-traces/core";
import {
  createToolTrace,
  createTracer,
  DEFAULT_RETRY,
  ExportTimeoutError,
  TraceContext,
  TraceDroppedError,
  TraceRejectedError,
  UnexpectedResponseError,
  type ExportContext,
  type RecordTraceBatchItemResult,
  type TraceExporter,
  type TraceSendError,
} from "@agent-traces/tracer";
import { backoffDelay } from "../../packages/tracer/src/export/retry.js";
import { MAX_REKEYS } from "../../packages/tracer/src/export/RetryingExport.js";
import { TraceQueue } from "../../packages/tracer/src/export/TraceQueue.js";
import { ToolCallBuffer } from "../../packages/tracer/src/toolCallBuffer.js";

/** Answers every batch after `delayMs` (or as `behave` says), keeping what it was sent and when. */
class BatchRecorder implements TraceExporter {
  readonly batches: SanitizedTrace[][] = [];
  readonly contexts: ExportContext[] = [];
  calls = 0;
  active = 0;
  maxActive = 0;
  constructor(private readonly behave: (batch: readonly SanitizedTrace[], call: number) => Promise<void> | void = () => undefined) {}

  async export(traces: readonly SanitizedTrace[], context: ExportContext): Promise<RecordTraceBatchItemResult[]> {
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    try {
      await this.behave(traces, ++this.calls);
      this.batches.push([...traces]);
      this.contexts.push(context);
      return traces.map((trace) => ({ trace_id: trace.trace_id, stored: true, reason: trace.status === "success" ? "sampled" : trace.status }));
    } finally {
      this.active--;
    }
  }

  get sent(): SanitizedTrace[] {
    return this.batches.flat();
  }
}

const run = (status: "success" | "error" | "timeout") => async (trace: TraceContext) => {
  await trace.tool("step", { status }, () => status);
  if (status !== "success") trace.setStatus(status);
};

describe("tracer: batching (createTracer)", () => {
  it("sends many runs in few calls: full batches at once, the rest when flushed", async () => {
    const exporter = new BatchRecorder();
    const errors: TraceSendError[] = [];
    const tracer = createTracer({ exporter, sampleRate: 1, maxBatchSize: 50, scheduledDelayMs: 60_000, onError: (error) => errors.push(error) });
    await Promise.all(Array.from({ length: 120 }, (_, index) => tracer.withTrace({ skill: `s${index}` }, run("error"))));
    await sleep(20);
    assert.deepEqual(exporter.batches.map((batch) => batch.length), [50, 50], "full batches go out without waiting");
    await tracer.flush();
    assert.deepEqual(exporter.batches.map((batch) => batch.length), [50, 50, 20]);
    assert.equal(new Set(exporter.sent.map((trace) => trace.trace_id)).size, 120);
    const context = { sampleRate: 1, keepRules: { failed_tool: true } };
    assert.deepEqual(exporter.contexts, [context, context, context], "the exporter is told the rate the tracer sampled at and its keep rules");
    assert.deepEqual(errors, []);
    assert.deepEqual({ ...tracer.stats, dropped: undefined }, { queued: 120, sampledOut: 0, keptByRule: 0, dropped: undefined, exportCalls: 3, answered: 120, stored: 120, failed: 0, waiting: 0, held: 0 });
  });

  it("sends a lone run scheduledDelayMs after it ended, without flush()", async () => {
    const exporter = new BatchRecorder();
    const tracer = createTracer({ exporter, sampleRate: 1, scheduledDelayMs: 100 });
    const ended = performance.now();
    await tracer.withTrace({}, run("error"));
    assert.equal(exporter.batches.length, 0, "not sent at once");
    while (exporter.batches.length === 0 && performance.now() - ended < 5_000) await sleep(10);
    assert.equal(exporter.batches.length, 1);
    assert.ok(performance.now() - ended >= 95, "waited for others to join its batch");
  });

  it("keeps at most maxConcurrentExports calls in flight, and the runs never wait for them", async () => {
    const exporter = new BatchRecorder(() => sleep(50));
    const tracer = createTracer({ exporter, sampleRate: 1, maxBatchSize: 5, maxConcurrentExports: 2, scheduledDelayMs: 0 });
    await Promise.all(Array.from({ length: 60 }, () => tracer.withTrace({}, run("error"))));
    assert.equal(exporter.batches.length, 0, "every run returned before the first call was answered");
    await tracer.flush();
    assert.equal(exporter.sent.length, 60);
    assert.equal(exporter.maxActive, 2);
  });

  it("samples successes before queueing (never sent, counted) and keeps every failure", async () => {
    const exporter = new BatchRecorder();
    const tracer = createTracer({ exporter, sampleRate: 0 });
    for (let index = 0; index < 30; index++) await tracer.withTrace({}, run(index % 3 === 0 ? "timeout" : index % 3 === 1 ? "error" : "success"));
    await tracer.flush();
    assert.equal(exporter.sent.length, 20);
    assert.ok(exporter.sent.every((trace) => trace.status !== "success"));
    assert.equal(tracer.stats.sampledOut, 10);
  });

  it("when the queue is full, drops successes before failures, counts and reports every drop", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const exporter = new BatchRecorder(() => gate);
    const reported: TraceSendError[] = [];
    const tracer = createTracer({ exporter, sampleRate: 1, maxQueueSize: 10, maxBatchSize: 1, maxConcurrentExports: 1, scheduledDelayMs: 0, onError: (error) => reported.push(error) });
    await tracer.withTrace({}, run("error")); // taken by the one call in flight, which hangs
    await sleep(5);
    for (let index = 0; index < 10; index++) await tracer.withTrace({ skill: "ok" }, run("success"));
    for (let index = 0; index < 12; index++) await tracer.withTrace({ skill: "failed" }, run("error"));
    assert.deepEqual(tracer.stats.dropped, { failures: 2, successes: 10 });
    assert.equal(reported.length, 12);
    assert.ok(reported.every((error) => error.cause instanceof TraceDroppedError && error.cause.reason === "queue_full" && error.attempts === 0));
    release();
    await tracer.flush();
    assert.equal(exporter.sent.filter((trace) => trace.status === "error").length, 11, "the first failure and the 10 that fit");
    assert.equal(exporter.sent.filter((trace) => trace.status === "success").length, 0);
  });

  it("retries a batch on a retryable error and gives up on a final one, reporting each run once", async () => {
    const failing = new BatchRecorder((_, call) => {
      if (call <= 2) throw new FunctionsError("unavailable", "down");
    });
    const sent: string[] = [];
    const tracer = createTracer({ exporter: failing, sampleRate: 1, retry: { attempts: 3, initialDelayMs: 1, maxDelayMs: 2 }, onSent: (result) => sent.push(result.trace_id) });
    await Promise.all([tracer.withTrace({}, run("error")), tracer.withTrace({}, run("timeout"))]);
    await tracer.flush();
    assert.equal(sent.length, 2);
    assert.equal(tracer.stats.exportCalls, 3);

    const rejected = new BatchRecorder(() => {
      throw new FunctionsError("permission-denied", "no");
    });
    const errors: TraceSendError[] = [];
    const final = createTracer({ exporter: rejected, sampleRate: 1, onError: (error) => errors.push(error) });
    await Promise.all([final.withTrace({}, run("error")), final.withTrace({}, run("error"))]);
    await final.flush();
    assert.deepEqual(errors.map((error) => error.attempts), [1, 1]);
    assert.equal(final.stats.failed, 2);
  });

  it("reports a trace the server rejected in its batch answer, and answers the others", async () => {
    const exporter: TraceExporter = {
      export: async (traces) => traces.map((trace, index) => (index === 0 ? { trace_id: trace.trace_id, error: { code: "invalid-argument", message: "Invalid trace: traces[0].skill: bad", fields: ["traces[0].skill"] } } : { trace_id: trace.trace_id, stored: true, reason: "error" })),
    };
    const errors: TraceSendError[] = [];
    const answered: string[] = [];
    const tracer = createTracer({ exporter, sampleRate: 1, onError: (error) => errors.push(error), onSent: (result) => answered.push(result.trace_id) });
    await Promise.all([tracer.withTrace({}, run("error")), tracer.withTrace({}, run("error"))]);
    await tracer.flush();
    assert.equal(errors.length, 1);
    assert.match(errors[0]!.message, /traces\[0\]\.skill/);
    assert.equal(answered.length, 1);
  });

  it("backs off on a trace answered resource-exhausted: sends it again, alone, after the wait the server asked for", async () => {
    const sends: { at: number; ids: string[] }[] = [];
    let refusals = 1;
    const exporter: TraceExporter = {
      export: async (traces) => {
        sends.push({ at: performance.now(), ids: traces.map((trace) => trace.trace_id) });
        return traces.map((trace, index) =>
          index === 0 && refusals-- > 0
            ? { trace_id: trace.trace_id, error: { code: "resource-exhausted", message: "over the limit", fields: [], retry_after_ms: 300 } }
            : { trace_id: trace.trace_id, stored: true, reason: "error" },
        );
      },
    };
    const errors: TraceSendError[] = [];
    const stored: string[] = [];
    const tracer = createTracer({ exporter, sampleRate: 1, retry: { attempts: 3, initialDelayMs: 1, maxDelayMs: 1 }, onError: (error) => errors.push(error), onSent: (result) => stored.push(result.trace_id) });
    await Promise.all([tracer.withTrace({}, run("error")), tracer.withTrace({}, run("error"))]);
    assert.equal(await tracer.flush(5_000), true);
    assert.deepEqual(errors, []);
    assert.equal(sends.length, 2);
    assert.deepEqual(sends[1]!.ids, [sends[0]!.ids[0]], "only the refused trace is sent again");
    assert.ok(sends[1]!.at - sends[0]!.at >= 290, `waited ${sends[1]!.at - sends[0]!.at} ms, not the 300 ms asked for`);
    assert.deepEqual(new Set(stored), new Set(sends[0]!.ids));
    assert.equal(tracer.stats.stored, 2);
  });

  it("reports a trace still refused after its attempts (TraceRejectedError), and never retries a per-trace internal", async () => {
    let calls = 0;
    const exporter: TraceExporter = {
      export: async (traces) => {
        calls++;
        return traces.map((trace) => ({
          trace_id: trace.trace_id,
          error: trace.status === "timeout" ? { code: "internal", message: "a bug", fields: [] } : { code: "resource-exhausted", message: "over the limit", fields: [], retry_after_ms: 1 },
        }));
      },
    };
    const errors: TraceSendError[] = [];
    const tracer = createTracer({ exporter, sampleRate: 1, retry: { attempts: 3, initialDelayMs: 1, maxDelayMs: 1 }, onError: (error) => errors.push(error) });
    await Promise.all([tracer.withTrace({}, run("error")), tracer.withTrace({}, run("timeout"))]);
    await tracer.flush();
    assert.equal(calls, 3);
    const byCode = Object.fromEntries(errors.map((error) => [(error.cause as TraceRejectedError).code, error]));
    assert.ok(byCode.internal!.cause instanceof TraceRejectedError);
    assert.equal(byCode.internal!.attempts, 1, "internal is final");
    assert.equal(byCode["resource-exhausted"]!.attempts, 3);
    assert.equal((byCode["resource-exhausted"]!.cause as TraceRejectedError).retryAfterMs, 1);
  });

  it("waits a call's details.retry_after_ms (a rate-limited single call) before the next attempt", async () => {
    const times: number[] = [];
    const exporter = new BatchRecorder(() => {
      times.push(performance.now());
      if (times.length === 1) throw new FunctionsError("resource-exhausted", "slow down", { retry_after_ms: 250 });
    });
    const tracer = createTracer({ exporter, sampleRate: 1, retry: { attempts: 2, initialDelayMs: 1, maxDelayMs: 1 } });
    await tracer.withTrace({}, run("error"));
    await tracer.flush();
    assert.equal(exporter.sent.length, 1);
    assert.ok(times[1]! - times[0]! >= 240, `waited ${times[1]! - times[0]!} ms`);
  });

  it("shutdown() sends what is queued, then drops and reports runs that end later", async () => {
    const exporter = new BatchRecorder();
    const errors: TraceSendError[] = [];
    const tracer = createTracer({ exporter, sampleRate: 1, scheduledDelayMs: 60_000, onError: (error) => errors.push(error) });
    await tracer.withTrace({}, run("error"));
    await tracer.shutdown();
    assert.equal(exporter.sent.length, 1);
    await tracer.withTrace({}, run("error"));
    assert.equal(errors.length, 1);
    assert.equal((errors[0]!.cause as TraceDroppedError).reason, "shut_down");
    assert.deepEqual(tracer.stats.dropped, { failures: 1, successes: 0 });
  });

  it("rejects bad batch options before running anything", () => {
    const exporter = new BatchRecorder();
    assert.throws(() => createTracer({ exporter, maxBatchSize: 101 }), /maxBatchSize/);
    assert.throws(() => createTracer({ exporter, maxBatchSize: 0 }), /maxBatchSize/);
    assert.throws(() => createTracer({ exporter, maxQueueSize: 0.5 }), /maxQueueSize/);
    assert.throws(() => createTracer({ exporter, maxConcurrentExports: 0 }), /maxConcurrentExports/);
    assert.throws(() => createTracer({ exporter, scheduledDelayMs: -1 }), /scheduledDelayMs/);
  });

  it("by default keeps retrying for more than 30 s of outage before giving up", () => {
    let waits = 0;
    for (let retry = 1; retry < DEFAULT_RETRY.attempts; retry++) waits += backoffDelay(retry, DEFAULT_RETRY, () => 0);
    assert.ok(waits >= 30_000, `the shortest total wait is ${waits} ms`);
  });

  it("flush() waits for the runs that ended before it, not for those that keep ending, and batching goes on", async () => {
    const exporter = new BatchRecorder(() => sleep(30));
    const tracer = createTracer({ exporter, sampleRate: 1, maxBatchSize: 50, scheduledDelayMs: 200 });
    let traffic = true;
    const producer = (async () => {
      while (traffic) {
        await tracer.withTrace({}, run("error"));
        await sleep(2);
      }
    })();
    await sleep(100);
    const endedBefore = tracer.stats.queued;
    const started = performance.now();
    assert.equal(await tracer.flush(), true);
    const waited = performance.now() - started;
    assert.ok(tracer.stats.answered >= endedBefore, "what ended before flush() was answered");
    await sleep(300);
    traffic = false;
    await producer;
    await tracer.flush();
    assert.ok(waited < 2_000, `flush() returned after ${Math.round(waited)} ms, with runs still ending`);
    assert.ok(exporter.batches.length * 5 <= exporter.sent.length, `${exporter.batches.length} calls for ${exporter.sent.length} runs`);
  });

  it("flush(timeoutMs) gives up waiting, not sending: the run is delivered after", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const exporter = new BatchRecorder(() => gate);
    const tracer = createTracer({ exporter, sampleRate: 1 });
    await tracer.withTrace({}, run("error"));
    assert.equal(await tracer.flush(50), false);
    release();
    assert.equal(await tracer.flush(), true);
    assert.equal(exporter.sent.length, 1);
  });

  for (const [what, answer] of [
    ["no answer", () => []],
    ["an answer per trace in the wrong order", (traces: readonly SanitizedTrace[]) => [...traces].reverse().map((trace) => ({ trace_id: trace.trace_id, stored: true, reason: "error" }))],
    ["one answer where a batch was sent", (traces: readonly SanitizedTrace[]) => ({ trace_id: traces[0]!.trace_id, stored: true, reason: "error" })],
  ] as const) {
    it(`an exporter that gives ${what} gets each run reported once, and the tracer goes on`, async () => {
      const exporter = { export: async (traces: readonly SanitizedTrace[]) => (answer as (traces: readonly SanitizedTrace[]) => unknown)(traces) } as TraceExporter;
      const errors: TraceSendError[] = [];
      const tracer = createTracer({ exporter, sampleRate: 1, maxConcurrentExports: 1, onError: (error) => errors.push(error) });
      await Promise.all([tracer.withTrace({}, run("error")), tracer.withTrace({}, run("timeout"))]);
      await tracer.flush();
      assert.equal(errors.length, 2);
      assert.ok(errors.every((error) => error.cause instanceof UnexpectedResponseError));
      await tracer.withTrace({}, run("error"));
      assert.equal(await tracer.flush(1_000), true, "not stuck");
      assert.equal(tracer.stats.failed + tracer.stats.answered, 3);
    });
  }
});

describe("tracer: bounded memory per run", () => {
  const call = (index: number, isError: boolean): ToolTraceInput => createToolTrace({ name: `t${index}`, input: { index }, output: "ok", durationMs: 1, isError, timestamp: new Date(0) });

  it("keeps the calls the server would keep from the whole list, and counts the rest", () => {
    fc.assert(
      // Long runs with failures mixed in at any rate, so that the bound is reached in every way.
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }).chain((rate) => fc.array(fc.double({ min: 0, max: 1, noNaN: true }).map((draw) => draw < rate), { maxLength: 400, size: "max" })), (errors) => {
        const buffer = new ToolCallBuffer();
        const calls = errors.map((isError, index) => call(index, isError));
        for (const toolCall of calls) buffer.add(toolCall);
        const input = { trace_id: "0af7651916cd43dd8448eb211c80319c", started_at: "2025-01-01T00:00:00Z", status: "error" as const };
        const validated = validateTrace({ ...input, tool_traces: calls });
        assert.ok(validated.ok);
        const server = sanitizeTrace(validated.trace);
        assert.deepEqual(buffer.toArray().map((kept) => kept.name), server.tool_traces.map((kept) => kept.name));
        assert.equal(buffer.dropped, server.tool_traces_dropped);
        assert.ok(buffer.toArray().length <= LIMITS.maxToolTraces);
      }),
    );
  });

  it("a run of 100,000 tool calls holds 100 of them and sends the count of the others", async () => {
    const exporter = new BatchRecorder();
    const tracer = createTracer({ exporter, sampleRate: 1 });
    await tracer.withTrace({}, async (trace) => {
      for (let index = 0; index < 100_000; index++) trace.addToolTrace(call(index, index % 1000 === 0));
      trace.setStatus("error");
    });
    await tracer.flush();
    const [sent] = exporter.sent;
    assert.equal(sent!.tool_traces.length, 100);
    assert.equal(sent!.tool_traces_dropped, 99_900);
    assert.equal(sent!.tool_traces.filter((kept) => kept.is_error).length, 100, "the 100 failed calls are the ones kept");
  });

  it("records a tool call still running when its run ends as unfinished, once", async () => {
    const exporter = new BatchRecorder();
    const tracer = createTracer({ exporter, sampleRate: 1 });
    let finish!: () => void;
    let stillRunning: Promise<string> | undefined;
    await tracer.withTrace({}, async (trace) => {
      await trace.tool("quick", {}, () => "done");
      stillRunning = trace.tool("slow_search", { q: "x" }, () => new Promise<string>((resolve) => (finish = () => resolve("late"))));
      await sleep(20);
      trace.setStatus("timeout");
    });
    finish();
    assert.equal(await stillRunning, "late", "the tool's own result is unchanged");
    await tracer.flush();
    const tools = exporter.sent[0]!.tool_traces;
    assert.deepEqual(tools.map((tool) => tool.name), ["quick", "slow_search"]);
    assert.equal(tools[1]!.is_error, true);
    assert.match(tools[1]!.output, /^unfinished: still running when the run ended, after \d+ ms$/);
    assert.ok(tools[1]!.duration_ms >= 15);
  });
});

describe("TraceQueue", () => {
  it("takes failures first, each kind in order, and evicts the latest success for a failure when full", () => {
    let seq = 0;
    const item = (id: string) => ({ failure: id.startsWith("f"), id, seq: ++seq });
    const queue = new TraceQueue<ReturnType<typeof item>>(3);
    assert.equal(queue.push(item("s1")), undefined);
    assert.equal(queue.push(item("f1")), undefined);
    assert.equal(queue.push(item("s2")), undefined);
    assert.equal(queue.oldestSeq, 1);
    assert.equal(queue.push(item("s3"))?.id, "s3", "a success finds no room");
    assert.equal(queue.push(item("f2"))?.id, "s2", "a failure takes the latest success's place");
    assert.equal(queue.push(item("f3"))?.id, "s1");
    assert.equal(queue.oldestSeq, 2);
    assert.equal(queue.push(item("f4"))?.id, "f4", "only failures left: the new one is dropped");
    assert.deepEqual(queue.take(2).map((taken) => taken.id), ["f1", "f2"]);
    assert.deepEqual(queue.take(5).map((taken) => taken.id), ["f3"]);
    assert.equal(queue.size, 0);
    assert.equal(queue.oldestSeq, Infinity);
  });
});

describe("tracer: the sender's answers, ids and flushes", () => {
  /** Answers each trace as recordTrace would, its id lowercased; `answer` may say otherwise for one trace. */
  class ServerLikeExporter implements TraceExporter {
    readonly sent: SanitizedTrace[] = [];
    calls = 0;
    constructor(private readonly answer: (trace: SanitizedTrace) => RecordTraceBatchItemResult | undefined = () => undefined) {}
    async export(traces: readonly SanitizedTrace[]): Promise<RecordTraceBatchItemResult[]> {
      this.calls++;
      this.sent.push(...traces);
      return traces.map((trace) => this.answer(trace) ?? { trace_id: trace.trace_id.toLowerCase(), stored: true, reason: trace.status === "success" ? "sampled" : trace.status });
    }
  }

  const wireRun = (traceId: string, status: "success" | "error", extra: Record<string, unknown> = {}) => ({ trace_id: traceId, started_at: new Date().toISOString(), status, ...extra });

  it("a flush(timeoutMs) that times out leaves: the runs it waited for are batched as usual after it", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const exporter = new BatchRecorder((_, call) => (call === 1 ? gate : undefined));
    const tracer = createTracer({ exporter, sampleRate: 1, maxConcurrentExports: 1, scheduledDelayMs: 60_000 });
    await tracer.withTrace({}, run("error"));
    const first = tracer.flush(); // sends the first run at once; its call hangs
    await sleep(5);
    await tracer.withTrace({}, run("error")); // waits behind the hung call
    assert.equal(await tracer.flush(50), false, "timed out");
    release();
    await first;
    await sleep(50);
    assert.equal(exporter.calls, 1, "the run the timed-out flush waited for is not forced out unbatched");
    await tracer.withTrace({}, run("error"));
    await sleep(50);
    assert.equal(exporter.calls, 1, "nor is a later run");
    assert.equal(await tracer.flush(5_000), true);
    assert.deepEqual(exporter.batches.map((batch) => batch.length), [1, 2], "one batch for both once flushed");
  });

  for (const rate of [1, 0.1]) {
    it(`samples an uppercase trace id as OpenTelemetry (and the server) sample it lowercased, at rate ${rate}, and matches the lowercase answer`, async () => {
      const exporter = new ServerLikeExporter();
      const errors: TraceSendError[] = [];
      const answered: string[] = [];
      const tracer = createTracer({ exporter, sampleRate: rate, onError: (error) => errors.push(error), onSent: (result) => answered.push(result.trace_id) });
      const otel = new OtelSampler(rate);
      const ids = Array.from({ length: 400 }, () => randomTraceId().toUpperCase());
      for (const id of ids) tracer.record(wireRun(id, "success") as TraceInput);
      assert.equal(await tracer.flush(10_000), true);
      const expected = ids.filter((id) => otel.shouldSample(ROOT_CONTEXT, id.toLowerCase()).decision === SamplingDecision.RECORD_AND_SAMPLED).map((id) => id.toLowerCase());
      if (rate === 1) assert.equal(expected.length, ids.length);
      else assert.ok(expected.length > 10 && expected.length < 80, `${expected.length} kept`);
      assert.deepEqual(exporter.sent.map((trace) => trace.trace_id), expected, "sent lowercased, exactly the ids OpenTelemetry keeps");
      assert.deepEqual(answered, expected);
      assert.deepEqual(errors, [], "no stored run reported failed");
      assert.equal(tracer.stats.stored, expected.length);
    });
  }

  it("samples a re-keyed run by its original_trace_id, as the server does", () => {
    const sampler = new TraceIdRatioBasedSampler(0.1);
    const kept = Array.from({ length: 200 }, () => randomTraceId()).find((id) => sampler.shouldSample(id))!;
    const dropped = Array.from({ length: 200 }, () => randomTraceId()).find((id) => !sampler.shouldSample(id))!;
    const exporter = new ServerLikeExporter();
    const tracer = createTracer({ exporter, sampleRate: 0.1 });
    tracer.record(wireRun(dropped, "success", { original_trace_id: kept }) as TraceInput);
    tracer.record(wireRun(kept, "success", { original_trace_id: dropped }) as TraceInput);
    assert.deepEqual({ queued: tracer.stats.queued, sampledOut: tracer.stats.sampledOut }, { queued: 1, sampledOut: 1 });
  });

  it("re-keys a run answered conflict: a new random id, original_trace_id the first one (kept when re-keyed twice), sent again, its callbacks told the final answer", async () => {
    const conflicts = new Map<string, number>();
    let conflictsLeft = 2;
    const exporter = new ServerLikeExporter((trace) => {
      const original = trace.original_trace_id ?? trace.trace_id;
      if (trace.skill === "taken" && conflictsLeft-- > 0) {
        conflicts.set(original, (conflicts.get(original) ?? 0) + 1);
        return { trace_id: trace.trace_id, stored: false, reason: "conflict" };
      }
      return undefined;
    });
    const errors: TraceSendError[] = [];
    const answers: RecordTraceBatchItemResult[] = [];
    const tracer = createTracer({ exporter, sampleRate: 0, onError: (error) => errors.push(error), onSent: (result) => answers.push(result) });
    let firstId = "";
    await tracer.withTrace({ skill: "taken" }, async (trace) => {
      firstId = trace.traceId;
      trace.setStatus("error");
    });
    await tracer.withTrace({ skill: "free" }, run("error"));
    assert.equal(await tracer.flush(5_000), true);
    assert.deepEqual(errors, []);
    const taken = exporter.sent.filter((trace) => trace.skill === "taken");
    assert.equal(taken.length, 3, "sent three times: two conflicts, then stored");
    assert.equal(taken[0]!.trace_id, firstId);
    assert.equal(taken[0]!.original_trace_id, undefined);
    assert.equal(new Set(taken.map((trace) => trace.trace_id)).size, 3, "a new id each time");
    for (const again of taken.slice(1)) {
      assert.match(again.trace_id, /^[0-9a-f]{32}$/);
      assert.equal(again.original_trace_id, firstId, "the id it was first sent under, kept when re-keyed twice");
      assert.equal(again.status, "error", "a failure stays a failure");
    }
    assert.deepEqual(answers.filter((answer) => answer.trace_id === taken[2]!.trace_id), [{ trace_id: taken[2]!.trace_id, stored: true, reason: "error" }], "the final answer");
    assert.equal(answers.length, 2, "one answer per run: the conflicts are not told");
    assert.deepEqual({ stored: tracer.stats.stored, answered: tracer.stats.answered, failed: tracer.stats.failed }, { stored: 2, answered: 2, failed: 0 });
  });

  it("re-keys a run at most MAX_REKEYS times, then reports it through onError (dropped: conflict)", async () => {
    const exporter = new ServerLikeExporter((trace) => ({ trace_id: trace.trace_id, stored: false, reason: "conflict" }));
    const errors: TraceSendError[] = [];
    const answers: RecordTraceBatchItemResult[] = [];
    const tracer = createTracer({ exporter, sampleRate: 1, onError: (error) => errors.push(error), onSent: (result) => answers.push(result) });
    let firstId = "";
    await tracer.withTrace({}, async (trace) => {
      firstId = trace.traceId;
      trace.setStatus("timeout");
    });
    assert.equal(await tracer.flush(5_000), true);
    assert.equal(exporter.calls, MAX_REKEYS + 1);
    assert.deepEqual(answers, []);
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.traceId, firstId, "named by the id the app knows");
    assert.ok(errors[0]!.cause instanceof TraceDroppedError && errors[0]!.cause.reason === "conflict");
    assert.deepEqual(tracer.stats.dropped, { failures: 1, successes: 0 });
  });

  it("answers duplicate through onSent: the run is already stored, never a silent loss", async () => {
    const exporter = new ServerLikeExporter((trace) => ({ trace_id: trace.trace_id, stored: false, reason: "duplicate" }));
    const errors: TraceSendError[] = [];
    const answers: RecordTraceBatchItemResult[] = [];
    const tracer = createTracer({ exporter, sampleRate: 1, onError: (error) => errors.push(error), onSent: (result) => answers.push(result) });
    await tracer.withTrace({}, run("error"));
    assert.equal(await tracer.flush(5_000), true);
    assert.deepEqual(errors, []);
    assert.deepEqual(answers, [{ trace_id: exporter.sent[0]!.trace_id, stored: false, reason: "duplicate" }]);
    assert.equal(tracer.stats.answered, 1);
  });

  it("bounds each export call by exportTimeoutMs, and retries a call that took longer (retryable)", async () => {
    let calls = 0;
    const exporter: TraceExporter = {
      export: async (traces) => {
        if (++calls === 1) await new Promise(() => undefined); // never answers
        return traces.map((trace) => ({ trace_id: trace.trace_id, stored: true, reason: "error" }));
      },
    };
    const errors: TraceSendError[] = [];
    const answered: string[] = [];
    const tracer = createTracer({ exporter, sampleRate: 1, exportTimeoutMs: 100, retry: { attempts: 2, initialDelayMs: 1, maxDelayMs: 1 }, onError: (error) => errors.push(error), onSent: (result) => answered.push(result.trace_id) });
    await tracer.withTrace({}, run("error"));
    assert.equal(await tracer.flush(5_000), true);
    assert.deepEqual(errors, []);
    assert.equal(answered.length, 1);
    assert.equal(calls, 2);

    const hanging: TraceExporter = { export: () => new Promise(() => undefined) };
    const reported: TraceSendError[] = [];
    const stuck = createTracer({ exporter: hanging, sampleRate: 1, exportTimeoutMs: 50, retry: { attempts: 2, initialDelayMs: 1, maxDelayMs: 1 }, onError: (error) => reported.push(error) });
    await stuck.withTrace({}, run("error"));
    assert.equal(await stuck.flush(5_000), true, "an exporter that never answers does not hold flush() forever");
    assert.equal(reported.length, 1);
    assert.ok(reported[0]!.cause instanceof ExportTimeoutError);
    assert.equal(reported[0]!.attempts, 2);
    assert.throws(() => createTracer({ exporter, exportTimeoutMs: 0 }), /exportTimeoutMs/);
  });
});
