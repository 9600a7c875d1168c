import { strict as assert } from "node:assert";
import { randomTraceId, type RecordTraceBatchResult } from "@agent-traces/core";
import { TRACES_COLLECTION } from "@agent-traces/admin";
import { HttpsError } from "firebase-functions/v2/https";
import type { RecordTraceConfig } from "../../../functions/src/config.js";
import { handleRecordTrace } from "../../../functions/src/recordTrace/recordTraceHandler.js";
import { adminFirestore, clearFirestore, clientSession, type ClientSession } from "../support/emulators.js";
import { withoutFunctionLogs } from "./support/quietLogs.js";

/** The limit the demo project's functions run with (functions/.env.demo-agent-traces). */
const LIMIT_PER_MINUTE = 600;

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
  const config: RecordTraceConfig = { sampleRate: 1, ttlDays: 7, errorTtlDays: 7, enforceAppCheck: false, rateLimitPerMinute: LIMIT_PER_MINUTE };
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
