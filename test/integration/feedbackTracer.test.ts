import { strict as assert } from "node:assert";
import { randomTraceId, TraceIdRatioBasedSampler } from "@agent-traces/core";
import { feedbackRef, getTrace, TRACES_COLLECTION } from "@agent-traces/admin";
import { createTracer, feedback, TraceContext, type Tracer, type TraceSendError } from "@agent-traces/tracer";
import { adminFirestore, clearFirestore, clientSession, type ClientSession } from "./support/emulators.js";

/** The functions' TRACE_SAMPLE_RATE on the local stack (functions/.env), which the tracer below also samples at. */
const SAMPLE_RATE = 0.1;
const sampler = new TraceIdRatioBasedSampler(SAMPLE_RATE);

/** A trace id the shared sampler keeps (`kept`) or drops at SAMPLE_RATE: the tracer and the server decide alike on it. */
function traceIdThat(kept: boolean): string {
  for (;;) {
    const id = randomTraceId();
    if (sampler.shouldSample(id) === kept) return id;
  }
}

/** One successful turn of a chat agent, recorded with `tracer.record` under a chosen id (withTrace picks its own). */
function recordTurn(tracer: Tracer, options: { traceId: string; sessionId: string; turn: number; startedAt: Date; output?: string }): void {
  const trace = new TraceContext({ traceId: options.traceId, sessionId: options.sessionId, userId: "alice", skill: "chat", startedAt: options.startedAt });
  trace.incrementIteration();
  trace.addToolTrace({ name: "search", input: { q: `question ${options.turn}` }, output: `result ${options.turn}`, duration_ms: 3, timestamp: options.startedAt.toISOString() });
  trace.setOutput(options.output ?? `answer ${options.turn}`);
  trace.end({ threw: false, endedAt: new Date(options.startedAt.getTime() + 500) });
  tracer.record(trace.toTraceInput());
}

describe("sessions and feedback end to end: the tracer -> recordTrace / recordFeedback (functions emulator) -> Firestore", () => {
  let alice: ClientSession;
  let bob: ClientSession;
  const failed: TraceSendError[] = [];
  const onError = (error: TraceSendError) => void failed.push(error);

  before(async () => {
    await clearFirestore();
    alice = await clientSession();
    bob = await clientSession();
  });
  after(async () => {
    await alice.close();
    await bob.close();
  });
  afterEach(() => assert.deepEqual(failed.splice(0).map((error) => error.message), [], "every run was delivered"));

  it("a 5-run conversation by the plain tracer with one session id is one session in Firestore, its runs in order", async () => {
    const tracer = createTracer({ functions: alice.functions, sampleRate: 1, onError });
    const sessionId = `conversation-${randomTraceId()}`;
    const start = Date.now() - 60_000;
    // Four successes the server's sampler keeps, then a failure (always kept) through withTrace's sessionId option.
    const ids = [1, 2, 3, 4].map((turn) => {
      const traceId = traceIdThat(true);
      recordTurn(tracer, { traceId, sessionId, turn, startedAt: new Date(start + turn * 1_000) });
      return traceId;
    });
    await tracer
      .withTrace({ sessionId, userId: "alice", skill: "chat" }, async (trace) => {
        ids.push(trace.traceId);
        throw new Error("the model refused to answer");
      })
      .catch(() => undefined);
    recordTurn(tracer, { traceId: traceIdThat(true), sessionId: `another-${sessionId}`, turn: 1, startedAt: new Date(start) });
    assert.equal(await tracer.flush(50_000), true);

    const session = await adminFirestore().collection(TRACES_COLLECTION).where("session_id", "==", sessionId).orderBy("started_at").get();
    assert.deepEqual(
      session.docs.map((doc) => doc.id),
      ids,
      "the session's five runs, oldest first, no other",
    );
    for (const doc of session.docs) {
      assert.equal(doc.get("has_session"), true);
      assert.equal(doc.get("recorded_by"), alice.uid);
    }
    assert.deepEqual(
      session.docs.map((doc) => doc.get("status")),
      ["success", "success", "success", "success", "error"],
    );
  });

  it("a thumbs-down on a success the tracer sampled out stores the run with its rating (kept for feedback, weight 0); another user's thumbs-down is refused", async () => {
    const tracer = createTracer({ functions: alice.functions, sampleRate: SAMPLE_RATE, onError });
    const traceId = traceIdThat(false);
    const sessionId = `conversation-${randomTraceId()}`;
    recordTurn(tracer, { traceId, sessionId, turn: 1, startedAt: new Date(), output: "The capital of Spain is Paris." });
    assert.deepEqual([tracer.stats.sampledOut, tracer.stats.held, tracer.stats.queued], [1, 1, 0], "sampled out, held, not sent");
    await tracer.flush();
    assert.equal(await getTrace(adminFirestore(), traceId), undefined, "not stored before the complaint");

    const result = await tracer.feedback(traceId, { rating: "down", value: 0, comment: "Wrong: it is Madrid. My key is sk-proj-" + "Ab3".repeat(12), tags: ["wrong-answer"] });
    assert.deepEqual(result, { recorded: true, runStored: true });
    assert.equal(tracer.stats.held, 0, "released once stored");

    const run = (await adminFirestore().collection(TRACES_COLLECTION).doc(traceId).get()).data();
    assert.ok(run, "the run is stored");
    assert.equal(run.kept_for, "feedback");
    assert.equal(run.weight, 0, "the sampled successes' weights already stand for it");
    assert.equal(run.status, "success");
    assert.equal(run.final_output, "The capital of Spain is Paris.");
    assert.equal(run.session_id, sessionId);
    assert.equal(run.recorded_by, alice.uid);
    assert.deepEqual(run.feedback, { up: 0, down: 1 });
    assert.equal(run.negative_feedback, true);
    const rating = (await feedbackRef(adminFirestore(), traceId, alice.uid!).get()).data();
    assert.ok(rating, "the rating is stored");
    assert.deepEqual(
      { rated_by: rating.rated_by, rating: rating.rating, value: rating.value, tags: rating.tags, session_id: rating.session_id },
      { rated_by: alice.uid, rating: "down", value: 0, tags: ["wrong-answer"], session_id: sessionId },
    );
    assert.match(rating.comment, /^Wrong: it is Madrid\. My key is /);
    assert.doesNotMatch(rating.comment, /sk-proj-/, "redacted like trace text");

    // Bob is signed in elsewhere: the module-level feedback() with his Functions instance.
    const refused = await feedback({ functions: bob.functions }, traceId, { rating: "down", comment: "me too" });
    assert.equal(refused.recorded, false);
    assert.equal(refused.recorded === false && refused.reason, "refused");
    assert.match(refused.recorded === false ? refused.message : "", /sent by another caller/);
    assert.deepEqual((await adminFirestore().collection(TRACES_COLLECTION).doc(traceId).get()).get("feedback"), { up: 0, down: 1 }, "bob's rating counts nothing");
    assert.equal((await feedbackRef(adminFirestore(), traceId, bob.uid!).get()).exists, false);
  });

  it("feedback on a run neither stored nor held is answered not_stored, and nothing is written", async () => {
    const tracer = createTracer({ functions: alice.functions, sampleRate: SAMPLE_RATE, holdSampledOut: false, onError });
    const traceId = traceIdThat(false);
    recordTurn(tracer, { traceId, sessionId: "s", turn: 1, startedAt: new Date() });
    assert.equal(tracer.stats.held, 0);
    const result = await tracer.feedback(traceId, { rating: "down", comment: "wrong" });
    assert.equal(result.recorded, false);
    assert.equal(result.recorded === false && result.reason, "not_stored");
    assert.match(result.recorded === false ? result.message : "", new RegExp(`No stored run has trace id ${traceId}`));
    assert.equal(await getTrace(adminFirestore(), traceId), undefined);
    assert.equal((await feedbackRef(adminFirestore(), traceId, alice.uid!).get()).exists, false);
  });
});
