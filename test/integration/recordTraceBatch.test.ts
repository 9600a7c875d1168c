import { strict as assert } from "node:assert";
import { FirebaseError } from "firebase/app";
import type { FunctionsError } from "firebase/functions";
import { randomTraceId, TraceIdRatioBasedSampler, type RecordTraceBatchResult } from "@agent-traces/core";
import { TRACES_COLLECTION } from "@agent-traces/admin";
import { adminFirestore, clearFirestore, clientSession, type ClientSession } from "./support/emulators.js";
import { aTrace } from "./support/traces.js";
import { loggedLines } from "../support/functionLogs.js";
import type { RecordTraceConfig } from "../../functions/src/config.js";
import { handleRecordTrace } from "../../functions/src/recordTrace/recordTraceHandler.js";

/** The demo project's TRACE_SAMPLE_RATE (functions/.env.demo-agent-traces). */
const SERVER_RATE = 0.1;

/** A fresh trace id that a sampler at `rate` keeps (or, with `kept: false`, leaves out). */
function idSampledAt(rate: number, kept: boolean, alsoKeptAt?: number): string {
  const sampler = new TraceIdRatioBasedSampler(rate);
  const other = alsoKeptAt === undefined ? undefined : new TraceIdRatioBasedSampler(alsoKeptAt);
  for (;;) {
    const id = randomTraceId();
    if (sampler.shouldSample(id) === kept && (other === undefined || other.shouldSample(id))) return id;
  }
}

async function storedIds(): Promise<string[]> {
  return (await adminFirestore().collection(TRACES_COLLECTION).get()).docs.map((doc) => doc.id).sort();
}

async function rejection(promise: Promise<unknown>): Promise<FirebaseError> {
  const error = await promise.then(() => assert.fail("expected a rejection"), (caught: unknown) => caught);
  assert.ok(error instanceof FirebaseError, String(error));
  return error;
}

describe("recordTrace, batch form, through the functions emulator (real JS SDK client)", () => {
  let client: ClientSession;
  before(async () => {
    client = await clientSession();
  });
  after(() => client.close());
  beforeEach(() => clearFirestore());

  it("answers every trace in order: stored, invalid (named, nothing written), sampled out, repeated, already stored", async () => {
    const already = aTrace({ status: "error" });
    await client.callRecordTrace(already);
    const failed = aTrace({ status: "error" });
    const timedOut = aTrace({ status: "timeout" });
    const kept = aTrace({ trace_id: idSampledAt(SERVER_RATE, true) });
    const left = aTrace({ trace_id: idSampledAt(SERVER_RATE, false) });
    // A success: a failed run is stored repaired instead (test/integration/repair.test.ts).
    const invalid = { ...aTrace({ status: "success" }), iterations: -1 };
    const traces = [failed, invalid, kept, left, failed, already, timedOut, { nope: true }];

    const { results } = (await client.callRecordTrace({ traces })) as RecordTraceBatchResult;
    assert.deepEqual(results, [
      { trace_id: failed.trace_id, stored: true, reason: "error" },
      {
        trace_id: invalid.trace_id,
        error: { code: "invalid-argument", message: "Invalid trace: traces[1].iterations: Too small: expected number to be >=0", fields: ["traces[1].iterations"] },
      },
      { trace_id: kept.trace_id, stored: true, reason: "sampled" },
      { trace_id: left.trace_id, stored: false, reason: "sampled_out" },
      { trace_id: failed.trace_id, stored: false, reason: "duplicate" },
      { trace_id: already.trace_id, stored: false, reason: "duplicate" },
      { trace_id: timedOut.trace_id, stored: true, reason: "timeout" },
      {
        error: {
          code: "invalid-argument",
          message: (results[7] as { error: { message: string } }).error.message,
          fields: ["traces[7].trace_id", "traces[7].started_at", "traces[7].status", "traces[7].nope"],
        },
      },
    ]);
    assert.match((results[7] as { error: { message: string } }).error.message, /^Invalid trace: traces\[7\]\.trace_id: /);
    assert.deepEqual(await storedIds(), [already.trace_id, failed.trace_id, kept.trace_id, timedOut.trace_id].sort(), "one document each, nothing of the invalid ones");
  });

  it("rejects a batch that is not 1 to 100 traces as a whole, naming traces, and writes nothing", async () => {
    const cases: [unknown, string][] = [
      [{ traces: [] }, "traces"],
      [{ traces: Array.from({ length: 101 }, () => aTrace({ status: "error" })) }, "traces"],
      [{ traces: aTrace() }, "traces"],
      [{ traces: [aTrace({ status: "error" })], sampleRate: 0.1 }, "sampleRate"],
    ];
    for (const [data, field] of cases) {
      const error = await rejection(client.callRecordTrace(data));
      assert.equal(error.code, "functions/invalid-argument");
      assert.ok(error.message.startsWith(`Invalid batch: ${field}: `), error.message);
      assert.deepEqual(((error as FunctionsError).details as { fields: string[] }).fields, [field]);
    }
    assert.deepEqual(await storedIds(), []);
  });

  it("takes 100 traces in one call", async () => {
    const traces = Array.from({ length: 100 }, () => aTrace({ status: "error" }));
    const { results } = (await client.callRecordTrace({ traces })) as RecordTraceBatchResult;
    assert.equal(results.filter((result) => "stored" in result && result.stored).length, 100);
    assert.equal((await storedIds()).length, 100);
  });

  it("stores the rate a success was really kept at: the lower of the sender's and the server's", async () => {
    const lower = aTrace({ trace_id: idSampledAt(0.05, true) });
    const higher = aTrace({ trace_id: idSampledAt(SERVER_RATE, true, 0.5) });
    const failure = aTrace({ status: "error" });
    await client.callRecordTrace({ traces: [lower], sample_rate: 0.05 });
    await client.callRecordTrace({ traces: [higher, failure], sample_rate: 0.5 });
    const rate = async (id: string) => (await adminFirestore().collection(TRACES_COLLECTION).doc(id).get()).get("sample_rate") as number;
    assert.equal(await rate(lower.trace_id), 0.05);
    assert.equal(await rate(higher.trace_id), SERVER_RATE);
    assert.equal(await rate(failure.trace_id), 1, "a failure is always stored");
    const error = await rejection(client.callRecordTrace({ traces: [aTrace()], sample_rate: 2 }));
    assert.match(error.message, /sample_rate/);
  });

  it("keeps the single-trace form as it was", async () => {
    const trace = aTrace({ status: "error" });
    assert.deepEqual(await client.callRecordTrace(trace), { trace_id: trace.trace_id, stored: true, reason: "error" });
    const error = await rejection(client.callRecordTrace({ ...aTrace(), iterations: -1 }));
    assert.equal(error.code, "functions/invalid-argument");
    assert.match(error.message, /^Invalid trace: iterations: /);
  });
});

describe("recordTrace, batch form, its log lines (handler in-process, Firestore emulator)", () => {
  beforeEach(() => clearFirestore());

  it("logs the traces one call stored in one traces_stored line, and its sampled-out ones in one traces_sampled_out line", async () => {
    const config: RecordTraceConfig = { sampleRate: SERVER_RATE, ttlDays: 7, errorTtlDays: 7, enforceAppCheck: false, rateLimitPerMinute: 0, captureContent: true };
    const failed = [aTrace({ status: "error" }), aTrace({ status: "timeout" })];
    const kept = aTrace({ trace_id: idSampledAt(SERVER_RATE, true), status: "success" });
    const left = [0, 1, 2].map(() => aTrace({ trace_id: idSampledAt(SERVER_RATE, false), status: "success" }));
    const caller = { uid: "logged-caller", token: {} as never, rawToken: "" };
    const lines = await loggedLines(() => handleRecordTrace({ auth: caller, data: { traces: [...failed, kept, ...left] } }, { db: adminFirestore(), config }));
    assert.deepEqual(
      lines.map(({ message, uid, count, trace_ids: ids, reasons }) => ({ message, uid, count, ids, reasons })),
      [
        { message: "traces_sampled_out", uid: undefined, count: 3, ids: left.map((trace) => trace.trace_id), reasons: undefined },
        { message: "traces_stored", uid: "logged-caller", count: 3, ids: [...failed, kept].map((trace) => trace.trace_id), reasons: { error: 1, timeout: 1, sampled: 1 } },
      ],
    );
    assert.deepEqual(await storedIds(), [...failed, kept].map((trace) => trace.trace_id as string).sort());
  });
});
