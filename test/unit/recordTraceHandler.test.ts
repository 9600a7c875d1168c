import { strict as assert } from "node:assert";
import type { Firestore } from "firebase-admin/firestore";
import { HttpsError } from "firebase-functions/v2/https";
import { isRetryableCode, randomTraceId, TraceIdRatioBasedSampler } from "@agent-traces/core";
import { MAX_REPORTED_FIELDS } from "../../packages/core/src/validation.js";
import { parseSampleRate, type RecordTraceConfig } from "../../functions/src/config.js";
import { handleRecordTrace } from "../../functions/src/recordTrace/recordTraceHandler.js";
import { toHttpsError } from "../../functions/src/recordTrace/firestoreErrors.js";
import { loggedLines } from "../support/functionLogs.js";

/** These paths end before any write, so a database that fails the test if touched is enough. */
const untouchedDb = new Proxy({} as Firestore, {
  get: (_target, property) => {
    throw new Error(`the handler touched Firestore (${String(property)}) on a path that must not write`);
  },
});
const config: RecordTraceConfig = { sampleRate: 0.1, ttlDays: 7, errorTtlDays: 7, enforceAppCheck: false, rateLimitPerMinute: 0, captureContent: true };
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
    // A success: a failed run is stored repaired instead (test/unit/repairProperty.test.ts).
    const error = await rejection(handleRecordTrace({ auth: signedIn, data: { ...trace("success"), iterations: -2, extra: true } }, { db: untouchedDb, config }));
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

  it("logs a batch's sampled-out traces in one line, not one per trace", async () => {
    const sampler = new TraceIdRatioBasedSampler(config.sampleRate);
    const ids: string[] = [];
    while (ids.length < 5) {
      const id = randomTraceId();
      if (!sampler.shouldSample(id)) ids.push(id);
    }
    const lines = await loggedLines(() => handleRecordTrace({ auth: signedIn, data: { traces: ids.map((id) => trace("success", id)) } }, { db: untouchedDb, config }));
    assert.deepEqual(
      lines.map((line) => [line.message, line.count, line.trace_ids]),
      [["traces_sampled_out", 5, ids]],
    );
  });
});

describe("handleRecordTrace: what happens after validation is inside the error mapping", () => {
  // A TTL beyond year 9999 makes building the document throw: a stand-in for any bug past validation.
  const broken = { ...config, errorTtlDays: 10_000_000 };

  it("answers a single trace whose document cannot be built with internal, never a raw exception", async () => {
    const error = await handleRecordTrace({ auth: signedIn, data: trace("error") }, { db: untouchedDb, config: broken }).then(
      () => assert.fail("the trace cannot be stored"),
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof HttpsError);
    assert.equal(error.code, "internal");
    assert.match(error.message, /trace_prepare_failed/);
  });

  it("answers that trace of a batch with its own internal entry and the others normally", async () => {
    // Its four words XOR to 0xffffffff: above every ratio below 1, so the sampler leaves it out.
    const outId = "ffffffff000000000000000000000000";
    assert.equal(new TraceIdRatioBasedSampler(config.sampleRate).shouldSample(outId), false);
    const failing = trace("error");
    const data = { traces: [failing, trace("success", outId)] };
    const { results } = (await handleRecordTrace({ auth: signedIn, data }, { db: untouchedDb, config: broken })) as { results: unknown[] };
    assert.deepEqual(results[0], { trace_id: failing.trace_id, error: { code: "internal", message: "recordTrace could not process this trace: a bug on the server's side, logged as trace_prepare_failed.", fields: [] } });
    assert.deepEqual(results[1], { trace_id: outId, stored: false, reason: "sampled_out" });
  });

  it("caps the fields it names: a payload with thousands of bad fields gets at most MAX_REPORTED_FIELDS, each short", async () => {
    const metadata = Object.fromEntries(Array.from({ length: 5_000 }, (_, index) => [`__k${index}${"x".repeat(index === 0 ? 10_000 : 0)}__`, 1]));
    const error = await handleRecordTrace({ auth: signedIn, data: { ...trace("success"), metadata } }, { db: untouchedDb, config }).then(
      () => assert.fail("reserved keys are invalid"),
      (caught: unknown) => caught as HttpsError,
    );
    const fields = (error.details as { fields: string[] }).fields;
    assert.equal(fields.length, MAX_REPORTED_FIELDS);
    assert.ok(fields.every((field) => field.length <= 200), "each field path is cut");
    assert.ok(error.message.length < 2_000, `message of ${error.message.length} chars`);
    assert.match(error.message, /and 4995 more$/);
  });
});

describe("toHttpsError", () => {
  const grpc = (code: number) => toHttpsError(Object.assign(new Error("x"), { code }));

  it("tells the caller to retry when Firestore is unavailable or overloaded, with codes on RETRYABLE_CODES", () => {
    for (const code of [1, 2, 4, 10, 13, 14]) assert.equal(grpc(code).code, "unavailable", `gRPC ${code}`);
    assert.equal(grpc(8).code, "resource-exhausted");
    assert.equal(toHttpsError(new Error("connect ECONNREFUSED 127.0.0.1:8080")).code, "unavailable");
    for (const code of [1, 2, 4, 8, 10, 13, 14]) assert.ok(isRetryableCode(grpc(code).code), `gRPC ${code}`);
  });

  it("names the cause of a permanent Firestore failure, with a code the tracer does not retry", () => {
    const expected: Record<number, string> = { 3: "invalid-argument", 5: "failed-precondition", 7: "failed-precondition", 9: "failed-precondition", 11: "invalid-argument", 12: "unimplemented", 15: "data-loss", 16: "failed-precondition" };
    for (const [code, answer] of Object.entries(expected)) {
      const error = grpc(Number(code));
      assert.equal(error.code, answer, `gRPC ${code}`);
      assert.ok(!isRetryableCode(error.code), `gRPC ${code}`);
      assert.doesNotMatch(error.message, /could not be stored/);
    }
    assert.match(grpc(7).message, /service account/);
  });

  it("keeps internal for what is a bug on our side (an error with no gRPC status)", () => {
    assert.equal(toHttpsError(new TypeError("undefined is not a function")).code, "internal");
    assert.equal(toHttpsError(Object.assign(new Error("x"), { code: 99 })).code, "internal");
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
