import { strict as assert } from "node:assert";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { setTimeout as sleep } from "node:timers/promises";
import { TraceIdRatioBasedSampler } from "@agent-traces/core";
import { TRACES_COLLECTION } from "@agent-traces/admin";
import { createTracer, TraceDroppedError, type TraceSendError } from "@agent-traces/tracer";
import { adminFirestore, clearFirestore, clientSession, functionsOrigin } from "../support/emulators.js";
import { recordingExporter, tcpProxy, type Attempt, type TcpProxy } from "./support/faults.js";
import { withoutFunctionLogs } from "./support/quietLogs.js";

/**
 * The batching tracer against the real functions emulator: a burst of 500 concurrent runs, an
 * endpoint that goes away for 20 s in the middle of a stream of failing runs, a run of 100,000
 * tool calls, and a full queue. Failed runs are never lost, and nothing is lost silently.
 */
const SERVER_RATE = 0.1;

async function storedIds(ids: readonly string[]): Promise<Set<string>> {
  const collection = adminFirestore().collection(TRACES_COLLECTION);
  const stored = new Set<string>();
  for (let start = 0; start < ids.length; start += 100) {
    const snapshots = await adminFirestore().getAll(...ids.slice(start, start + 100).map((id) => collection.doc(id)));
    for (const snapshot of snapshots) if (snapshot.exists) stored.add(snapshot.id);
  }
  return stored;
}

describe("the batching tracer against the functions emulator", () => {
  before(() => clearFirestore());

  it("a burst of 500 concurrent runs, a third failing: every failure and every sampled success stored, one call per 10+ stored traces", async function () {
    this.timeout(120_000);
    const session = await clientSession();
    const errors: TraceSendError[] = [];
    const tracer = createTracer({ functions: session.functions, onError: (error) => errors.push(error) });
    try {
      const runs: { id: string; failed: boolean }[] = [];
      await withoutFunctionLogs(async () => {
        const outcomes = await Promise.allSettled(
          Array.from({ length: 500 }, (_, index) =>
            tracer.withTrace({ userId: `burst-${index % 7}`, skill: "burst" }, async (trace) => {
              runs.push({ id: trace.traceId, failed: index % 3 === 0 });
              await trace.tool("lookup", { index }, () => index);
              if (index % 3 === 0) throw new Error(`run ${index} failed`);
              return index;
            }),
          ),
        );
        assert.equal(outcomes.filter((outcome) => outcome.status === "rejected").length, 167, "each agent gets its own outcome");
        await tracer.flush();
      });
      const sampler = new TraceIdRatioBasedSampler(SERVER_RATE);
      const due = runs.filter((run) => run.failed || sampler.shouldSample(run.id)).map((run) => run.id);
      const stored = await storedIds(runs.map((run) => run.id));
      assert.deepEqual(errors.map((error) => error.message), []);
      assert.deepEqual([...stored].sort(), [...due].sort(), "stored: exactly the failures and the sampled successes");
      assert.equal(runs.filter((run) => run.failed && stored.has(run.id)).length, 167);
      const { exportCalls } = tracer.stats;
      assert.ok(exportCalls * 10 <= stored.size, `${exportCalls} recordTrace calls for ${stored.size} stored traces`);
      console.log(`      500 runs: ${stored.size} stored in ${exportCalls} calls`);
    } finally {
      await tracer.shutdown();
      await session.close();
    }
  });

  it("the endpoint unreachable for 20 s in the middle of a stream of failing runs: every run is stored once it is back", async function () {
    this.timeout(180_000);
    const proxy: TcpProxy = await tcpProxy({ host: "127.0.0.1", port: Number(functionsOrigin().port) });
    const session = await clientSession({ functionsPort: proxy.port });
    const errors: TraceSendError[] = [];
    const attempts: Attempt[] = [];
    // The default tracer's settings, with each call's outcome recorded.
    const tracer = createTracer({ exporter: recordingExporter(session.functions, attempts), onError: (error) => errors.push(error) });
    const ids: string[] = [];
    try {
      await withoutFunctionLogs(async () => {
        const stream = async (seconds: number) => {
          for (const end = performance.now() + seconds * 1000; performance.now() < end; await sleep(250)) {
            await tracer.withTrace({ skill: "outage" }, (trace) => {
              ids.push(trace.traceId);
              trace.setStatus(ids.length % 2 ? "error" : "timeout");
            });
          }
        };
        await stream(3);
        proxy.mode = "reset";
        await stream(20);
        proxy.mode = "forward";
        await stream(3);
        await tracer.flush();
      });
      assert.ok(proxy.connections > 0);
      assert.deepEqual(errors.map((error) => error.message), []);
      const stored = await storedIds(ids);
      assert.equal(stored.size, ids.length, `${ids.length - stored.size} of ${ids.length} failed runs not stored`);
      assert.ok(attempts.some((attempt) => attempt.outcome !== "ok"), "calls failed during the outage");
      assert.ok(attempts.filter((attempt) => attempt.outcome !== "ok").every((attempt) => ids.includes(attempt.traceId)));
      console.log(`      ${ids.length} failed runs, ${tracer.stats.exportCalls} calls (retries included), all stored`);
    } finally {
      await tracer.shutdown();
      await session.close();
      await proxy.close();
    }
  });

  it("a run of 100,000 tool calls grows the heap by a few MB, and its stored trace counts what was dropped", async function () {
    this.timeout(120_000);
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const session = await clientSession();
    const tracer = createTracer({ functions: session.functions });
    let traceId = "";
    let growth = 0;
    try {
      await tracer.withTrace({ skill: "long-loop" }, async (trace) => {
        traceId = trace.traceId;
        gc();
        const before = process.memoryUsage().heapUsed;
        for (let index = 0; index < 100_000; index++) {
          await trace.tool(index % 1000 === 0 ? "failing_step" : "step", { index, query: `question ${index}` }, () => {
            if (index % 1000 === 0) throw new Error(`step ${index} failed`);
            return `answer ${index}`;
          }).catch(() => undefined);
        }
        gc();
        growth = process.memoryUsage().heapUsed - before;
        trace.setStatus("error");
      });
      await withoutFunctionLogs(() => tracer.flush());
    } finally {
      await tracer.shutdown();
      await session.close();
    }
    assert.ok(growth < 8 * 2 ** 20, `the heap grew by ${(growth / 2 ** 20).toFixed(1)} MB`);
    const stored = await adminFirestore().collection(TRACES_COLLECTION).doc(traceId).get();
    assert.equal(stored.get("tool_traces").length, 100);
    assert.equal(stored.get("tool_traces_dropped"), 99_900);
    assert.ok((stored.get("tool_traces") as { name: string }[]).every((tool) => tool.name === "failing_step"), "the failed calls are the ones kept");
    console.log(`      heap growth over 100,000 tool calls: ${(growth / 2 ** 20).toFixed(2)} MB`);
  });

  it("a serverless handler that awaits flush() before it returns has its run stored by then", async function () {
    this.timeout(60_000);
    const session = await clientSession();
    // One tracer per instance, as a Cloud Function would hold it; long delay, so only flush() sends.
    const tracer = createTracer({ functions: session.functions, scheduledDelayMs: 60_000 });
    const handler = async (question: string) => {
      let traceId = "";
      const answer = await tracer
        .withTrace({ skill: "serverless" }, async (trace) => {
          traceId = trace.traceId;
          await trace.tool("lookup", { question }, () => "nothing found");
          throw new Error("no answer");
        })
        .catch((error: Error) => error.message);
      await tracer.flush();
      return { answer, traceId };
    };
    try {
      const { answer, traceId } = await withoutFunctionLogs(() => handler("why"));
      assert.equal(answer, "no answer");
      assert.ok((await adminFirestore().collection(TRACES_COLLECTION).doc(traceId).get()).exists, "stored before the handler returned");
    } finally {
      await tracer.shutdown();
      await session.close();
    }
  });

  it("a full queue drops successes first, and reports and counts every drop", async function () {
    this.timeout(60_000);
    const session = await clientSession();
    const reported: TraceSendError[] = [];
    const tracer = createTracer({ functions: session.functions, sampleRate: 1, maxQueueSize: 20, maxBatchSize: 100, scheduledDelayMs: 60_000, onError: (error) => reported.push(error) });
    const failures: string[] = [];
    try {
      for (let index = 0; index < 10; index++) await tracer.withTrace({ skill: "full" }, () => "ok");
      for (let index = 0; index < 20; index++) {
        await tracer.withTrace({ skill: "full" }, (trace) => {
          failures.push(trace.traceId);
          trace.setStatus("error");
        });
      }
      assert.deepEqual(tracer.stats.dropped, { failures: 0, successes: 10 }, "the failures took the successes' places");
      await tracer.withTrace({ skill: "full" }, (trace) => trace.setStatus("timeout"));
      assert.deepEqual(tracer.stats.dropped, { failures: 1, successes: 10 });
      assert.equal(reported.length, 11);
      assert.ok(reported.every((error) => error.cause instanceof TraceDroppedError));
      await withoutFunctionLogs(() => tracer.flush());
      assert.equal((await storedIds(failures)).size, 20);
    } finally {
      await tracer.shutdown();
      await session.close();
    }
  });
});
