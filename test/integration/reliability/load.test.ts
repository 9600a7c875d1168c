import { strict as assert } from "node:assert";
import { TraceIdRatioBasedSampler, type TraceStatus } from "@agent-traces/core";
import { TRACES_COLLECTION } from "@agent-traces/admin";
import { flush, withTrace, type RecordTraceResult, type TraceSendError } from "@agent-traces/tracer";
import type { ErrorReportConfig } from "../../../functions/src/config.js";
import { reportTraceErrors } from "../../../functions/src/reportTraceErrors/reportTraceErrorsHandler.js";
import { adminFirestore, clearFirestore, clientSession, type ClientSession } from "../support/emulators.js";
import { abortStalledFetches } from "./support/faults.js";
import { withoutFunctionLogs } from "./support/quietLogs.js";

/**
 * 8 agents, each its own Firebase app signed in anonymously, each running 200 traced runs through
 * withTrace({ functions }) and the functions emulator: 10% end in an error the agent throws, 10% in
 * a timeout, the rest succeed. Every failure must be stored exactly once, the stored successes must
 * be exactly the ones the shared sampler keeps, nothing twice, and the error report over the window
 * must count every failure.
 */
const CLIENTS = 8;
const RUNS_PER_CLIENT = 200;
/**
 * Traces an agent host lets wait in its outbox before it starts the next run. Up to 16 calls are in
 * flight; a burst of dozens of concurrent calls stalls the functions emulator (one worker process each).
 */
const MAX_SENDS_IN_FLIGHT_PER_CLIENT = 2;
/** functions/.env.demo-agent-traces: the emulated function samples successes at this rate. */
const DEMO_SAMPLE_RATE = 0.1;

interface Run {
  traceId: string;
  client: number;
  status: TraceStatus;
}

function statusOf(run: number): TraceStatus {
  return run % 10 === 3 ? "error" : run % 10 === 7 ? "timeout" : "success";
}

describe(`load: ${CLIENTS} tracer clients x ${RUNS_PER_CLIENT} runs through the functions emulator`, () => {
  let sessions: ClientSession[] = [];
  let restoreFetch: (() => void) | undefined;

  before(async () => {
    await clearFirestore();
    restoreFetch = abortStalledFetches(60_000);
    sessions = await Promise.all(Array.from({ length: CLIENTS }, () => clientSession()));
  });
  after(async () => {
    restoreFetch?.();
    for (const session of sessions) await session.close();
  });

  it("stores every failure once and exactly the sampled successes, and the report counts every failure", async function () {
    this.timeout(300_000);
    const sampler = new TraceIdRatioBasedSampler(DEMO_SAMPLE_RATE);
    const runs: Run[] = [];
    const answers = new Map<string, RecordTraceResult[]>();
    const failed: TraceSendError[] = [];
    const waiting = new Map<string, () => void>();
    const settled = new Set<string>();
    const settle = (traceId: string) => {
      settled.add(traceId);
      waiting.get(traceId)?.();
      waiting.delete(traceId);
    };
    const onSent = (result: RecordTraceResult) => {
      answers.set(result.trace_id, [...(answers.get(result.trace_id) ?? []), result]);
      settle(result.trace_id);
    };
    const onError = (error: TraceSendError) => {
      failed.push(error);
      settle(error.traceId);
    };

    const windowStart = new Date();
    const started = performance.now();
    const agent = async (client: number) => {
      const inFlight = new Set<Promise<void>>();
      for (let number = 0; number < RUNS_PER_CLIENT; number++) {
        while (inFlight.size >= MAX_SENDS_IN_FLIGHT_PER_CLIENT) await Promise.race(inFlight);
        const status = statusOf(number);
        const thrown = new Error(`step ${number} failed: quota exceeded for project ${client}`);
        let traceId = "";
        const result = withTrace(
          { functions: sessions[client]!.functions, sampleRate: DEMO_SAMPLE_RATE, userId: `load-user-${client}`, skill: client % 2 ? "research" : "planning", onSent, onError },
          async (trace) => {
            traceId = trace.traceId;
            trace.incrementIteration();
            await trace.tool("search", { query: `question ${number}` }, async () => `${number} results`);
            if (status === "error") throw thrown;
            if (status === "timeout") trace.setStatus("timeout");
            trace.setOutput(`answer ${number}`);
            return `answer ${number}`;
          },
        );
        await result.then(
          (value) => assert.equal(value, `answer ${number}`, "the agent gets its own result"),
          (error: unknown) => assert.equal(error, thrown, "the agent gets its own error"),
        );
        runs.push({ traceId, client, status });
        if ((status !== "success" || sampler.shouldSample(traceId)) && !settled.has(traceId)) {
          const sending = new Promise<void>((resolve) => waiting.set(traceId, resolve));
          inFlight.add(sending);
          void sending.then(() => inFlight.delete(sending));
        }
      }
    };
    await withoutFunctionLogs(async () => {
      await Promise.all(Array.from({ length: CLIENTS }, (_, client) => agent(client)));
      await flush();
    });
    const elapsed = performance.now() - started;
    const windowEnd = new Date();

    const failures = runs.filter((run) => run.status !== "success");
    const sampled = runs.filter((run) => run.status === "success" && sampler.shouldSample(run.traceId));
    const expected = new Map([...failures, ...sampled].map((run) => [run.traceId, run]));
    assert.equal(runs.length, CLIENTS * RUNS_PER_CLIENT);
    assert.equal(failures.length, CLIENTS * RUNS_PER_CLIENT * 0.2);
    assert.equal(new Set(runs.map((run) => run.traceId)).size, runs.length, "every run has its own trace id");

    // The tracer: nothing lost, exactly the failures and the sampled successes sent, each answered once.
    assert.deepEqual(failed.map((error) => error.message), []);
    assert.deepEqual([...answers.keys()].sort(), [...expected.keys()].sort(), "sent: every failure and exactly the sampled successes");
    for (const [traceId, results] of answers) {
      assert.equal(results.length, 1, `trace ${traceId} answered ${results.length} times`);
      const reason = expected.get(traceId)!.status === "success" ? "sampled" : expected.get(traceId)!.status;
      // "duplicate": an attempt the client gave up on was stored, and its retry found it there.
      assert.ok(results[0]!.reason === reason || results[0]!.reason === "duplicate", `${traceId}: ${JSON.stringify(results[0])}`);
    }

    // Firestore: exactly those documents, as the runs ended, recorded by the client that sent them.
    // (Only this test's callers: a write another test left in flight may land meanwhile.)
    const uids = new Set(sessions.map((session) => session.uid));
    const docs = (await adminFirestore().collection(TRACES_COLLECTION).get()).docs.filter((doc) => uids.has(doc.get("recorded_by") as string));
    assert.equal(docs.length, expected.size, "one document per expected trace, nothing else");
    for (const doc of docs) {
      const run = expected.get(doc.id);
      assert.ok(run, `unexpected document ${doc.id}`);
      assert.equal(doc.get("status"), run.status);
      assert.equal(doc.get("recorded_by"), sessions[run.client]!.uid);
      assert.equal(doc.get("user_id"), `load-user-${run.client}`);
    }

    // The error report over the load's window counts every failure: each trace's write was committed (committed_at) within it.
    const reportConfig: ErrorReportConfig = { windowHours: 1, errorThreshold: 10, ttlDays: 90, maxFailuresRead: 2000, maxUsageRead: 2000, webhookUrl: undefined };
    const window = { start: new Date(windowStart.getTime() - 1_000), end: new Date(windowEnd.getTime() + 1_000) };
    const report = await withoutFunctionLogs(() => reportTraceErrors(window, { db: adminFirestore(), config: reportConfig }));
    assert.equal(report.errors, failures.filter((run) => run.status === "error").length);
    assert.equal(report.timeouts, failures.filter((run) => run.status === "timeout").length);
    assert.equal(report.failures, failures.length);
    assert.equal(report.truncated, false);
    assert.equal(report.documents_read, failures.length);
    assert.equal(report.users_affected, CLIENTS);
    assert.equal(report.estimate.stored_successes, sampled.length);
    assert.equal(report.by_skill.reduce((sum, skill) => sum + skill.errors + skill.timeouts, 0), failures.length);
    console.log(
      `      ${runs.length} runs, ${answers.size} sent (${failures.length} failures, ${sampled.length} sampled successes), ` +
        `${[...answers.values()].filter((results) => results[0]!.reason === "duplicate").length} answered duplicate, ${(elapsed / 1000).toFixed(1)} s`,
    );
  });
});
