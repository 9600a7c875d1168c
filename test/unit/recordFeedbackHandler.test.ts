import { strict as assert } from "node:assert";
import type { Firestore } from "firebase-admin/firestore";
import { HttpsError } from "firebase-functions/v2/https";
import { LIMITS, randomTraceId, TraceIdRatioBasedSampler } from "@agent-traces/core";
import type { RecordTraceConfig } from "../../functions/src/config.js";
import { handleRecordFeedback } from "../../functions/src/recordFeedback/recordFeedbackHandler.js";
import { prepareTrace } from "../../functions/src/recordTrace/prepareTrace.js";

/** These paths end before any write, so a database that fails the test if touched is enough. */
const untouchedDb = new Proxy({} as Firestore, {
  get: (_target, property) => {
    throw new Error(`the handler touched Firestore (${String(property)}) on a path that must not write`);
  },
});
const config: RecordTraceConfig = { sampleRate: 0.1, ttlDays: 7, errorTtlDays: 7, enforceAppCheck: false, rateLimitPerMinute: 600, captureContent: true };
const signedIn = { uid: "caller", token: {} as never, rawToken: "" };
const sampler = new TraceIdRatioBasedSampler(config.sampleRate);
const idWhere = (kept: boolean) => {
  for (;;) {
    const id = randomTraceId();
    if (sampler.shouldSample(id) === kept) return id;
  }
};
const run = (traceId: string, fields: Record<string, unknown> = {}) => ({ trace_id: traceId, started_at: "2025-01-01T00:00:00Z", ended_at: "2025-01-01T00:00:01Z", status: "success", ...fields });

async function rejection(data: unknown, { auth }: { auth: typeof signedIn | undefined } = { auth: signedIn }): Promise<HttpsError> {
  const error = await handleRecordFeedback({ auth, data }, { db: untouchedDb, config }).then(
    () => assert.fail("expected a rejection"),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof HttpsError, String(error));
  return error;
}

const fieldsOf = (error: HttpsError) => (error.details as { fields: string[] }).fields;

describe("handleRecordFeedback (in-process): refusals before anything is written", () => {
  it("refuses a caller without auth as unauthenticated, and one without App Check while it is enforced", async () => {
    assert.equal((await rejection({ trace_id: randomTraceId(), rating: "up" }, { auth: undefined })).code, "unauthenticated");
    const error = await handleRecordFeedback({ auth: signedIn, data: { trace_id: randomTraceId(), rating: "up" } }, { db: untouchedDb, config: { ...config, enforceAppCheck: true } }).catch((caught: unknown) => caught);
    assert.ok(error instanceof HttpsError && error.code === "unauthenticated" && /App Check/.test(error.message), String(error));
  });

  it("refuses a payload that is not a feedback object, saying so", async () => {
    for (const data of [null, "down", [{ rating: "down" }], 7]) {
      const error = await rejection(data);
      assert.equal(error.code, "invalid-argument");
      assert.match(error.message, /^Invalid feedback: the payload must be a feedback object/);
      assert.deepEqual(fieldsOf(error), []);
    }
  });

  it("names every bad field in invalid-argument and its details.fields, never internal", async () => {
    const error = await rejection({
      trace_id: "not-a-trace-id",
      rating: "meh",
      value: "5",
      comment: 3,
      tags: Array.from({ length: LIMITS.feedbackTags + 1 }, () => "t"),
      extra: true,
    });
    assert.equal(error.code, "invalid-argument");
    assert.match(error.message, /^Invalid feedback: /);
    assert.deepEqual([...fieldsOf(error)].sort(), ["comment", "extra", "rating", "tags", "trace_id", "value"]);
    assert.match(error.message, /rating: must be "up" or "down"/);
    const tag = await rejection({ trace_id: randomTraceId(), rating: "up", tags: ["ok", "", "x".repeat(LIMITS.feedbackTagChars + 1)] });
    assert.deepEqual(fieldsOf(tag), ["tags[1]", "tags[2]"]);
    const missing = await rejection({ rating: "down" });
    assert.deepEqual(fieldsOf(missing), ["trace_id"]);
  });

  it("refuses a run sent with the feedback under another trace id, naming trace.trace_id", async () => {
    const error = await rejection({ trace_id: randomTraceId(), rating: "down", trace: run(idWhere(false)) });
    assert.equal(error.code, "invalid-argument");
    assert.deepEqual(fieldsOf(error), ["trace.trace_id"]);
    assert.match(error.message, /trace\.trace_id: must be the rated run's id/);
  });

  it("refuses an invalid run sent with the feedback, naming its fields under trace", async () => {
    const traceId = idWhere(false);
    const error = await rejection({ trace_id: traceId, rating: "down", trace: run(traceId, { iterations: -1, bogus: 1 }) });
    assert.equal(error.code, "invalid-argument");
    assert.deepEqual([...fieldsOf(error)].sort(), ["trace.bogus", "trace.iterations"]);
    assert.match(error.message, /^Invalid trace: /);
    const notAnObject = await rejection({ trace_id: traceId, rating: "down", trace: "the run" });
    assert.deepEqual(fieldsOf(notAnObject), ["trace"]);
  });
});

describe("prepareTrace with keptFor (keep on complaint)", () => {
  const context = { uid: "caller", config, receivedAt: new Date("2025-01-01T00:00:05Z") };

  it("writes a success the sampler drops, kept for feedback with weight 0; without keptFor it is answered sampled_out", () => {
    const traceId = idWhere(false);
    const kept = prepareTrace(run(traceId), { ...context, keptFor: "feedback" });
    assert.equal(kept.kind, "write");
    if (kept.kind !== "write") return;
    assert.deepEqual([kept.reason, kept.document.kept_for, kept.document.weight, kept.document.sample_rate], ["sampled_out", "feedback", 0, 0.1]);
    assert.deepEqual(prepareTrace(run(traceId), context), { kind: "answered", result: { trace_id: traceId, stored: false, reason: "sampled_out" } });
  });

  it("stores a success the sampler keeps, and a failure, as recordTrace would (kept_for from the sampler or the status)", () => {
    const sampled = prepareTrace(run(idWhere(true)), { ...context, keptFor: "feedback" });
    assert.ok(sampled.kind === "write" && sampled.document.kept_for === "sampled" && sampled.document.weight === 10, JSON.stringify(sampled));
    const failed = prepareTrace(run(idWhere(false), { status: "error" }), { ...context, keptFor: "feedback" });
    assert.ok(failed.kind === "write" && failed.document.kept_for === "error" && failed.document.weight === 1, JSON.stringify(failed));
  });

  it("samples at the lower of the server's and the sender's rate, as recordTrace's batch form does", () => {
    const traceId = idWhere(true);
    const lower = prepareTrace(run(traceId), { ...context, senderSampleRate: 0.01, keptFor: "feedback" });
    assert.ok(lower.kind === "write" && lower.document.sample_rate === 0.01, JSON.stringify(lower));
    // Kept by the server's 0.1 but perhaps not by 0.01: what the lower rate decides.
    const keptAtLower = new TraceIdRatioBasedSampler(0.01).shouldSample(traceId);
    assert.equal(lower.document.kept_for, keptAtLower ? "sampled" : "feedback");
  });

  it("keeps for feedback, weight 0, a run the sender's rate below MIN_SENDER_SAMPLE_RATE dropped, though the clamped rate would keep it", () => {
    const clamped = new TraceIdRatioBasedSampler(0.01);
    const traceId = (() => {
      for (;;) {
        const id = randomTraceId();
        if (clamped.shouldSample(id)) return id;
      }
    })();
    const sentAtZero = prepareTrace(run(traceId), { ...context, senderSampleRate: 0, keptFor: "feedback" });
    assert.ok(sentAtZero.kind === "write", JSON.stringify(sentAtZero));
    assert.deepEqual([sentAtZero.document.kept_for, sentAtZero.document.weight], ["feedback", 0]);
    // Without a complaint the same run goes the batch form's way: the clamped rate keeps it, weighing 100.
    const batch = prepareTrace(run(traceId), { ...context, senderSampleRate: 0 });
    assert.ok(batch.kind === "write" && batch.document.kept_for === "sampled" && batch.document.weight === 100, JSON.stringify(batch));
  });
});
