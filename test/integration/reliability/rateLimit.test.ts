import { strict as assert } from "node:assert";
import { randomTraceId, type RecordTraceBatchResult } from "@agent-traces/core";
import { RATE_LIMITS_COLLECTION, TRACES_COLLECTION } from "@agent-traces/admin";
import type { Timestamp } from "firebase-admin/firestore";
import { HttpsError } from "firebase-functions/v2/https";
import type { RecordTraceConfig } from "../../../functions/src/config.js";
import { handleRecordTrace } from "../../../functions/src/recordTrace/recordTraceHandler.js";
import { adminFirestore, clearFirestore, clientSession, type ClientSession } from "../support/emulators.js";
import { withoutFunctionLogs } from "./support/quietLogs.js";

/** The limit the demo project's functions run with (functions/.env.demo-agent-traces). */
const LIMIT_PER_MINUTE = 600;

/** Asserts that no 60 s of arrival (`received_at`, what the limit counts by) holds more than `limit` of `arrivals` (ms). */
function assertNoMinuteOver(arrivals: number[], limit: number): void {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while (sorted[last]! - sorted[first]! >= 60_000) first++;
    assert.ok(last - first + 1 <= limit, `${last - first + 1} traces arrived in the 60 s from ${new Date(sorted[first]!).toISOString()}`);
  }
}

const failedTrace = () => ({ trace_id: randomTraceId(), started_at: new Date().toISOString(), status: "error", metadata: { error: "boom" } });

describe("a ceiling on what one caller can store (TRACE_RATE_LIMIT_PER_MINUTE, functions emulator)", () => {
  let abusive: ClientSession;
  let other: ClientSession;

  before(async () => {
    await clearFirestore();
    [abusive, other] = await Promise.all([clientSession(), clientSession()]);
  });
  after(async () => Promise.all([abusive.close(), other.close()]));

  it("stores about 600 of 1,200 failed traces one uid sends in a minute, tells it resource-exhausted for the rest, and leaves another uid alone", async () => {
    const start = Date.now();
    const answers: RecordTraceBatchResult["results"] = [];
    // 12 batches of 100, two calls at a time, as fast as the emulator takes them.
    for (let pair = 0; pair < 6; pair++) {
      const results = await Promise.all([0, 1].map(async () => (await abusive.callRecordTrace({ traces: Array.from({ length: 100 }, failedTrace) })) as RecordTraceBatchResult));
      for (const { results: batch } of results) answers.push(...batch);
    }
    const elapsed = Date.now() - start;
    assert.ok(elapsed < 60_000, `sent in ${elapsed} ms, not within a minute`);

    const stored = answers.filter((answer) => "stored" in answer && answer.stored);
    const refused = answers.filter((answer) => "error" in answer);
    assert.equal(stored.length + refused.length, 1_200);
    assert.equal(stored.length, LIMIT_PER_MINUTE, "exactly the limit: each call commits its traces with the caller's counter, conditionally");
    for (const answer of refused) {
      assert.ok("error" in answer);
      assert.equal(answer.error.code, "resource-exhausted");
      assert.ok(answer.error.retry_after_ms! >= 1_000 && answer.error.retry_after_ms! <= 70_000, `retry after ${answer.error.retry_after_ms} ms`);
      assert.match(answer.error.message, /limit of 600 traces/);
    }
    const documents = await adminFirestore().collection(TRACES_COLLECTION).where("recorded_by", "==", abusive.uid).count().get();
    assert.equal(documents.data().count, LIMIT_PER_MINUTE, "what was refused was not written");

    // Another signed-in user stores normally meanwhile, and its single-trace form answers as usual.
    const { results } = (await other.callRecordTrace({ traces: Array.from({ length: 50 }, failedTrace) })) as RecordTraceBatchResult;
    assert.ok(results.every((answer) => "stored" in answer && answer.stored), JSON.stringify(results.find((answer) => "error" in answer)));
    const single = failedTrace();
    assert.deepEqual(await other.callRecordTrace(single), { trace_id: single.trace_id, stored: true, reason: "error" });

    // The abusive uid's single-trace form is refused as a whole call, with when to retry.
    await assert.rejects(abusive.callRecordTrace(failedTrace()), (error: { code?: string; details?: { retry_after_ms?: number } }) => {
      assert.equal(error.code, "functions/resource-exhausted");
      assert.ok((error.details?.retry_after_ms ?? 0) >= 1_000);
      return true;
    });
  });
});

describe("the rate limit under concurrent calls of one caller (handler in-process, Firestore emulator)", () => {
  const config: RecordTraceConfig = { sampleRate: 1, ttlDays: 7, errorTtlDays: 7, enforceAppCheck: false, rateLimitPerMinute: LIMIT_PER_MINUTE, captureContent: true };
  const auth = { uid: "concurrent-caller", token: {} as never, rawToken: "" };
  const call = (traces: unknown[]) => handleRecordTrace({ auth, data: { traces } }, { db: adminFirestore(), config }) as Promise<RecordTraceBatchResult>;

  before(clearFirestore);

  it("never stores more than the limit, whatever the interleaving; a call that loses the race too often is told unavailable, and its retry is answered", async () => {
    const batches = Array.from({ length: 12 }, () => Array.from({ length: 100 }, failedTrace));
    const first = await withoutFunctionLogs(() => Promise.allSettled(batches.map(call)));
    const storedIds = (results: RecordTraceBatchResult["results"]) => results.filter((answer) => "stored" in answer && answer.stored).map((answer) => answer.trace_id!);
    const stored = new Set<string>();
    const retry: unknown[][] = [];
    first.forEach((outcome, index) => {
      if (outcome.status === "fulfilled") for (const id of storedIds(outcome.value.results)) stored.add(id);
      else {
        assert.ok(outcome.reason instanceof HttpsError && outcome.reason.code === "unavailable", String(outcome.reason));
        retry.push(batches[index]!);
      }
    });
    for (const batch of retry) for (const id of storedIds((await withoutFunctionLogs(() => call(batch))).results)) stored.add(id);
    assert.equal(stored.size, LIMIT_PER_MINUTE);
    const documents = await adminFirestore().collection(TRACES_COLLECTION).where("recorded_by", "==", auth.uid).count().get();
    assert.equal(documents.data().count, LIMIT_PER_MINUTE);
  });
});

describe("the rate limit over more than a minute of concurrent calls of one caller (functions emulator)", function () {
  this.timeout(300_000);
  let caller: ClientSession;

  before(async () => {
    await clearFirestore();
    caller = await clientSession();
  });
  after(async () => caller.close());

  it("never stores more than the limit in any 60 s of arrival while three calls at a time keep sending across slot boundaries for 75 s", async () => {
    // Start 5 s before a 10 s slot boundary, so that the first calls' commits straddle it.
    const boundary = Math.ceil((Date.now() + 6_000) / 10_000) * 10_000;
    await new Promise((resolve) => setTimeout(resolve, boundary - 5_000 - Date.now()));
    const end = Date.now() + 75_000;
    let sent = 0;
    const sender = async () => {
      while (Date.now() < end) {
        try {
          await withoutFunctionLogs(() => caller.callRecordTrace({ traces: Array.from({ length: 50 }, failedTrace) }));
        } catch (error) {
          // Calls of one caller racing for its counter may be told to retry (`unavailable`), as may a call
          // the loaded emulator never answered (a bare `internal [500]`); the tracer retries both.
          const { code, message } = error as { code?: string; message?: string };
          if (code !== "functions/unavailable" && !(code === "functions/internal" && /^internal \[\d+\]$/.test(message ?? ""))) throw error;
        }
        sent += 50;
      }
    };
    await Promise.all([sender(), sender(), sender()]);
    const stored = await adminFirestore().collection(TRACES_COLLECTION).where("recorded_by", "==", caller.uid).select("received_at").get();
    assertNoMinuteOver(stored.docs.map((doc) => (doc.get("received_at") as Timestamp).toMillis()), LIMIT_PER_MINUTE);
    assert.ok(stored.size > LIMIT_PER_MINUTE, `the window slid: ${stored.size} of ${sent} stored over 75 s`);
  });
});

describe("the rate limit counts only what it stores (handler in-process, Firestore emulator)", () => {
  const config: RecordTraceConfig = { sampleRate: 1, ttlDays: 7, errorTtlDays: 7, enforceAppCheck: false, rateLimitPerMinute: LIMIT_PER_MINUTE, captureContent: true };
  const auth = { uid: "resending-caller", token: {} as never, rawToken: "" };
  const call = (traces: unknown[]) => handleRecordTrace({ auth, data: { traces } }, { db: adminFirestore(), config }) as Promise<RecordTraceBatchResult>;
  const counted = async () => {
    const counter = await adminFirestore().collection(RATE_LIMITS_COLLECTION).doc(`uid:${auth.uid}`).get();
    return (counter.get("counts") as number[]).reduce((sum, count) => sum + count, 0);
  };

  before(clearFirestore);

  it("a re-sent batch whose traces are stored already is answered duplicate and spends none of the limit; refused traces spend none either", async () => {
    const batch = Array.from({ length: 10 }, failedTrace);
    await call(batch);
    assert.equal(await counted(), 10);
    const fresh = Array.from({ length: 5 }, failedTrace);
    const { results } = await call([...batch, ...fresh]);
    assert.deepEqual(
      results.map((answer) => ("error" in answer ? "refused" : answer.reason)),
      [...batch.map(() => "duplicate"), ...fresh.map(() => "error")],
    );
    assert.equal(await counted(), 15, "only the 5 new traces are counted");
    const { results: again } = await call(batch);
    assert.ok(again.every((answer) => "reason" in answer && answer.reason === "duplicate"));
    assert.equal(await counted(), 15, "an all-duplicate batch counts nothing");

    const overAnswers: RecordTraceBatchResult["results"] = [];
    for (let batchIndex = 0; batchIndex < LIMIT_PER_MINUTE / 100; batchIndex++) overAnswers.push(...(await call(Array.from({ length: 100 }, failedTrace))).results);
    assert.equal(overAnswers.filter((answer) => "error" in answer).length, 15);
    assert.equal(await counted(), LIMIT_PER_MINUTE, "the refused 15 are not counted");
  });
});
