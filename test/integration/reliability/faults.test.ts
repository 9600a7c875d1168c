import { strict as assert } from "node:assert";
import { setTimeout as sleep } from "node:timers/promises";
import { FirebaseError } from "firebase/app";
import { httpsCallable } from "firebase/functions";
import { HttpsError } from "firebase-functions/v2/https";
import { TRACES_COLLECTION } from "@agent-traces/admin";
import { flush, isRetryableError, withTrace, type RecordTraceResult, type RetryOptions, type TraceSendError } from "@agent-traces/tracer";
import type { RecordTraceConfig } from "../../../functions/src/config.js";
import { handleRecordTrace } from "../../../functions/src/recordTrace/recordTraceHandler.js";
import { adminFirestore, clearFirestore, clientSession, functionsOrigin, type ClientSession } from "../support/emulators.js";
import { aTrace } from "../support/traces.js";
import {
  abortStalledFetches,
  eventually,
  firestoreAt,
  firestoreEndpoint,
  recordingExporter,
  stackControlUrl,
  switchFirestore,
  tcpProxy,
  unusedPort,
  within,
  type Attempt,
} from "./support/faults.js";
import { withoutFunctionLogs } from "./support/quietLogs.js";

/**
 * Faults injected around recordTrace: a slow Firestore, an unreachable Firestore, a functions
 * endpoint that is down (or down, then up), and the Firestore emulator stopped and restarted in
 * the middle of a run of traced agents. Callers are told to retry (`unavailable`, never `internal`),
 * the tracer's retries deliver what an outage shorter than their window delayed, what they cannot
 * deliver is reported through onError with the trace id, and the agent never sees any of it.
 */
const config: RecordTraceConfig = { sampleRate: 1, ttlDays: 7, errorTtlDays: 7, enforceAppCheck: false, rateLimitPerMinute: 0, captureContent: true };
const caller = { uid: "faults", token: {} as never, rawToken: "" };

async function storedExists(traceId: string): Promise<boolean> {
  return (await adminFirestore().collection(TRACES_COLLECTION).doc(traceId).get()).exists;
}

describe("faults around recordTrace", () => {
  before(() => clearFirestore());

  describe("a slow Firestore (a TCP proxy adding latency in front of the emulator)", () => {
    const DELAY_MS = 100;

    it("calls still succeed, only slower", async function () {
      this.timeout(60_000);
      const proxy = await tcpProxy(firestoreEndpoint(), { delayMs: DELAY_MS });
      const slow = firestoreAt("slow-firestore", `127.0.0.1:${proxy.port}`);
      try {
        const timed = async (db: typeof slow.db) => {
          const trace = aTrace({ status: "error" });
          const start = performance.now();
          const result = await handleRecordTrace({ auth: caller, data: trace }, { db, config });
          const elapsed = performance.now() - start;
          assert.deepEqual(result, { trace_id: trace.trace_id, stored: true, reason: "error" });
          assert.ok(await storedExists(trace.trace_id), "stored in the emulator behind the proxy");
          return elapsed;
        };
        await withoutFunctionLogs(async () => {
          const direct: number[] = [];
          const slowed: number[] = [];
          await timed(slow.db); // connects
          for (let index = 0; index < 8; index++) {
            direct.push(await timed(adminFirestore()));
            slowed.push(await timed(slow.db));
          }
          // A write is a request and a response, each held DELAY_MS by the proxy.
          assert.ok(Math.min(...slowed) >= 2 * DELAY_MS - 5, `slowed: ${slowed.map(Math.round).join(", ")} ms`);
          const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
          assert.ok(median(slowed) > median(direct) + DELAY_MS, `direct ${median(direct)} ms, through the proxy ${median(slowed)} ms`);
          // Concurrent calls through the slow path all succeed too.
          const traces = Array.from({ length: 20 }, () => aTrace({ status: "timeout" }));
          const results = (await Promise.all(traces.map((trace) => handleRecordTrace({ auth: caller, data: trace }, { db: slow.db, config })))) as RecordTraceResult[];
          assert.ok(results.every((result) => result.stored && result.reason === "timeout"));
        });
        assert.ok(proxy.connections >= 1 && proxy.bytes > 0, "the writes went through the proxy");
      } finally {
        await slow.close();
        await proxy.close();
      }
    });
  });

  describe("Firestore unreachable (in-process handler, connections reset by a proxy)", () => {
    it("answers unavailable, not internal, within seconds; the write lands once Firestore is back, and a retry answers duplicate", async function () {
      this.timeout(120_000);
      const proxy = await tcpProxy(firestoreEndpoint(), { mode: "reset" });
      const unreachable = firestoreAt("unreachable-firestore", `127.0.0.1:${proxy.port}`);
      const trace = aTrace({ status: "error" });
      const call = () => handleRecordTrace({ auth: caller, data: trace }, { db: unreachable.db, config });
      const first = call();
      try {
        await withoutFunctionLogs(async () => {
          const start = performance.now();
          const outcome = await within(first, 20_000);
          const elapsed = performance.now() - start;
          assert.notEqual(outcome, "no answer", "recordTrace gave no answer within 20 s while Firestore was unreachable");
          assert.ok(typeof outcome === "object" && "error" in outcome, `expected a rejection, got ${JSON.stringify(outcome)}`);
          assert.ok(outcome.error instanceof HttpsError, String(outcome.error));
          assert.equal(outcome.error.code, "unavailable", outcome.error.message);
          assert.ok(elapsed < 15_000, `answered after ${Math.round(elapsed)} ms`);
          assert.ok(proxy.connections >= 1, "the write did try to reach Firestore");
        });
        proxy.mode = "forward";
        // The write the caller was told to retry was not cancelled: it lands, and the retry stores nothing new.
        assert.ok(await eventually(() => storedExists(trace.trace_id), 60_000), "the write landed once Firestore was reachable");
        const retried = await withoutFunctionLogs(() => call());
        assert.deepEqual(retried, { trace_id: trace.trace_id, stored: false, reason: "duplicate" });
      } finally {
        // Let a write still retrying finish before the app goes, whatever failed above.
        proxy.mode = "forward";
        await within(first, 60_000);
        await within(unreachable.close(), 10_000);
        await proxy.close();
      }
    });
  });

  describe("the functions endpoint down", () => {
    const retry: RetryOptions = { attempts: 3, initialDelayMs: 100, maxDelayMs: 200 };

    it("down from the start: the agent's results are unchanged and every trace is reported through onError after the retries", async function () {
      this.timeout(60_000);
      const client = await clientSession({ functionsPort: await unusedPort() });
      try {
        const reported: TraceSendError[] = [];
        const sent: RecordTraceResult[] = [];
        const ids: string[] = [];
        const options = { functions: client.functions, sampleRate: 1, retry, onError: (error: TraceSendError) => reported.push(error), onSent: (result: RecordTraceResult) => sent.push(result) };
        const answer = { text: "fine" };
        assert.equal(await withTrace(options, (trace) => (ids.push(trace.traceId), answer)), answer);
        const thrown = new Error("the agent failed");
        await assert.rejects(withTrace(options, (trace) => (ids.push(trace.traceId), Promise.reject(thrown))), (error) => error === thrown);
        assert.equal(
          await withTrace(options, async (trace) => {
            ids.push(trace.traceId);
            trace.setStatus("timeout");
            return 42;
          }),
          42,
        );
        assert.equal(reported.length, 0, "withTrace returned before any send finished");
        await flush();
        assert.deepEqual(sent, []);
        assert.deepEqual(reported.map((error) => error.traceId).sort(), [...ids].sort(), "one onError per trace, with its id");
        for (const error of reported) {
          assert.equal(error.attempts, retry.attempts);
          assert.ok(isRetryableError(error.cause), `retried because ${String(error.cause)}`);
        }
      } finally {
        await client.close();
      }
    });

    it("down at first, then up: the retries deliver the trace", async function () {
      this.timeout(60_000);
      const origin = functionsOrigin();
      const proxy = await tcpProxy({ host: origin.hostname, port: Number(origin.port) }, { mode: "reset" });
      const client = await clientSession({ functionsPort: proxy.port });
      try {
        const attempts: Attempt[] = [];
        const sent: RecordTraceResult[] = [];
        const reported: TraceSendError[] = [];
        let traceId = "";
        const thrown = new Error("tool crashed");
        await assert.rejects(
          withTrace(
            { exporter: recordingExporter(client.functions, attempts), retry: { attempts: 8, initialDelayMs: 400, maxDelayMs: 1_000 }, onSent: (r) => sent.push(r), onError: (e) => reported.push(e) },
            (trace) => {
              traceId = trace.traceId;
              throw thrown;
            },
          ),
          (error) => error === thrown,
        );
        await eventually(async () => attempts.length >= 2, 10_000, 50);
        proxy.mode = "forward";
        await flush();
        assert.deepEqual(reported, []);
        assert.deepEqual(sent, [{ trace_id: traceId, stored: true, reason: "error" }]);
        assert.ok(attempts.length >= 3 && attempts.at(-1)!.outcome === "ok", JSON.stringify(attempts));
        assert.ok(await storedExists(traceId));
      } finally {
        await client.close();
        await proxy.close();
      }
    });
  });

  // About a minute. Needs the launcher's control endpoint: `npm test` asks for it (`exec --control`).
  describe("the Firestore emulator stopped and restarted in the middle of a run of traced agents (long)", () => {
    const control = stackControlUrl();
    let restoreFetch: (() => void) | undefined;

    before(function () {
      if (!control) {
        console.log("      skipped: run under `tsx scripts/stack.ts exec --control` (as `npm test` does) to restart Firestore");
        this.skip();
      }
      restoreFetch = abortStalledFetches(60_000);
    });
    after(async function () {
      this.timeout(120_000);
      restoreFetch?.();
      if (!control) return;
      await switchFirestore(control, "start");
      // The tests after this one need every functions worker writing again, not retrying a lost connection.
      const session = await clientSession();
      try {
        const recovered = await eventually(async () => {
          const calls = await Promise.allSettled(Array.from({ length: 12 }, () => session.callRecordTrace(aTrace({ status: "error" }))));
          return calls.every((call) => call.status === "fulfilled");
        }, 90_000, 1_000);
        assert.ok(recovered, "the functions emulator writes to the restarted Firestore again");
      } finally {
        await session.close();
      }
    });

    it("callers get unavailable, retries deliver every trace whose outage fit their window, the rest reach onError, the agents see nothing", async function () {
      this.timeout(300_000);
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(reason);
      process.on("unhandledRejection", onUnhandled);
      const clients: ClientSession[] = [await clientSession(), await clientSession()];
      try {
        // Workers up before the load: a burst of cold calls stalls the functions emulator, and on a busy
        // machine some of the first ones get no answer at all (internal, status 0); they are tried again.
        const warm = await eventually(async () => {
          const calls = await Promise.allSettled(Array.from({ length: 12 }, (_, index) => clients[index % 2]!.callRecordTrace(aTrace({ status: "error" }))));
          return calls.every((call) => call.status === "fulfilled");
        }, 90_000, 1_000);
        assert.ok(warm, "the functions emulator answers 12 calls at once before the outage");

        const attempts: Attempt[] = [];
        const sent = new Map<string, { result: RecordTraceResult; at: number }[]>();
        const reported = new Map<string, TraceSendError[]>();
        const runs: { traceId: string; group: "long" | "short"; outcome: Promise<void> }[] = [];
        const onSent = (result: RecordTraceResult) => sent.set(result.trace_id, [...(sent.get(result.trace_id) ?? []), { result, at: performance.now() }]);
        const onError = (error: TraceSendError) => reported.set(error.traceId, [...(reported.get(error.traceId) ?? []), error]);
        /** Long enough to outlast the outage: at least ~14 s of waits, plus up to 10 attempts. */
        const longRetry: RetryOptions = { attempts: 10, initialDelayMs: 500, maxDelayMs: 4_000 };
        /** One attempt: a trace sent while Firestore is down cannot be delivered. */
        const shortRetry: RetryOptions = { attempts: 1, initialDelayMs: 100, maxDelayMs: 100 };

        /** One agent run: a tool call, then an error it throws, or a timeout it returns from. */
        const agentRun = (client: ClientSession, number: number, group: "long" | "short") => {
          let traceId = "";
          const thrown = new Error(`run ${number} failed: upstream 503`);
          const result = withTrace(
            { exporter: recordingExporter(client.functions, attempts), retry: group === "long" ? longRetry : shortRetry, skill: `faults-${group}`, onSent, onError },
            async (trace) => {
              traceId = trace.traceId;
              await trace.tool("step", { number }, () => number);
              if (number % 3 === 0) {
                trace.setStatus("timeout");
                return `partial ${number}`;
              }
              throw thrown;
            },
          );
          const outcome = result.then(
            (value) => assert.equal(value, `partial ${number}`, "the agent gets its own result"),
            (error: unknown) => assert.equal(error, thrown, "the agent gets its own error, nothing else"),
          );
          runs.push({ traceId, group, outcome });
        };

        let producing = true;
        let number = 0;
        const producers = clients.map(async (client) => {
          while (producing) {
            agentRun(client, ++number, "long");
            await sleep(1_000);
          }
        });

        await sleep(2_000);
        await switchFirestore(control!, "stop");
        const stoppedAt = performance.now();
        // While it is down: traces that get one attempt, and a caller that waits for its answer.
        for (let index = 0; index < 3; index++) agentRun(clients[0]!, ++number, "short");
        const directTrace = aTrace({ status: "error" });
        const direct = within(httpsCallable(clients[1]!.functions, "recordTrace", { timeout: 25_000 })(directTrace), 30_000);
        await sleep(Math.max(0, stoppedAt + 12_000 - performance.now()));
        await switchFirestore(control!, "start");
        const restartedAt = performance.now();
        await sleep(5_000);
        producing = false;
        await Promise.all(producers);
        await flush();
        await Promise.all(runs.map((run) => run.outcome));

        // The caller that waited was told to retry.
        const answered = await direct;
        assert.ok(answered !== "no answer" && "error" in answered, `direct call during the outage: ${JSON.stringify(answered)}`);
        assert.ok(answered.error instanceof FirebaseError);
        assert.equal(answered.error.code, "functions/unavailable", answered.error.message);

        // Every answer the function gave was a success or a reason to retry; never internal. (A call
        // the loaded machine's functions emulator could not hand to a worker is NO_ANSWER, retried.)
        const codes = new Set(attempts.map((attempt) => attempt.outcome));
        assert.ok(!codes.has("functions/internal"), `attempt outcomes: ${[...codes].join(", ")}`);
        assert.ok(attempts.some((attempt) => attempt.outcome === "functions/unavailable"), `attempt outcomes: ${[...codes].join(", ")}`);

        // Long window: each trace answered exactly once, none reported as lost.
        const long = runs.filter((run) => run.group === "long");
        assert.ok(long.length >= 30, `${long.length} traced runs`);
        for (const { traceId } of long) {
          assert.equal(reported.get(traceId), undefined, `trace ${traceId} was reported lost: ${reported.get(traceId)?.[0]?.message}`);
          const answers = sent.get(traceId) ?? [];
          assert.equal(answers.length, 1, `trace ${traceId} answered ${answers.length} times`);
          assert.ok(answers[0]!.result.stored || answers[0]!.result.reason === "duplicate", JSON.stringify(answers[0]));
        }
        const delayed = long.filter(({ traceId }) => attempts.some((attempt) => attempt.traceId === traceId && attempt.outcome !== "ok"));
        assert.ok(delayed.length >= 5, `${delayed.length} traces were delayed by the outage and delivered by a retry`);

        // Firestore restarted empty: what was delivered after the restart is there.
        const afterRestart = long.filter(({ traceId }) => sent.get(traceId)![0]!.at > restartedAt);
        assert.ok(afterRestart.length >= 5);
        for (const { traceId } of afterRestart) assert.ok(await storedExists(traceId), `trace ${traceId}, delivered after the restart, is stored`);

        // Short window: not delivered, and reported with the trace id.
        for (const { traceId } of runs.filter((run) => run.group === "short")) {
          assert.equal(sent.get(traceId), undefined);
          const errors = reported.get(traceId) ?? [];
          assert.equal(errors.length, 1, `trace ${traceId} reported ${errors.length} times`);
          assert.equal(errors[0]!.traceId, traceId);
          assert.equal(errors[0]!.attempts, 1);
          assert.equal((errors[0]!.cause as FirebaseError).code, "functions/unavailable");
        }
        assert.deepEqual(unhandled, [], "no unhandled rejection reached the agent's process");
        console.log(`      ${runs.length} runs, ${attempts.length} attempts (${[...codes].join(", ")}), outage ${Math.round(restartedAt - stoppedAt)} ms`);
      } finally {
        process.off("unhandledRejection", onUnhandled);
        for (const client of clients) await client.close();
      }
    });
  });
});
