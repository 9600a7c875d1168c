import { strict as assert } from "node:assert";
import type { Firestore } from "firebase-admin/firestore";
import { HttpsError } from "firebase-functions/v2/https";
import { randomTraceId, TraceIdRatioBasedSampler } from "@agent-traces/core";
import { parseSampleRate, type RecordTraceConfig } from "../../functions/src/config.js";
import { handleRecordTrace } from "../../functions/src/recordTrace/recordTraceHandler.js";
import { toHttpsError } from "../../functions/src/recordTrace/firestoreErrors.js";

/** These paths end before any write, so a database that fails the test if touched is enough. */
const untouchedDb = new Proxy({} as Firestore, {
  get: (_target, property) => {
    throw new Error(`the handler touched Firestore (${String(property)}) on a path that must not write`);
  },
});
const config: RecordTraceConfig = { sampleRate: 0.1, ttlDays: 7, errorTtlDays: 7, enforceAppCheck: false };
const signedIn = { uid: "caller", token: {} as never, rawToken: "" };
const trace = (status: string, traceId = randomTraceId()) => ({
  trace_id: traceId,
  started_at: "2025-01-01T00:00:00Z",
  ended_at: "2025-01-01T00:00:01Z",
  status,
});

async function rejection(promise: Promise<unknown>): Promise<HttpsError> {
  const error = await promise.then(() => assert.fail("expected a rejection"), (caught: unknown) => caught);
  assert.ok(error instanceof HttpsError, String(error));
  return error;
}

describe("handleRecordTrace (in-process)", () => {
  it("rejects a caller without auth as unauthenticated", async () => {
    const error = await rejection(handleRecordTrace({ auth: undefined, data: trace("error") }, { db: untouchedDb, config }));
    assert.equal(error.code, "unauthenticated");
  });

  it("rejects a call without App Check only when enforcement is switched on", async () => {
    const enforced = { ...config, enforceAppCheck: true };
    const error = await rejection(handleRecordTrace({ auth: signedIn, data: trace("error") }, { db: untouchedDb, config: enforced }));
    assert.equal(error.code, "unauthenticated");
    assert.match(error.message, /App Check/);
    // With a verified App Check token the call goes on (here to validation, which rejects the bad data).
    const app = { appId: "app", token: {} as never };
    const invalid = await rejection(handleRecordTrace({ auth: signedIn, app, data: { nope: 1 } }, { db: untouchedDb, config: enforced }));
    assert.equal(invalid.code, "invalid-argument");
  });

  it("names every bad field in an invalid-argument error and its details", async () => {
    const error = await rejection(handleRecordTrace({ auth: signedIn, data: { ...trace("error"), iterations: -2, extra: true } }, { db: untouchedDb, config }));
    assert.equal(error.code, "invalid-argument");
    assert.match(error.message, /iterations/);
    assert.match(error.message, /extra/);
    assert.deepEqual((error.details as { fields: string[] }).fields.sort(), ["extra", "iterations"]);
  });

  it("answers sampled_out without writing, exactly when the sampler drops the id", async () => {
    const sampler = new TraceIdRatioBasedSampler(config.sampleRate);
    let checked = 0;
    while (checked < 50) {
      const id = randomTraceId();
      if (sampler.shouldSample(id)) continue;
      const result = await handleRecordTrace({ auth: signedIn, data: trace("success", id) }, { db: untouchedDb, config });
      assert.deepEqual(result, { trace_id: id, stored: false, reason: "sampled_out" });
      checked++;
    }
  });
});

describe("toHttpsError", () => {
  it("tells the caller to retry when Firestore is unavailable or overloaded", () => {
    for (const code of [4, 8, 10, 13, 14]) assert.equal(toHttpsError(Object.assign(new Error("x"), { code })).code, "unavailable");
    assert.equal(toHttpsError(new Error("connect ECONNREFUSED 127.0.0.1:8080")).code, "unavailable");
  });

  it("keeps internal for what is a bug on our side", () => {
    assert.equal(toHttpsError(Object.assign(new Error("x"), { code: 7 })).code, "internal");
    assert.equal(toHttpsError(new TypeError("undefined is not a function")).code, "internal");
  });
});

describe("parseSampleRate", () => {
  it("accepts rates from 0 to 1", () => {
    assert.equal(parseSampleRate("0"), 0);
    assert.equal(parseSampleRate("0.1"), 0.1);
    assert.equal(parseSampleRate("1"), 1);
  });

  it("refuses anything else, naming the param", () => {
    for (const bad of ["", "-0.1", "1.5", "ten", "NaN"]) assert.throws(() => parseSampleRate(bad), /TRACE_SAMPLE_RATE/);
  });
});
