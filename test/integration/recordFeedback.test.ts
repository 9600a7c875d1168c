import { strict as assert } from "node:assert";
import { Timestamp, type DocumentData } from "firebase-admin/firestore";
import { deleteApp, FirebaseError, initializeApp } from "firebase/app";
import { connectAuthEmulator, getAuth, signInWithEmailAndPassword, signOut } from "firebase/auth";
import { connectFunctionsEmulator, getFunctions, httpsCallable, type Functions } from "firebase/functions";
import { ROOT_CONTEXT } from "@opentelemetry/api";
import { SamplingDecision, TraceIdRatioBasedSampler as OtelSampler } from "@opentelemetry/sdk-trace-base";
import { escapeWireKeys, randomTraceId, type FeedbackInput, type TraceInput } from "@agent-traces/core";
import { REDACTED } from "../../packages/core/src/redact.js";
import { HttpsError } from "firebase-functions/v2/https";
import type { RecordTraceConfig } from "../../functions/src/config.js";
import { handleRecordFeedback } from "../../functions/src/recordFeedback/recordFeedbackHandler.js";
import { handleRecordTrace } from "../../functions/src/recordTrace/recordTraceHandler.js";
import { FEEDBACK_COLLECTION, feedbackId, TRACES_COLLECTION } from "@agent-traces/admin";
import { secretCorpus } from "../support/fakeSecrets.js";
import { adminAuth, adminFirestore, clearFirestore, clientSession, functionsOrigin, projectId, type ClientSession } from "./support/emulators.js";
import { aTrace } from "./support/traces.js";

/** The rate in functions/.env.demo-agent-traces, which the emulated function runs with. */
const DEMO_SAMPLE_RATE = 0.1;

function otelSamples(traceId: string): boolean {
  return new OtelSampler(DEMO_SAMPLE_RATE).shouldSample(ROOT_CONTEXT, traceId).decision === SamplingDecision.RECORD_AND_SAMPLED;
}

/** A trace id the server's sampler drops (`sampledOut`) or keeps. */
function idSampled(sampledOut: boolean): string {
  for (;;) {
    const id = randomTraceId();
    if (otelSamples(id) !== sampledOut) return id;
  }
}

async function runDoc(traceId: string): Promise<DocumentData | undefined> {
  return (await adminFirestore().collection(TRACES_COLLECTION).doc(traceId).get()).data();
}

/** Every rating of a run, by rater uid. */
async function ratingsOf(traceId: string): Promise<Map<string, DocumentData>> {
  const snapshot = await adminFirestore().collection(FEEDBACK_COLLECTION).where("trace_id", "==", traceId).get();
  return new Map(snapshot.docs.map((doc) => [doc.data().rated_by as string, doc.data()]));
}

async function refusal(call: Promise<unknown>, code: string): Promise<FirebaseError & { details?: unknown }> {
  const error = await call.then(
    (answer) => assert.fail(`expected functions/${code}, got ${JSON.stringify(answer)}`),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof FirebaseError, `expected a FirebaseError, got ${String(error)}`);
  assert.equal(error.code, `functions/${code}`, error.message);
  return error as FirebaseError & { details?: unknown };
}

/** `recordFeedback` through the real Firebase JS SDK, as the tracer calls it. */
const rate = (functions: Functions, feedback: FeedbackInput | Record<string, unknown>) =>
  httpsCallable(functions, "recordFeedback")(feedback).then((result) => result.data);

describe("recordFeedback through the functions emulator (real JS SDK clients)", () => {
  let sender: ClientSession;
  let other: ClientSession;
  let admin: { uid: string; functions: Functions; close(): Promise<void> };
  const adminEmail = `feedback-admin-${Date.now()}@example.com`;

  before(async () => {
    await clearFirestore();
    sender = await clientSession();
    other = await clientSession();
    // An admin signs in with email and password after the claim is set, so that their ID token carries admin: true.
    const { uid } = await adminAuth().createUser({ email: adminEmail, password: "correct horse battery" });
    await adminAuth().setCustomUserClaims(uid, { admin: true });
    const app = initializeApp({ projectId, apiKey: "fake-api-key" }, `feedback-admin-${Date.now()}`);
    const auth = getAuth(app);
    connectAuthEmulator(auth, `http://${process.env.FIREBASE_AUTH_EMULATOR_HOST}`, { disableWarnings: true });
    const functions = getFunctions(app);
    connectFunctionsEmulator(functions, functionsOrigin().hostname, Number(functionsOrigin().port));
    const { user } = await signInWithEmailAndPassword(auth, adminEmail, "correct horse battery");
    assert.equal((await user.getIdTokenResult()).claims.admin, true);
    admin = { uid, functions, close: async () => (await signOut(auth), await deleteApp(app)) };
  });
  after(async () => {
    await sender?.close();
    await other?.close();
    await admin?.close();
    const user = await adminAuth().getUserByEmail(adminEmail).catch(() => undefined);
    if (user) await adminAuth().deleteUser(user.uid);
  });

  describe("a stored run", () => {
    const trace = aTrace({ status: "error", session_id: "chat-feedback-1", metadata: { error: "wrong tool" } });
    const { text: secretText, secrets } = secretCorpus()[0]!;

    before(async () => {
      assert.equal(((await sender.callRecordTrace(trace)) as { stored: boolean }).stored, true);
    });

    it("is rated by its sender: the rating stored (comment redacted), the run's counts and negative_feedback set", async () => {
      const answer = await rate(sender.functions, { trace_id: trace.trace_id, rating: "down", value: 1, comment: `Wrong answer. ${secretText}`, tags: ["wrong-answer", "slow"] });
      assert.deepEqual(answer, { trace_id: trace.trace_id, recorded: true, run_stored: false });

      const run = await runDoc(trace.trace_id);
      assert.deepEqual(run?.feedback, { up: 0, down: 1 });
      assert.equal(run?.negative_feedback, true);
      const rating = (await adminFirestore().collection(FEEDBACK_COLLECTION).doc(feedbackId(trace.trace_id, sender.uid!)).get()).data();
      assert.ok(rating, "stored under trace id and rater uid");
      assert.deepEqual(
        { ...rating, comment: undefined, created_at: undefined, updated_at: undefined, run_started_at: undefined, expire_at: undefined },
        {
          trace_id: trace.trace_id,
          rated_by: sender.uid,
          run_recorded_by: sender.uid,
          rating: "down",
          value: 1,
          tags: ["wrong-answer", "slow"],
          user_id: trace.user_id,
          skill: trace.skill,
          session_id: "chat-feedback-1",
          run_status: "error",
          schema_version: 1,
          comment: undefined,
          created_at: undefined,
          updated_at: undefined,
          run_started_at: undefined,
          expire_at: undefined,
        },
      );
      assert.ok((rating.comment as string).startsWith("Wrong answer. "));
      assert.ok((rating.comment as string).includes(REDACTED));
      for (const secret of secrets) assert.ok(!(rating.comment as string).includes(secret), "the comment is redacted like trace text");
      for (const field of ["created_at", "updated_at", "run_started_at", "expire_at"]) assert.ok(rating[field] instanceof Timestamp, `${field} is a Timestamp`);
      assert.ok((rating.expire_at as Timestamp).isEqual(run!.expire_at as Timestamp), "expires with its run (the same TTL instant)");
      assert.ok((rating.run_started_at as Timestamp).isEqual(run!.started_at as Timestamp));
      assert.ok((rating.created_at as Timestamp).isEqual(rating.updated_at as Timestamp), "a first rating: created when updated");
    });

    it("replaces the sender's first rating by their second: one rating, counts moved, negative_feedback cleared", async () => {
      const first = (await ratingsOf(trace.trace_id)).get(sender.uid!)!;
      const answer = await rate(sender.functions, { trace_id: trace.trace_id.toUpperCase(), rating: "up" });
      assert.deepEqual(answer, { trace_id: trace.trace_id, recorded: true, run_stored: false });

      const ratings = await ratingsOf(trace.trace_id);
      assert.deepEqual([...ratings.keys()], [sender.uid]);
      const second = ratings.get(sender.uid!)!;
      assert.equal(second.rating, "up");
      for (const field of ["value", "comment", "tags"]) assert.equal(field in second, false, `${field} of the first rating is gone`);
      assert.ok((second.created_at as Timestamp).isEqual(first.created_at as Timestamp), "created_at is the first rating's");
      assert.ok((second.updated_at as Timestamp).toMillis() > (first.updated_at as Timestamp).toMillis(), "updated_at is the second's");
      const run = await runDoc(trace.trace_id);
      assert.deepEqual(run?.feedback, { up: 1, down: 0 });
      assert.equal("negative_feedback" in run!, false);
    });

    it("is rated by an admin (custom claim admin: true) beside its sender, each rater counted once", async () => {
      const answer = await rate(admin.functions, { trace_id: trace.trace_id, rating: "down", comment: "confirmed" });
      assert.deepEqual(answer, { trace_id: trace.trace_id, recorded: true, run_stored: false });
      const ratings = await ratingsOf(trace.trace_id);
      assert.deepEqual([...ratings.keys()].sort(), [admin.uid, sender.uid].sort());
      assert.equal(ratings.get(admin.uid)?.rating, "down");
      const run = await runDoc(trace.trace_id);
      assert.deepEqual(run?.feedback, { up: 1, down: 1 });
      assert.equal(run?.negative_feedback, true);
    });

    it("refuses another user with permission-denied and writes nothing", async () => {
      const before = await runDoc(trace.trace_id);
      const error = await refusal(rate(other.functions, { trace_id: trace.trace_id, rating: "down", comment: "not mine" }), "permission-denied");
      assert.match(error.message, /sent by another caller: only its sender or an admin/);
      assert.deepEqual([...(await ratingsOf(trace.trace_id)).keys()].sort(), [admin.uid, sender.uid].sort());
      assert.deepEqual((await runDoc(trace.trace_id))?.feedback, before?.feedback);
    });

    it("refuses invalid fields with invalid-argument naming them in the message and details.fields, writing nothing", async () => {
      const before = await runDoc(trace.trace_id);
      const error = await refusal(rate(sender.functions, { trace_id: trace.trace_id, rating: "meh", tags: ["ok", ""], score: 5 }), "invalid-argument");
      assert.deepEqual(((error.details as { fields: string[] }).fields ?? []).sort(), ["rating", "score", "tags[1]"]);
      for (const field of ["rating", "tags[1]", "score"]) assert.ok(error.message.includes(`${field}: `), `${error.message} names ${field}`);
      const ratings = await ratingsOf(trace.trace_id);
      assert.equal(ratings.get(sender.uid!)?.rating, "up", "the sender's rating is as it was");
      assert.deepEqual((await runDoc(trace.trace_id))?.feedback, before?.feedback);
    });
  });

  it("answers feedback on an id no stored run has with not-found, saying why, and writes nothing", async () => {
    const traceId = randomTraceId();
    const error = await refusal(rate(sender.functions, { trace_id: traceId, rating: "down" }), "not-found");
    // The SDK may append the HTTP status (" [404]") to the function's message.
    assert.ok(error.message.startsWith(`No stored run has trace id ${traceId}: it was sampled out and not held by the sender, or it expired; the feedback was not recorded.`), error.message);
    assert.equal((await ratingsOf(traceId)).size, 0);
    assert.equal(await runDoc(traceId), undefined);
  });

  it("refuses a caller who is not signed in", async () => {
    const anonymous = await clientSession({ signedIn: false });
    try {
      await refusal(rate(anonymous.functions, { trace_id: randomTraceId(), rating: "up" }), "unauthenticated");
    } finally {
      await anonymous.close();
    }
  });

  describe("keep on complaint: a sampled-out success sent with a thumbs-down", () => {
    const held: TraceInput = aTrace({ trace_id: idSampled(true), status: "success", session_id: "chat-held", final_output: "The capital of Australia is Sydney." });

    it("is sampled out when sent on its own, so nothing of it is stored", async () => {
      assert.deepEqual(await sender.callRecordTrace(held), { trace_id: held.trace_id, stored: false, reason: "sampled_out" });
      assert.equal(await runDoc(held.trace_id), undefined);
      await refusal(rate(sender.functions, { trace_id: held.trace_id, rating: "down" }), "not-found");
    });

    it("is stored with the feedback: kept_for feedback, weight 0, its session and the rating", async () => {
      const answer = await rate(sender.functions, { trace_id: held.trace_id, rating: "down", comment: "Wrong capital", trace: held, sample_rate: DEMO_SAMPLE_RATE });
      assert.deepEqual(answer, { trace_id: held.trace_id, recorded: true, run_stored: true });
      const run = await runDoc(held.trace_id);
      assert.ok(run, "the held run is stored");
      assert.equal(run.kept_for, "feedback");
      assert.equal(run.weight, 0, "weighs nothing in the report: the sampled successes stand for it");
      assert.equal(run.sample_rate, DEMO_SAMPLE_RATE);
      assert.equal(run.status, "success");
      assert.equal(run.recorded_by, sender.uid);
      assert.equal(run.session_id, "chat-held");
      assert.equal(run.has_session, true);
      assert.equal(run.final_output, held.final_output);
      assert.deepEqual(run.feedback, { up: 0, down: 1 });
      assert.equal(run.negative_feedback, true);
      const rating = (await ratingsOf(held.trace_id)).get(sender.uid!);
      assert.equal(rating?.rating, "down");
      assert.equal(rating?.comment, "Wrong capital");
      assert.equal(rating?.run_status, "success");
      assert.ok((rating?.expire_at as Timestamp).isEqual(run.expire_at as Timestamp), "expires with its run");
    });

    it("answers a retried call run_stored: true (the run is stored, by its first attempt) and counts the rating once", async () => {
      const answer = await rate(sender.functions, { trace_id: held.trace_id, rating: "down", comment: "Wrong capital", trace: held, sample_rate: DEMO_SAMPLE_RATE });
      assert.deepEqual(answer, { trace_id: held.trace_id, recorded: true, run_stored: true });
      assert.deepEqual((await runDoc(held.trace_id))?.feedback, { up: 0, down: 1 });
      assert.equal((await ratingsOf(held.trace_id)).size, 1);
    });

    it("refuses another user sending a run under that id with permission-denied, writing nothing", async () => {
      const error = await refusal(rate(other.functions, { trace_id: held.trace_id, rating: "down", trace: held, sample_rate: DEMO_SAMPLE_RATE }), "permission-denied");
      assert.match(error.message, /Another run holds trace id/);
      assert.deepEqual([...(await ratingsOf(held.trace_id)).keys()], [sender.uid]);
      assert.equal((await runDoc(held.trace_id))?.recorded_by, sender.uid);
    });

    it("stores a run the server's sampler keeps as a sampled run, weighed as one", async () => {
      const kept = aTrace({ trace_id: idSampled(false), status: "success" });
      const answer = await rate(sender.functions, { trace_id: kept.trace_id, rating: "down", trace: kept, sample_rate: DEMO_SAMPLE_RATE });
      assert.deepEqual(answer, { trace_id: kept.trace_id, recorded: true, run_stored: true });
      const run = await runDoc(kept.trace_id);
      assert.deepEqual([run?.kept_for, run?.weight], ["sampled", 1 / DEMO_SAMPLE_RATE]);
    });

    it('stores a held run\'s "@type" and hasOwnProperty keys as sent (escaped for the wire, as the tracer sends them)', async () => {
      const jsonLd = aTrace({ trace_id: idSampled(true), status: "success", metadata: { person: { "@type": "Person", name: "Ada" }, hasOwnProperty: "yes" } });
      const answer = await rate(sender.functions, escapeWireKeys({ trace_id: jsonLd.trace_id, rating: "down", trace: jsonLd, sample_rate: DEMO_SAMPLE_RATE }));
      assert.deepEqual(answer, { trace_id: jsonLd.trace_id, recorded: true, run_stored: true });
      assert.deepEqual((await runDoc(jsonLd.trace_id))?.metadata, { person: { "@type": "Person", name: "Ada" }, hasOwnProperty: "yes" });
    });

    it("stores nothing for a thumbs-up sent with the run: only a complaint keeps a run", async () => {
      const liked = aTrace({ trace_id: idSampled(true), status: "success" });
      await refusal(rate(sender.functions, { trace_id: liked.trace_id, rating: "up", trace: liked, sample_rate: DEMO_SAMPLE_RATE }), "not-found");
      assert.equal(await runDoc(liked.trace_id), undefined);
    });

    it("refuses an invalid run, or one under another id, with invalid-argument naming trace's fields, writing nothing", async () => {
      const bad = aTrace({ trace_id: idSampled(true), status: "success" });
      const invalid = await refusal(rate(sender.functions, { trace_id: bad.trace_id, rating: "down", trace: { ...bad, iterations: -1 } }), "invalid-argument");
      assert.deepEqual((invalid.details as { fields: string[] }).fields, ["trace.iterations"]);
      const elsewhere = await refusal(rate(sender.functions, { trace_id: randomTraceId(), rating: "down", trace: bad }), "invalid-argument");
      assert.deepEqual((elsewhere.details as { fields: string[] }).fields, ["trace.trace_id"]);
      assert.equal(await runDoc(bad.trace_id), undefined);
      assert.equal((await ratingsOf(bad.trace_id)).size, 0);
    });
  });

  it("stores a comment as its description with content capture off, and a held run's content too (in-process, TRACE_CAPTURE_CONTENT false)", async () => {
    const config: RecordTraceConfig = { sampleRate: DEMO_SAMPLE_RATE, ttlDays: 7, errorTtlDays: 7, enforceAppCheck: false, rateLimitPerMinute: 600, captureContent: false };
    const caller = { uid: `capture-off-${randomTraceId()}`, token: {} as never, rawToken: "" };
    const call = { db: adminFirestore(), config };
    const held = aTrace({ trace_id: idSampled(true), status: "success", final_output: "the secret plan for the merger" });
    const comment = "you told my colleague about the merger";
    const answer = await handleRecordFeedback({ auth: caller, data: { trace_id: held.trace_id, rating: "down", comment, tags: ["leak"], trace: held } }, call);
    assert.deepEqual(answer, { trace_id: held.trace_id, recorded: true, run_stored: true });
    const rating = (await ratingsOf(held.trace_id)).get(caller.uid)!;
    assert.equal(rating.comment, `[not captured: string, ${comment.length} chars]`);
    assert.deepEqual(rating.tags, ["leak"], "tags are the app's labels, kept like metadata");
    assert.doesNotMatch(JSON.stringify(rating), /merger/);
    const stored = await runDoc(held.trace_id);
    assert.equal(stored?.content_captured, false);
    assert.doesNotMatch(JSON.stringify(stored), /merger/);
  });

  it("counts the run sent with a thumbs-down toward the caller's trace rate limit, and the ratings themselves not (in-process, limit 2)", async () => {
    const config: RecordTraceConfig = { sampleRate: DEMO_SAMPLE_RATE, ttlDays: 7, errorTtlDays: 7, enforceAppCheck: false, rateLimitPerMinute: 2, captureContent: true };
    const caller = { uid: `limited-${randomTraceId()}`, token: {} as never, rawToken: "" };
    const call = { db: adminFirestore(), config };
    const failed = aTrace({ status: "error" });
    assert.deepEqual(await handleRecordTrace({ auth: caller, data: failed }, call), { trace_id: failed.trace_id, stored: true, reason: "error" });
    for (const rating of ["down", "up", "down"] as const) {
      assert.deepEqual(await handleRecordFeedback({ auth: caller, data: { trace_id: failed.trace_id, rating } }, call), { trace_id: failed.trace_id, recorded: true, run_stored: false });
    }
    const first = aTrace({ trace_id: idSampled(true), status: "success" });
    assert.deepEqual(await handleRecordFeedback({ auth: caller, data: { trace_id: first.trace_id, rating: "down", trace: first } }, call), { trace_id: first.trace_id, recorded: true, run_stored: true });
    const second = aTrace({ trace_id: idSampled(true), status: "success" });
    const error = await handleRecordFeedback({ auth: caller, data: { trace_id: second.trace_id, rating: "down", trace: second } }, call).then(
      () => assert.fail("expected resource-exhausted"),
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof HttpsError, String(error));
    assert.equal(error.code, "resource-exhausted");
    assert.match(error.message, /limit of 2 traces in the last minute/);
    assert.ok(((error.details as { retry_after_ms: number }).retry_after_ms ?? 0) > 0);
    assert.equal(await runDoc(second.trace_id), undefined, "the run over the limit is not stored");
    assert.equal((await ratingsOf(second.trace_id)).size, 0, "nor its rating");
  });
});
