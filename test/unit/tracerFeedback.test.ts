import { strict as assert } from "node:assert";
import { setTimeout as sleep } from "node:timers/promises";
import { FunctionsError, type FunctionsErrorCodeCore } from "firebase/functions";
import { prepareTrace } from "../../packages/tracer/src/prepare/validatingPrepare.js";
import {
  randomTraceId,
  TraceIdRatioBasedSampler,
  type FeedbackInput,
  type RecordFeedbackResult,
  type RecordTraceBatchItemResult,
  type SanitizedTrace,
} from "@agent-traces/core";
import {
  createTracer,
  feedback,
  TraceContext,
  withTrace,
  type CallerIdentity,
  type FeedbackResult,
  type TraceExporter,
  type TracerOptions,
  type TraceSendError,
} from "@agent-traces/tracer";
import { HeldRuns } from "../../packages/tracer/src/export/HeldRuns.js";
import { queuedRun, type QueuedRun } from "../../packages/tracer/src/export/QueuedRun.js";
import { FakeCaller } from "../support/fakeCaller.js";

/** An id no rating in these tests is for. */
const OTHER_ID = `${"0".repeat(31)}1`;

type Behaviour = (payload: FeedbackInput, call: number) => Promise<unknown> | unknown;

/**
 * A recordTrace/recordFeedback stand-in: keeps what it is sent, in order, as `events`; a trace is
 * answered as `traceAnswer` says (stored by default), a rating as `rate` says (recorded by default,
 * `run_stored` when it carried the run). `gate` holds each export until it is opened.
 */
class FakeServer implements TraceExporter {
  readonly traces: SanitizedTrace[] = [];
  readonly ratings: FeedbackInput[] = [];
  readonly events: string[] = [];
  private feedbackCalls = 0;
  gate: Promise<void> = Promise.resolve();
  traceAnswer: (trace: SanitizedTrace) => RecordTraceBatchItemResult = (trace) => ({ trace_id: trace.trace_id, stored: true, reason: trace.status === "success" ? "sampled" : trace.status });
  rate: Behaviour = (payload) => ({ trace_id: payload.trace_id, recorded: true, run_stored: payload.trace !== undefined });
  constructor(readonly caller?: CallerIdentity) {}

  async export(traces: readonly SanitizedTrace[]): Promise<RecordTraceBatchItemResult[]> {
    this.events.push(`export ${traces.map((trace) => trace.trace_id).join(",")}`);
    await this.gate;
    this.traces.push(...traces);
    this.events.push("exported");
    return traces.map((trace) => this.traceAnswer(trace));
  }

  async sendFeedback(payload: FeedbackInput): Promise<RecordFeedbackResult> {
    this.events.push(`feedback ${payload.trace_id} ${payload.rating}${payload.trace ? " +trace" : ""}`);
    this.ratings.push(payload);
    return (await this.rate(payload, ++this.feedbackCalls)) as RecordFeedbackResult;
  }
}

/** Collects onError reports, to assert none happened. */
const reported: TraceSendError[] = [];

/** A tracer that samples every success out (so each one is held), retrying fast. */
function tracerFor(server: FakeServer, options: Partial<TracerOptions> = {}) {
  return createTracer({ exporter: server, sampleRate: 0, retry: { attempts: 3, initialDelayMs: 1, maxDelayMs: 2 }, onError: (error) => void reported.push(error), ...options } as TracerOptions);
}

/** Ends a success with a tool call and an output, and returns its trace id. */
async function success(tracer: ReturnType<typeof createTracer>, output = "the answer"): Promise<string> {
  let traceId = "";
  await tracer.withTrace({ skill: "chat", userId: "u1" }, async (trace) => {
    traceId = trace.traceId;
    await trace.tool("lookup", { q: "x" }, () => "found");
    trace.setOutput(output);
  });
  return traceId;
}

function fail(code: FunctionsErrorCodeCore, message = `${code} happened`): FunctionsError {
  return new FunctionsError(code, message);
}

/** A queued run of a finished success, for HeldRuns on its own. */
function heldRun(owner: string | null | undefined = null): QueuedRun {
  const trace = new TraceContext();
  trace.end({ threw: false });
  return queuedRun(trace.toTraceInput(), { onError: () => undefined }, 0, owner);
}

describe("tracer: held runs (keep on complaint), bounded", () => {
  it("holds at most maxRuns, the oldest going first; holding one again makes it the newest", () => {
    const held = new HeldRuns({ maxRuns: 3, maxAgeMs: 60_000 });
    const runs = Array.from({ length: 5 }, () => heldRun());
    for (const run of runs.slice(0, 3)) held.hold(run);
    held.hold(runs[0]!); // again: now the newest
    held.hold(runs[3]!);
    held.hold(runs[4]!);
    assert.equal(held.size, 3);
    assert.deepEqual(
      runs.map((run) => held.get(run.firstTraceId) === run),
      [true, false, false, true, true],
    );
  });

  it("holds each run maxAgeMs after it was held, then drops it", () => {
    let now = 1_000;
    const held = new HeldRuns({ maxRuns: 10, maxAgeMs: 500 }, () => now);
    const [first, second] = [heldRun(), heldRun()];
    held.hold(first!);
    now = 1_200;
    held.hold(second!);
    now = 1_499;
    assert.equal(held.size, 2);
    now = 1_500;
    assert.equal(held.get(first!.firstTraceId), undefined, "500 ms after it was held, the first is gone");
    assert.equal(held.get(second!.firstTraceId), second);
    now = 1_700;
    assert.equal(held.size, 0);
  });

  it("belongs to the user it was recorded as: another user's runs are dropped, runs of no known user adopted, as queued runs are", () => {
    const held = new HeldRuns({ maxRuns: 10, maxAgeMs: 60_000 });
    const alices = heldRun("alice");
    const nobodys = heldRun(null);
    const unknown = heldRun(undefined);
    for (const run of [alices, nobodys, unknown]) held.hold(run);
    held.onOwner("bob");
    assert.equal(held.get(alices.firstTraceId), undefined, "alice's run is never sent as bob");
    assert.equal(held.get(nobodys.firstTraceId)?.owner, "bob");
    assert.equal(held.get(unknown.firstTraceId)?.owner, "bob");
    held.onOwner("bob");
    assert.equal(held.size, 2, "the same user again: nothing changes");
    held.onOwner(null);
    assert.equal(held.size, 0, "bob signed out: his runs are gone");
  });

  it("releases only the run it is given", () => {
    const held = new HeldRuns({ maxRuns: 10, maxAgeMs: 60_000 });
    const run = heldRun();
    held.hold(run);
    held.release({ ...run });
    assert.equal(held.size, 1, "a copy with the same id is not the held run");
    held.release(run);
    assert.equal(held.size, 0);
  });
});

describe("tracer: holding what the sampler leaves out (createTracer)", () => {
  afterEach(() => assert.deepEqual(reported.splice(0).map((error) => error.message), []));

  it("holds the sampled-out successes, 100 by default in Node, counted in stats; never a failure, never sent", async () => {
    const server = new FakeServer();
    const tracer = tracerFor(server);
    const ids: string[] = [];
    for (let index = 0; index < 105; index++) ids.push(await success(tracer));
    await tracer.withTrace({}, () => Promise.reject(new Error("boom"))).catch(() => undefined);
    await tracer.flush();
    assert.equal(server.traces.length, 1, "only the failure was sent");
    assert.deepEqual({ sampledOut: tracer.stats.sampledOut, held: tracer.stats.held }, { sampledOut: 105, held: 100 });
    assert.deepEqual(ids.map((id) => tracer.holds(id)), ids.map((_, index) => index >= 5), "the newest 100");
  });

  it("holds maxRuns when told, none with holdSampledOut: false or maxRuns 0, and refuses bad bounds before any run", async () => {
    const bounded = tracerFor(new FakeServer(), { holdSampledOut: { maxRuns: 2 } });
    for (let index = 0; index < 3; index++) await success(bounded);
    assert.equal(bounded.stats.held, 2);
    for (const holdSampledOut of [false, { maxRuns: 0 }] as const) {
      const off = tracerFor(new FakeServer(), { holdSampledOut });
      await success(off);
      assert.deepEqual({ sampledOut: off.stats.sampledOut, held: off.stats.held }, { sampledOut: 1, held: 0 });
    }
    for (const holdSampledOut of [{ maxRuns: -1 }, { maxRuns: 1.5 }, { maxAgeMs: -5 }, { maxAgeMs: Number.NaN }]) {
      assert.throws(() => tracerFor(new FakeServer(), { holdSampledOut }), RangeError, JSON.stringify(holdSampledOut));
    }
  });

  it("holds a success the server sampled out (answered sampled_out), not one it stored", async () => {
    const server = new FakeServer();
    const tracer = tracerFor(server, { sampleRate: 1 });
    const dropped = await success(tracer, "dropped by the server");
    const kept = await success(tracer, "kept by the server");
    server.traceAnswer = (trace) => ({ trace_id: trace.trace_id, stored: trace.trace_id === kept, reason: trace.trace_id === kept ? "sampled" : "sampled_out" });
    await tracer.flush();
    assert.deepEqual([tracer.holds(dropped), tracer.holds(kept), tracer.stats.held], [true, false, 1]);
  });

  it("drops the held runs when another user signs in, and holds nothing after shutdown", async () => {
    const caller = new FakeCaller("alice");
    const server = new FakeServer(caller);
    const tracer = tracerFor(server);
    const alices = await success(tracer);
    caller.signIn("bob");
    assert.equal(tracer.holds(alices), false);
    const result = await tracer.feedback(alices, { rating: "down" });
    assert.equal(server.ratings[0]!.trace, undefined, "alice's run is never sent as bob");
    assert.deepEqual(result, { recorded: true, runStored: false });
    const bobs = await success(tracer);
    assert.equal(tracer.holds(bobs), true);
    await tracer.shutdown();
    assert.equal(tracer.stats.held, 0);
    await success(tracer).catch(() => undefined);
    assert.equal(tracer.stats.held, 0);
  });
});

describe("tracer: feedback()", () => {
  afterEach(() => assert.deepEqual(reported.splice(0).map((error) => error.message), []));

  it("sends a held run rated down with its rating, prepared as a queued run is, then releases it", async () => {
    const server = new FakeServer();
    const tracer = tracerFor(server, { sampleRate: 0.5 });
    const sampler = new TraceIdRatioBasedSampler(0.5);
    const trace = new TraceContext({ traceId: Array.from({ length: 256 }, () => randomTraceId()).find((id) => !sampler.shouldSample(id))!, skill: "chat", sessionId: "conv-1" });
    trace.setOutput(`my key is sk-proj-${"Ab3".repeat(12)}`);
    trace.end({ threw: false });
    tracer.record(trace.toTraceInput());
    assert.equal(tracer.holds(trace.traceId.toUpperCase()), true, "ids are compared lowercased");

    const result = await tracer.feedback(trace.traceId.toUpperCase(), { rating: "down", value: 1, comment: "wrong answer", tags: ["wrong"] });
    assert.deepEqual(result, { recorded: true, runStored: true });
    const expected = prepareTrace(trace.toTraceInput());
    assert.ok(expected.ok);
    assert.deepEqual(server.ratings, [{ trace_id: trace.traceId, rating: "down", value: 1, comment: "wrong answer", tags: ["wrong"], trace: expected.trace, sample_rate: 0.5, keep_rules: { failed_tool: true } }]);
    assert.doesNotMatch(JSON.stringify(server.ratings[0]!.trace), /sk-proj/, "redacted like a queued run");
    assert.equal(tracer.holds(trace.traceId), false, "released once recorded");
    assert.deepEqual(server.traces, [], "never sent through recordTrace");

    await tracer.feedback(trace.traceId, { rating: "down", comment: "still wrong" });
    assert.equal(server.ratings[1]!.trace, undefined, "a second rating goes alone: the run is stored");
  });

  it("sends a comment as its description with captureContent: false, the held run's content left out as when queued", async () => {
    const server = new FakeServer();
    const tracer = tracerFor(server, { sampleRate: 0, captureContent: false });
    const traceId = await success(tracer, "the merger closes friday");
    const comment = "you leaked the merger";
    assert.deepEqual(await tracer.feedback(traceId, { rating: "down", comment, tags: ["leak"] }), { recorded: true, runStored: true });
    const sent = server.ratings[0]!;
    assert.equal(sent.comment, `[not captured: string, ${comment.length} chars]`);
    assert.deepEqual(sent.tags, ["leak"]);
    assert.doesNotMatch(JSON.stringify(sent), /merger/);
    assert.equal((sent.trace as { content_captured?: boolean }).content_captured, false);
  });

  it("redacts and cuts a comment before sending it, as the server stores it, so a long one cannot outgrow the call", async () => {
    const server = new FakeServer();
    const tracer = tracerFor(server);
    const traceId = await success(tracer);
    const comment = `my key sk-proj-${"Ab3".repeat(12)} ${"x".repeat(600_000)}`;
    assert.deepEqual(await tracer.feedback(traceId, { rating: "down", comment }), { recorded: true, runStored: true });
    const sent = server.ratings[0]!.comment!;
    assert.ok(sent.length < 1100, `cut to about 1,000 characters, got ${sent.length}`);
    assert.doesNotMatch(sent, /sk-proj/);
  });

  it("sends an up rating alone and keeps holding the run; a held run that is not answered recorded stays held", async () => {
    const server = new FakeServer();
    const tracer = tracerFor(server);
    const traceId = await success(tracer);
    server.rate = () => Promise.reject(fail("not-found", `no stored run has trace id ${traceId}`));
    assert.deepEqual(await tracer.feedback(traceId, { rating: "up" }), { recorded: false, reason: "not_stored", message: `no stored run has trace id ${traceId}` });
    assert.equal(server.ratings[0]!.trace, undefined);
    server.rate = () => Promise.reject(fail("invalid-argument", "tags[0]: must be a string of 1-64 characters"));
    assert.equal((await tracer.feedback(traceId, { rating: "down", tags: [""] })).recorded, false);
    assert.ok(server.ratings[1]!.trace, "the down rating carried the run");
    assert.equal(tracer.holds(traceId), true, "still held: a corrected rating can still send it");
  });

  it("maps the server's answers: recorded, not_stored, refused, invalid, failed (final at once, retryable after the retries)", async () => {
    const cases: [Behaviour, FeedbackResult, number][] = [
      [(payload) => ({ trace_id: payload.trace_id, recorded: true, run_stored: false }), { recorded: true, runStored: false }, 1],
      [() => Promise.reject(fail("not-found", "no stored run")), { recorded: false, reason: "not_stored", message: "no stored run" }, 1],
      [() => Promise.reject(fail("permission-denied", "not your run")), { recorded: false, reason: "refused", message: "not your run" }, 1],
      [() => Promise.reject(fail("invalid-argument", "rating: bad")), { recorded: false, reason: "invalid", message: "rating: bad" }, 1],
      [() => Promise.reject(Object.assign(new Error("nope"), { code: "permission-denied" })), { recorded: false, reason: "refused", message: "nope" }, 1],
      [() => Promise.reject(fail("internal", "INTERNAL")), { recorded: false, reason: "failed", message: "INTERNAL" }, 1],
      [() => Promise.reject(fail("unauthenticated", "sign in")), { recorded: false, reason: "failed", message: "sign in" }, 1],
      [() => Promise.reject(fail("unavailable", "down")), { recorded: false, reason: "failed", message: "not recorded after 3 attempts: down" }, 3],
      [(payload, call) => (call < 3 ? Promise.reject(fail("unavailable")) : { trace_id: payload.trace_id, recorded: true, run_stored: false }), { recorded: true, runStored: false }, 3],
      [() => ({ recorded: "yes" }), { recorded: false, reason: "failed", message: 'recordFeedback answered with an unexpected response: {"recorded":"yes"}' }, 1],
      [
        () => ({ trace_id: OTHER_ID, recorded: true, run_stored: false }),
        { recorded: false, reason: "failed", message: `recordFeedback answered with an unexpected response: {"trace_id":"${OTHER_ID}","recorded":true,"run_stored":false}` },
        1,
      ],
    ];
    for (const [rate, expected, calls] of cases) {
      const server = new FakeServer();
      server.rate = rate;
      const result = await tracerFor(server, { holdSampledOut: false }).feedback(randomTraceId(), { rating: "up" });
      assert.deepEqual(result, expected);
      assert.equal(server.ratings.length, calls);
    }
  });

  it("tells what it can without a call: an id that is not text, a rating that is not up or down, an exporter without sendFeedback", async () => {
    const server = new FakeServer();
    const tracer = tracerFor(server);
    assert.deepEqual(await tracer.feedback(42 as unknown as string, { rating: "down" }), { recorded: false, reason: "invalid", message: "trace_id: must be a string of 32 hex digits (a W3C trace id), got number" });
    assert.deepEqual(await tracer.feedback(randomTraceId(), { rating: "meh" } as never), { recorded: false, reason: "invalid", message: 'rating: must be "up" or "down"' });
    assert.deepEqual(await tracer.feedback(randomTraceId(), undefined as never), { recorded: false, reason: "invalid", message: 'rating: must be "up" or "down"' });
    assert.equal(server.ratings.length, 0);
    const bare = createTracer({ exporter: { export: (traces) => server.export(traces) } });
    assert.deepEqual(await bare.feedback(randomTraceId(), { rating: "up" }), { recorded: false, reason: "failed", message: "the tracer's exporter cannot send feedback (it has no sendFeedback)" });
  });

  it("never rejects, whatever the exporter does: throws at once, hangs past the call timeout", async () => {
    const server = new FakeServer();
    server.sendFeedback = () => {
      throw new TypeError("exporter bug");
    };
    assert.deepEqual(await tracerFor(server).feedback(randomTraceId(), { rating: "up" }), { recorded: false, reason: "failed", message: "exporter bug" });
    const hanging = new FakeServer();
    hanging.rate = () => new Promise(() => undefined);
    const result = await tracerFor(hanging, { exportTimeoutMs: 5, retry: { attempts: 2, initialDelayMs: 1, maxDelayMs: 1 } }).feedback(randomTraceId(), { rating: "up" });
    assert.deepEqual(result, { recorded: false, reason: "failed", message: "not recorded after 2 attempts: the export call took longer than 5 ms" });
  });

  it("waits for a run still queued to be answered first (sending it now), and rates the id it was stored under", async () => {
    const server = new FakeServer();
    let open!: () => void;
    server.gate = new Promise((resolve) => (open = resolve));
    const tracer = tracerFor(server, { sampleRate: 1, scheduledDelayMs: 60_000 });
    const traceId = await success(tracer);
    const rated = tracer.feedback(traceId, { rating: "down" });
    await sleep(10);
    assert.deepEqual(server.events, [`export ${traceId}`], "the queue went without waiting out its delay; the rating waits for its answer");
    open();
    assert.deepEqual(await rated, { recorded: true, runStored: false });
    assert.deepEqual(server.events, [`export ${traceId}`, "exported", `feedback ${traceId} down`]);
  });

  it("rates a run re-keyed after a conflict under the id it was stored under, also after its answer", async () => {
    const server = new FakeServer();
    let conflicts = 0;
    server.traceAnswer = (trace) => (conflicts++ === 0 ? { trace_id: trace.trace_id, stored: false, reason: "conflict" } : { trace_id: trace.trace_id, stored: true, reason: "sampled" });
    const tracer = tracerFor(server, { sampleRate: 1 });
    const firstId = await success(tracer);
    assert.equal(await tracer.flush(), true);
    const storedId = server.traces.at(-1)!.trace_id;
    assert.notEqual(storedId, firstId, "the run went again under a new id");
    assert.deepEqual(await tracer.feedback(firstId, { rating: "down" }), { recorded: true, runStored: false });
    assert.equal(server.ratings[0]!.trace_id, storedId, "rated under the id it is stored under, not the id another run holds");
  });

  it("a queued run the server samples out is held on its answer and sent with the down rating that waited for it", async () => {
    const server = new FakeServer();
    server.traceAnswer = (trace) => ({ trace_id: trace.trace_id, stored: false, reason: "sampled_out" });
    const tracer = tracerFor(server, { sampleRate: 1, scheduledDelayMs: 60_000 });
    const traceId = await success(tracer);
    assert.deepEqual(await tracer.feedback(traceId, { rating: "down" }), { recorded: true, runStored: true });
    assert.deepEqual(server.events, [`export ${traceId}`, "exported", `feedback ${traceId} down +trace`]);
    assert.deepEqual(server.ratings[0]!.trace, server.traces[0], "the run as it was sent");
  });

  it("sends the ratings of one run one after the other, in the order given (the server keeps the last)", async () => {
    const server = new FakeServer();
    const traceId = randomTraceId();
    const answers: (() => void)[] = [];
    server.rate = (payload) => new Promise((resolve) => answers.push(() => resolve({ trace_id: payload.trace_id, recorded: true, run_stored: false })));
    const tracer = tracerFor(server);
    const first = tracer.feedback(traceId, { rating: "down" });
    const second = tracer.feedback(traceId, { rating: "up" });
    const other = tracer.feedback(randomTraceId(), { rating: "up" });
    await sleep(10);
    assert.deepEqual(server.ratings.map((rating) => rating.rating), ["down", "up"], "the first rating and the other run's, not the second yet");
    answers.shift()!();
    await first;
    await sleep(10);
    assert.deepEqual(server.ratings.map((rating) => [rating.trace_id === traceId, rating.rating]), [[true, "down"], [false, "up"], [true, "up"]]);
    for (const answer of answers.splice(0)) answer();
    assert.deepEqual(await Promise.all([second, other]), [{ recorded: true, runStored: false }, { recorded: true, runStored: false }]);
  });

  it("stops when the signed-in user changes between attempts: never sent as another user", async () => {
    const caller = new FakeCaller("alice");
    const server = new FakeServer(caller);
    server.rate = () => {
      caller.signIn("bob");
      return Promise.reject(fail("unavailable"));
    };
    const result = await tracerFor(server).feedback(randomTraceId(), { rating: "up" });
    assert.deepEqual(result, { recorded: false, reason: "failed", message: "the signed-in user changed before the feedback was recorded (it is never sent as another user)" });
    assert.equal(server.ratings.length, 1);
  });
});

describe("tracer: feedback() with the module-level withTrace", () => {
  afterEach(() => assert.deepEqual(reported.splice(0).map((error) => error.message), []));

  it("finds the default tracer holding the run, whatever sampling options the rating is given with", async () => {
    const server = new FakeServer();
    let traceId = "";
    await withTrace({ exporter: server, sampleRate: 0, onError: (error) => void reported.push(error) }, (trace) => {
      traceId = trace.traceId;
    });
    assert.deepEqual(await feedback({ exporter: server }, traceId, { rating: "down" }), { recorded: true, runStored: true });
    assert.equal(server.ratings[0]!.trace_id, traceId);
    assert.ok(server.ratings[0]!.trace, "sent with the held run");
    assert.deepEqual(await feedback({ exporter: server }, randomTraceId(), { rating: "up" }), { recorded: true, runStored: false }, "a run it never saw: the rating alone");
  });

  it("answers bad options invalid instead of rejecting", async () => {
    const result = await feedback({} as never, randomTraceId(), { rating: "up" });
    assert.deepEqual(result, { recorded: false, reason: "invalid", message: "pass functions (a Firebase Functions instance) or an exporter" });
  });
});

describe("tracer: sessions", () => {
  it("sends the run's session id (withTrace's sessionId, or set during the run), and none when it has none", async () => {
    const server = new FakeServer();
    const tracer = tracerFor(server, { sampleRate: 1 });
    await tracer.withTrace({ sessionId: "conversation-7" }, () => undefined);
    await tracer.withTrace({}, (trace) => {
      assert.equal(trace.sessionId, undefined);
      trace.setSessionId("set-later");
      assert.equal(trace.sessionId, "set-later");
    });
    await tracer.withTrace({ sessionId: "dropped" }, (trace) => trace.setSessionId(undefined));
    await tracer.flush();
    assert.deepEqual(server.traces.map((trace) => trace.session_id), ["conversation-7", "set-later", undefined]);
    assert.equal("session_id" in server.traces[2]!, false, "no session_id key at all");
  });

  it("leaves out a session id the schema refuses (counted as repaired), and keeps one set after the run ended out", async () => {
    const server = new FakeServer();
    const tracer = tracerFor(server, { sampleRate: 1 });
    await tracer.withTrace({ sessionId: "x".repeat(257) }, () => undefined);
    await tracer.flush();
    assert.equal(server.traces[0]!.session_id, undefined);
    assert.equal(server.traces[0]!.values_repaired, 1);
    const trace = new TraceContext({ sessionId: "s" });
    trace.end({ threw: false });
    trace.setSessionId("too late");
    assert.equal(trace.toTraceInput().session_id, "s");
  });
});
