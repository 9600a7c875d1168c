import { strict as assert } from "node:assert";
import { setTimeout as sleep } from "node:timers/promises";
import { TraceIdRatioBasedSampler, type RecordTraceBatchItemResult, type SanitizedTrace } from "@agent-traces/core";
import { DEFAULT_BATCH_OPTIONS, DEFAULT_RETRY, TraceContext, type TraceExporter, type TraceSendError } from "@agent-traces/tracer";
import { asyncContextVariable } from "../../packages/tracer/src/context/asyncContextVariable.js";
import { synchronousContext } from "../../packages/tracer/src/context/synchronousContext.js";
import { BatchTraceProcessor } from "../../packages/tracer/src/export/BatchTraceProcessor.js";
import { localStorageTraceStore, PERSIST_LIMITS } from "../../packages/tracer/src/persist/localStorageTraceStore.js";
import { parseToolTrace, prepareTrace } from "../../packages/tracer/src/prepare/shapeCheckingPrepare.js";

/** A Storage in memory, optionally with a quota in characters (keys and values), like the browser's. */
class MemoryStorage implements Storage {
  private readonly items = new Map<string, string>();
  writes = 0;
  constructor(private readonly quota = Infinity) {}
  get length(): number {
    return this.items.size;
  }
  key(index: number): string | null {
    return [...this.items.keys()][index] ?? null;
  }
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    const used = [...this.items].reduce((sum, [k, v]) => sum + (k === key ? 0 : k.length + v.length), 0);
    if (used + key.length + value.length > this.quota) throw new DOMException("quota", "QuotaExceededError");
    this.writes++;
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
  clear(): void {
    this.items.clear();
  }
  [name: string]: unknown;
}

/** Answers each batch when `release()` is called (all at once), recording what it was sent. */
class HeldExporter implements TraceExporter {
  readonly sent: SanitizedTrace[] = [];
  private waiting: (() => void)[] = [];
  async export(traces: readonly SanitizedTrace[]): Promise<RecordTraceBatchItemResult[]> {
    this.sent.push(...traces);
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    return traces.map((trace) => ({ trace_id: trace.trace_id, stored: true, reason: trace.status === "success" ? "sampled" : trace.status }));
  }
  release(): void {
    for (const resolve of this.waiting.splice(0)) resolve();
  }
}

function processorWith(store: ReturnType<typeof localStorageTraceStore>, exporter: TraceExporter, scheduledDelayMs = 60_000) {
  return new BatchTraceProcessor(exporter, new TraceIdRatioBasedSampler(1), 1, { ...DEFAULT_RETRY, attempts: 1 }, { ...DEFAULT_BATCH_OPTIONS, scheduledDelayMs }, undefined, store);
}

function finishedRun(status: "success" | "error", secret = "sk-proj-" + "Ab3".repeat(12)) {
  const trace = new TraceContext({ skill: "browse" });
  trace.addToolTrace({ name: "fetch", input: { api_key: secret }, output: "ok", duration_ms: 3, timestamp: new Date().toISOString() });
  trace.end(status === "error" ? { threw: true, error: new Error("boom") } : { threw: false });
  return trace;
}

const noCallbacks = { onError: (error: TraceSendError) => assert.fail(error.message) };

describe("tracer in the browser: current trace without AsyncLocalStorage", () => {
  it("synchronous context: the run's trace in its synchronous part, undefined after an await, never another run's", async () => {
    const context = synchronousContext();
    const runs = Array.from({ length: 20 }, (_, index) => new TraceContext({ skill: `run${index}` }));
    const seen: { run: number; sync: TraceContext | undefined; later: TraceContext | undefined }[] = [];
    await Promise.all(
      runs.map((trace, index) =>
        context.run(trace, async () => {
          const sync = context.get();
          await sleep(index % 3);
          seen.push({ run: index, sync, later: context.get() });
        }),
      ),
    );
    for (const { run, sync, later } of seen) {
      assert.equal(sync, runs[run], "the synchronous part sees its own run");
      assert.equal(later, undefined, "after an await: undefined, not another run's trace");
    }
    assert.equal(context.get(), undefined);
  });

  it("synchronous context: nested runs restore the outer one, also when the inner one throws", () => {
    const context = synchronousContext();
    const outer = new TraceContext();
    const inner = new TraceContext();
    context.run(outer, () => {
      assert.throws(() => context.run(inner, () => {
        assert.equal(context.get(), inner);
        throw new Error("inner");
      }));
      assert.equal(context.get(), outer);
      context.run(undefined, () => assert.equal(context.get(), undefined));
      assert.equal(context.get(), outer);
    });
  });

  it("uses AsyncContext.Variable where the runtime has one, and only then", () => {
    assert.equal(asyncContextVariable({}), undefined);
    assert.equal(asyncContextVariable({ AsyncContext: {} }), undefined);
    const made: string[] = [];
    class Variable<T> {
      private value: T | undefined;
      constructor() {
        made.push("variable");
      }
      get(): T | undefined {
        return this.value;
      }
      run<R>(value: T, fn: () => R): R {
        const previous = this.value;
        this.value = value;
        try {
          return fn();
        } finally {
          this.value = previous;
        }
      }
    }
    const storage = asyncContextVariable({ AsyncContext: { Variable } });
    assert.ok(storage);
    assert.deepEqual(made, ["variable"]);
    const trace = new TraceContext();
    assert.equal(storage.run(trace, () => storage.get()), trace);
  });
});

describe("tracer in the browser: preparing without the schema library", () => {
  it("sanitizes the run (redacts, cuts) and applies the tool calls' defaults", () => {
    const trace = finishedRun("error");
    const prepared = prepareTrace(trace.toTraceInput());
    assert.ok(prepared.ok);
    assert.equal(prepared.trace.tool_traces[0]!.input.api_key, "[REDACTED]");
    assert.equal(prepared.trace.status, "error");
    assert.equal(prepared.trace.metadata.error, "boom");
  });

  it("names a tool call that is not one, so that nothing malformed is sent", () => {
    const input = finishedRun("success").toTraceInput();
    input.tool_traces = [...(input.tool_traces ?? []), { name: "", duration_ms: 1, timestamp: new Date().toISOString() }];
    const prepared = prepareTrace(input);
    assert.deepEqual(prepared.ok ? [] : prepared.fields, ["tool_traces[1]"]);
  });

  it("checks a tool call's wire types and fills its defaults", () => {
    const timestamp = new Date().toISOString();
    assert.deepEqual(parseToolTrace({ name: "t", duration_ms: 0, timestamp }), { name: "t", input: {}, output: "", duration_ms: 0, is_error: false, timestamp });
    for (const bad of [
      { name: "t", duration_ms: -1, timestamp },
      { name: "t", duration_ms: 1.5, timestamp },
      { name: "t", duration_ms: 1, timestamp: "yesterday" },
      { name: "t", duration_ms: 1, timestamp, output: 3 },
      { name: "t", duration_ms: 1, timestamp, input: { "": 1 } },
      { name: "t", duration_ms: 1, timestamp, extra: true },
    ]) {
      assert.equal(parseToolTrace(bad as never), undefined, JSON.stringify(bad));
    }
  });
});

describe("tracer in the browser: the persisted queue (localStorage)", () => {
  it("keeps each unanswered run, sanitized, until the server answers it", async () => {
    const storage = new MemoryStorage();
    const exporter = new HeldExporter();
    const processor = processorWith(localStorageTraceStore("demo", storage), exporter);
    const failed = finishedRun("error");
    processor.onEnd(failed.toTraceInput(), noCallbacks);
    await sleep(5);
    const [key] = [...Array(storage.length).keys()].map((index) => storage.key(index)!);
    assert.match(key!, /^agent-traces:demo:/);
    const persisted = JSON.parse(storage.getItem(key!)!) as SanitizedTrace[];
    assert.deepEqual(persisted.map((trace) => trace.trace_id), [failed.traceId]);
    assert.equal(persisted[0]!.tool_traces[0]!.input.api_key, "[REDACTED]", "only the sanitized run is written");

    processor.onPageExit();
    await sleep(5);
    assert.deepEqual(exporter.sent.map((trace) => trace.trace_id), [failed.traceId], "sent at once when the page goes");
    assert.ok(storage.getItem(key!), "still kept while the call is under way");
    exporter.release();
    await processor.flush();
    await sleep(5);
    assert.equal(storage.length, 0, "answered: nothing left");
  });

  it("hands a closed page's runs to the next page's tracer, which sends them, failures first", async () => {
    const storage = new MemoryStorage();
    const firstStore = localStorageTraceStore("demo", storage)!;
    const first = processorWith(firstStore, new HeldExporter());
    const runs = [finishedRun("success"), finishedRun("error"), finishedRun("success")];
    for (const run of runs) first.onEnd(run.toTraceInput(), noCallbacks);
    first.onPageExit(); // persisted and sent, never answered: the page went away meanwhile
    firstStore.close(); // what the page's end does to its registry of open stores; the saved runs stay
    // A new page's tracer adopts what the gone page left.
    const exporter = new HeldExporter();
    const answered: string[] = [];
    const second = processorWith(localStorageTraceStore("demo", storage), exporter);
    const adopted = second.resumePersisted({ onError: noCallbacks.onError, onSent: (result) => answered.push(result.trace_id) });
    assert.equal(adopted, 3);
    await sleep(5);
    assert.deepEqual(exporter.sent.map((trace) => trace.trace_id), [runs[1]!.traceId, runs[0]!.traceId, runs[2]!.traceId]);
    exporter.release();
    await second.flush();
    assert.deepEqual(answered.sort(), runs.map((run) => run.traceId).sort());
    await sleep(5);
    assert.equal(storage.length, 0, "the gone page's key was taken, and the runs were answered");
    assert.equal(second.resumePersisted(noCallbacks), 0, "nothing is adopted twice");
  });

  it("a tracer of the same page never adopts the runs another one is still sending", async () => {
    const storage = new MemoryStorage();
    const sending = processorWith(localStorageTraceStore("demo", storage), new HeldExporter());
    sending.onEnd(finishedRun("error").toTraceInput(), noCallbacks);
    sending.onPageExit();
    assert.equal(processorWith(localStorageTraceStore("demo", storage), new HeldExporter()).resumePersisted(noCallbacks), 0);
    assert.equal(processorWith(localStorageTraceStore("other-project", storage), new HeldExporter()).resumePersisted(noCallbacks), 0, "another project's runs are not taken");
  });

  it("is bounded: at most the limit, failures kept first, and it gives way to the origin's quota", async () => {
    const storage = new MemoryStorage();
    const store = localStorageTraceStore("demo", storage)!;
    const texts = Array.from({ length: PERSIST_LIMITS.traces + 20 }, (_, index) => JSON.stringify({ trace_id: String(index) }));
    store.save(texts);
    const saved = JSON.parse(storage.getItem(storage.key(0)!)!) as { trace_id: string }[];
    assert.equal(saved.length, PERSIST_LIMITS.traces);
    assert.equal(saved[0]!.trace_id, "0", "the first (most important) runs are the ones kept");

    const small = new MemoryStorage(2_000);
    const tight = localStorageTraceStore("demo", small)!;
    tight.save(Array.from({ length: 40 }, (_, index) => JSON.stringify({ trace_id: String(index), pad: "x".repeat(80) })));
    const kept = JSON.parse(small.getItem(small.key(0)!)!) as unknown[];
    assert.ok(kept.length > 0 && kept.length < 40, `kept ${kept.length} within the quota`);

    const none = new MemoryStorage(10);
    assert.doesNotThrow(() => localStorageTraceStore("demo", none)!.save(texts), "a full storage is not the agent's problem");
    assert.equal(none.length, 0);
  });

  it("ignores what it cannot read back", () => {
    const storage = new MemoryStorage();
    storage.setItem("agent-traces:demo:gone1", "{not json");
    storage.setItem("agent-traces:demo:gone2", JSON.stringify([{ trace_id: "a".repeat(32) }, 42, null]));
    storage.setItem("unrelated", "keep");
    const adopted = localStorageTraceStore("demo", storage)!.adopt();
    assert.deepEqual(adopted.map((trace) => trace.trace_id), ["a".repeat(32)]);
    assert.deepEqual([storage.key(0)], ["unrelated"]);
  });
});
