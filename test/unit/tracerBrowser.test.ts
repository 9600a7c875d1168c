import { strict as assert } from "node:assert";
import { setTimeout as sleep } from "node:timers/promises";
import { FunctionsError } from "firebase/functions";
import { DEFAULT_KEEP_RULES, randomTraceId, TraceIdRatioBasedSampler, type RecordTraceBatchItemResult, type RecordTraceResult, type SanitizedTrace } from "@agent-traces/core";
import { DEFAULT_BATCH_OPTIONS, DEFAULT_RETRY, TraceContext, type RetryOptions, type TraceDroppedError, type TraceExporter, type TraceSendError } from "@agent-traces/tracer";
import { asyncContextVariable } from "../../packages/tracer/src/context/asyncContextVariable.js";
import { synchronousContext } from "../../packages/tracer/src/context/synchronousContext.js";
import { BatchTraceProcessor } from "../../packages/tracer/src/export/BatchTraceProcessor.js";
import { RetryingExport } from "../../packages/tracer/src/export/RetryingExport.js";
import { localStorageTraceStore, PERSIST_LIMITS } from "../../packages/tracer/src/persist/localStorageTraceStore.js";
import { PersistedQueue } from "../../packages/tracer/src/persist/PersistedQueue.js";
import { parseToolTrace, prepareTrace } from "../../packages/tracer/src/prepare/shapeCheckingPrepare.js";
import { FakeCaller } from "../support/fakeCaller.js";

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

/** Answers each batch when `release()` is called (all at once), recording what it was sent; optionally as a caller that signs in and out. */
class HeldExporter implements TraceExporter {
  readonly sent: SanitizedTrace[] = [];
  private waiting: (() => void)[] = [];
  constructor(readonly caller?: FakeCaller) {}
  async export(traces: readonly SanitizedTrace[]): Promise<RecordTraceBatchItemResult[]> {
    this.sent.push(...traces.map((trace) => ({ ...trace, sent_as: this.caller?.current() }) as SanitizedTrace));
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    return traces.map((trace) => ({ trace_id: trace.trace_id, stored: true, reason: trace.status === "success" ? "sampled" : trace.status }));
  }
  release(): void {
    for (const resolve of this.waiting.splice(0)) resolve();
  }
}

/** What a test's runs were told: every onError and onSent, to assert on. */
function callbacks() {
  const errors: TraceSendError[] = [];
  const sent: RecordTraceResult[] = [];
  return { errors, sent, onError: (error: TraceSendError) => void errors.push(error), onSent: (result: RecordTraceResult) => void sent.push(result) };
}

/** A processor with the browser's persisted queue in `storage`, as createTracer wires it. */
function processorWith(storage: Storage, exporter: HeldExporter | TraceExporter, options: { scheduledDelayMs?: number; namespace?: string; told?: ReturnType<typeof callbacks>; retry?: Partial<RetryOptions> } = {}) {
  const retry = { ...DEFAULT_RETRY, attempts: 1, ...options.retry };
  const told = options.told ?? callbacks();
  const processor = new BatchTraceProcessor({
    exporter: new RetryingExport(exporter, { sampleRate: 1, keepRules: DEFAULT_KEEP_RULES }, retry, DEFAULT_BATCH_OPTIONS.exportTimeoutMs),
    sampler: new TraceIdRatioBasedSampler(1),
    batch: { ...DEFAULT_BATCH_OPTIONS, scheduledDelayMs: options.scheduledDelayMs ?? 60_000 },
    caller: exporter.caller,
  });
  const store = localStorageTraceStore(options.namespace ?? "demo", storage)!;
  const persisted = new PersistedQueue(store, processor, told, exporter.caller !== undefined);
  processor.observe(persisted);
  return { processor, store, persisted, told };
}

function finishedRun(status: "success" | "error", secret = "sk-proj-" + "Ab3".repeat(12)) {
  const trace = new TraceContext({ skill: "browse" });
  trace.addToolTrace({ name: "fetch", input: { api_key: secret }, output: "ok", duration_ms: 3, timestamp: new Date().toISOString() });
  trace.end(status === "error" ? { threw: true, error: new Error("boom") } : { threw: false });
  return trace;
}

/** The tracer's localStorage entries, key → the trace ids saved under it. */
function persisted(storage: Storage): Record<string, string[]> {
  const entries: Record<string, string[]> = {};
  for (let index = 0; index < storage.length; index++) {
    const key = storage.key(index)!;
    if (key.startsWith("agent-traces:")) entries[key] = (JSON.parse(storage.getItem(key)!) as SanitizedTrace[]).map((trace) => trace.trace_id);
  }
  return entries;
}

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

  it("repairs a tool call that is not one, counted, so that nothing malformed is sent and nothing refused", () => {
    const input = finishedRun("success").toTraceInput();
    input.tool_traces = [...(input.tool_traces ?? []), { name: "", duration_ms: 1, timestamp: new Date().toISOString() }];
    const prepared = prepareTrace(input);
    assert.ok(prepared.ok);
    assert.equal(prepared.trace.tool_traces[1]!.name, "(unnamed tool)");
    assert.equal(prepared.trace.values_repaired, 1);
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
    const { processor, told } = processorWith(storage, exporter);
    const failed = finishedRun("error");
    processor.onEnd(failed.toTraceInput(), told);
    await sleep(5);
    const [key] = Object.keys(persisted(storage));
    assert.match(key!, /^agent-traces:demo::/, "no user known (an exporter without a caller): the owner part is empty");
    const saved = JSON.parse(storage.getItem(key!)!) as SanitizedTrace[];
    assert.deepEqual(saved.map((trace) => trace.trace_id), [failed.traceId]);
    assert.equal(saved[0]!.tool_traces[0]!.input.api_key, "[REDACTED]", "only the sanitized run is written");

    processor.onPageExit();
    await sleep(5);
    assert.deepEqual(exporter.sent.map((trace) => trace.trace_id), [failed.traceId], "sent at once when the page goes");
    assert.ok(storage.getItem(key!), "still kept while the call is under way");
    exporter.release();
    await processor.flush();
    await sleep(5);
    assert.equal(storage.length, 0, "answered: nothing left");
    assert.deepEqual(told.errors, []);
    assert.equal(told.sent.length, 1);
  });

  it("hands a closed page's runs to the next page's tracer, which sends them, failures first", async () => {
    const storage = new MemoryStorage();
    const first = processorWith(storage, new HeldExporter());
    const runs = [finishedRun("success"), finishedRun("error"), finishedRun("success")];
    for (const run of runs) first.processor.onEnd(run.toTraceInput(), first.told);
    first.processor.onPageExit(); // persisted and sent, never answered: the page went away meanwhile
    first.store.close(); // what the page's end does to its registry of open stores; the saved runs stay
    // A new page's tracer adopts what the gone page left.
    const exporter = new HeldExporter();
    const second = processorWith(storage, exporter);
    assert.equal(second.processor.stats.queued, 3, "adopted at once (no caller: no user to wait for)");
    await sleep(5);
    assert.deepEqual(exporter.sent.map((trace) => trace.trace_id), [runs[1]!.traceId, runs[0]!.traceId, runs[2]!.traceId]);
    exporter.release();
    await second.processor.flush();
    assert.deepEqual(second.told.sent.map((result) => result.trace_id).sort(), runs.map((run) => run.traceId).sort());
    await sleep(5);
    assert.equal(storage.length, 0, "the gone page's key was taken, and the runs were answered");
    assert.deepEqual(second.store.adopt(null, false), { adopted: [], removed: [] }, "nothing is adopted twice");
    assert.deepEqual([...first.told.errors, ...second.told.errors], []);
  });

  it("a tracer of the same page never adopts the runs another one is still sending", () => {
    const storage = new MemoryStorage();
    const sending = processorWith(storage, new HeldExporter());
    sending.processor.onEnd(finishedRun("error").toTraceInput(), sending.told);
    sending.processor.onPageExit();
    assert.equal(processorWith(storage, new HeldExporter()).processor.stats.queued, 0);
    assert.equal(processorWith(storage, new HeldExporter(), { namespace: "other-project" }).processor.stats.queued, 0, "another project's runs are not taken");
    assert.deepEqual(sending.told.errors, []);
  });

  it("keeps a run whose retries ran out while the page stays open, for a later page (reported, not removed)", async () => {
    const storage = new MemoryStorage();
    const offline: TraceExporter = {
      export: async () => {
        throw new FunctionsError("unavailable", "offline");
      },
    };
    const page = processorWith(storage, offline, { scheduledDelayMs: 0, retry: { attempts: 3, initialDelayMs: 1, maxDelayMs: 2 } });
    const failed = finishedRun("error");
    page.processor.onEnd(failed.toTraceInput(), page.told);
    assert.equal(await page.processor.flush(5_000), true);
    assert.equal(page.told.errors.length, 1, "reported through onError");
    assert.equal(page.told.errors[0]!.attempts, 3);
    await sleep(5);
    assert.deepEqual(Object.values(persisted(storage)), [[failed.traceId]], "still in localStorage");
    page.processor.onPageExit();
    assert.deepEqual(Object.values(persisted(storage)), [[failed.traceId]], "and after pagehide");
    page.store.close();

    const exporter = new HeldExporter();
    const next = processorWith(storage, exporter);
    await sleep(5);
    assert.deepEqual(exporter.sent.map((trace) => trace.trace_id), [failed.traceId], "sent on the next load");
    exporter.release();
    await next.processor.flush();
    assert.deepEqual(next.told.sent.map((result) => result.trace_id), [failed.traceId]);
    assert.deepEqual(next.told.errors, []);
  });

  it("a run the server refused for good is not kept", async () => {
    const storage = new MemoryStorage();
    const refusing: TraceExporter = {
      export: async () => {
        throw new FunctionsError("permission-denied", "no");
      },
    };
    const page = processorWith(storage, refusing, { scheduledDelayMs: 0 });
    page.processor.onEnd(finishedRun("error").toTraceInput(), page.told);
    await page.processor.flush(5_000);
    await sleep(5);
    assert.equal(page.told.errors.length, 1);
    assert.equal(storage.length, 0);
  });

  it("the pagehide save serializes only what it writes: at most 100 of 2,048 queued runs", () => {
    const storage = new MemoryStorage();
    const { processor, told } = processorWith(storage, new HeldExporter(), { scheduledDelayMs: 60_000 });
    const input = finishedRun("success").toTraceInput();
    const stringify = JSON.stringify;
    let serialized = 0;
    JSON.stringify = ((value: unknown, ...rest: never[]) => {
      if (typeof value === "object" && value !== null && "trace_id" in value) serialized++;
      return stringify(value, ...rest);
    }) as typeof JSON.stringify;
    try {
      for (let index = 0; index < 2_048; index++) processor.onEnd({ ...input, trace_id: randomTraceId() }, told);
      assert.equal(processor.stats.waiting, 2_048 - DEFAULT_BATCH_OPTIONS.maxBatchSize * DEFAULT_BATCH_OPTIONS.maxConcurrentExports, "queued (two full batches went out)");
      // The runs of the batches that went out were sized for their call (core's traceCallBytes): count the save's own.
      serialized = 0;
      processor.onPageExit();
    } finally {
      JSON.stringify = stringify;
    }
    assert.ok(serialized <= PERSIST_LIMITS.traces, `${serialized} runs serialized`);
    assert.equal(Object.values(persisted(storage))[0]!.length, PERSIST_LIMITS.traces);
    assert.deepEqual(told.errors, []);
  });

  it("is bounded: at most the limit, failures kept first, and it gives way to the origin's quota", () => {
    const storage = new MemoryStorage();
    const store = localStorageTraceStore("demo", storage)!;
    const texts = Array.from({ length: PERSIST_LIMITS.traces + 20 }, (_, index) => JSON.stringify({ trace_id: String(index) }));
    let read = 0;
    store.save("uid-1", (function* () {
      for (const text of texts) {
        read++;
        yield text;
      }
    })());
    const saved = JSON.parse(storage.getItem(storage.key(0)!)!) as { trace_id: string }[];
    assert.equal(saved.length, PERSIST_LIMITS.traces);
    assert.equal(read, PERSIST_LIMITS.traces, "read no further than it writes");
    assert.equal(saved[0]!.trace_id, "0", "the first (most important) runs are the ones kept");

    const small = new MemoryStorage(2_000);
    const tight = localStorageTraceStore("demo", small)!;
    tight.save(null, Array.from({ length: 40 }, (_, index) => JSON.stringify({ trace_id: String(index), pad: "x".repeat(80) })));
    const kept = JSON.parse(small.getItem(small.key(0)!)!) as unknown[];
    assert.ok(kept.length > 0 && kept.length < 40, `kept ${kept.length} within the quota`);

    const none = new MemoryStorage(10);
    assert.doesNotThrow(() => localStorageTraceStore("demo", none)!.save(null, texts), "a full storage is not the agent's problem");
    assert.equal(none.length, 0);
  });

  it("ignores what it cannot read back", () => {
    const storage = new MemoryStorage();
    storage.setItem("agent-traces:demo:gone1", "{not json");
    storage.setItem("agent-traces:demo:gone2", JSON.stringify([{ trace_id: "a".repeat(32) }, 42, null]));
    storage.setItem("unrelated", "keep");
    const { adopted } = localStorageTraceStore("demo", storage)!.adopt(null, true);
    assert.deepEqual(adopted.map((trace) => trace.trace_id), ["a".repeat(32)]);
    assert.deepEqual([storage.key(0)], ["unrelated"]);
  });
});

describe("tracer in the browser: the queue belongs to its user", () => {
  it("keys the persisted runs by the signed-in uid", async () => {
    const storage = new MemoryStorage();
    const { processor, told } = processorWith(storage, new HeldExporter(new FakeCaller("user:a/1")));
    processor.onEnd(finishedRun("error").toTraceInput(), told);
    processor.onPageExit();
    assert.match(Object.keys(persisted(storage))[0]!, /^agent-traces:demo:user%3Aa%2F1:[0-9a-z]+$/);
  });

  it("on sign-out, and when another user signs in, drops the previous user's runs from memory and storage, each reported signed_out, never sent as the next user", async () => {
    const storage = new MemoryStorage();
    const caller = new FakeCaller("alice");
    const exporter = new HeldExporter(caller);
    const { processor, told } = processorWith(storage, exporter, { scheduledDelayMs: 60_000 });
    const queued = finishedRun("error");
    const sending = finishedRun("error");
    processor.onEnd(sending.toTraceInput(), told);
    processor.onPageExit(); // sending's call is under way as alice
    processor.onEnd(queued.toTraceInput(), told); // waits for its batch
    await sleep(5);
    assert.deepEqual(Object.values(persisted(storage)), [[sending.traceId, queued.traceId]]);

    caller.signIn(null);
    assert.deepEqual(persisted(storage), {}, "alice's runs are gone from localStorage at once");
    assert.deepEqual(told.errors.map((error) => [error.traceId, (error.cause as TraceDroppedError).reason]), [[queued.traceId, "signed_out"]], "the queued run is dropped at once");
    caller.signIn("bob");
    const bobs = finishedRun("error");
    processor.onEnd(bobs.toTraceInput(), told);
    processor.onPageExit();
    exporter.release();
    assert.equal(await processor.flush(5_000), true);
    assert.deepEqual(exporter.sent.map((trace) => [trace.trace_id, (trace as unknown as { sent_as: string }).sent_as]), [[sending.traceId, "alice"], [bobs.traceId, "bob"]], "nothing of alice's is sent as bob");
    assert.deepEqual(told.sent.map((result) => result.trace_id), [sending.traceId, bobs.traceId], "the call made as alice is answered");
    assert.deepEqual(processor.stats.dropped, { failures: 1, successes: 0 });
  });

  it("a run of the previous user whose call fails is not retried as the next user", async () => {
    const storage = new MemoryStorage();
    const caller = new FakeCaller("alice");
    const sentAs: (string | null | undefined)[] = [];
    let fail!: () => void;
    const exporter: TraceExporter = {
      caller,
      export: async (traces) => {
        sentAs.push(caller.current());
        if (sentAs.length === 1) await new Promise<void>((resolve) => (fail = resolve));
        if (sentAs.length === 1) throw new FunctionsError("unavailable", "offline");
        return traces.map((trace) => ({ trace_id: trace.trace_id, stored: true, reason: "error" }));
      },
    };
    const { processor, told } = processorWith(storage, exporter, { scheduledDelayMs: 0, retry: { attempts: 3, initialDelayMs: 1, maxDelayMs: 1 } });
    processor.onEnd(finishedRun("error").toTraceInput(), told);
    await sleep(5);
    caller.signIn("bob");
    fail();
    assert.equal(await processor.flush(5_000), true);
    assert.deepEqual(sentAs, ["alice"]);
    assert.equal(told.errors.length, 1);
    assert.equal((told.errors[0]!.cause as TraceDroppedError).reason, "signed_out");
    assert.equal(storage.length, 0);
  });

  it("on load, waits for Auth's state, adopts only the signed-in user's runs (and those of no user), removes other users'", async () => {
    const storage = new MemoryStorage();
    // What closed pages of alice and bob left (written as their tracers write it).
    const left = (uid: string, run: TraceContext) => {
      const store = localStorageTraceStore("demo", storage)!;
      const prepared = prepareTrace(run.toTraceInput());
      assert.ok(prepared.ok);
      store.save(uid, [JSON.stringify(prepared.trace)]);
      store.close();
    };
    const alices = finishedRun("error");
    const bobs = finishedRun("error");
    left("alice", alices);
    left("bob", bobs);
    const caller = new FakeCaller(); // Auth has not restored its state yet
    const exporter = new HeldExporter(caller);
    const { processor, told } = processorWith(storage, exporter);
    const early = finishedRun("error");
    processor.onEnd(early.toTraceInput(), told); // recorded before Auth restored its user: that user's
    assert.equal(processor.stats.queued, 1, "nothing adopted before the user is known");
    assert.equal(Object.keys(persisted(storage)).length, 2);
    caller.signIn("bob");
    assert.equal(processor.stats.queued, 2, "bob's run adopted");
    assert.deepEqual(told.errors.map((error) => [error.traceId, (error.cause as TraceDroppedError).reason]), [[alices.traceId, "signed_out"]], "alice's run removed and reported");
    processor.onPageExit();
    assert.deepEqual(Object.values(persisted(storage)), [[early.traceId, bobs.traceId]], "only bob's runs left, under his key");
    await sleep(5);
    exporter.release();
    assert.equal(await processor.flush(5_000), true);
    assert.deepEqual(exporter.sent.map((trace) => (trace as unknown as { sent_as: string }).sent_as), ["bob", "bob"]);
    assert.deepEqual(processor.stats.dropped, { failures: 1, successes: 0 });
  });
});
