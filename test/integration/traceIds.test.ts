import { strict as assert } from "node:assert";
import type { DocumentData } from "firebase-admin/firestore";
import { randomTraceId, sanitizeTrace, TraceIdRatioBasedSampler, type RecordTraceBatchResult, type TraceInput } from "@agent-traces/core";
import { traceSchema } from "../../packages/core/src/schema.js";
import { createTracesWithinLimit, RATE_LIMITS_COLLECTION, toTraceDocument, TRACES_COLLECTION, type SlotCounts, type TraceDocument } from "@agent-traces/admin";
import { context, SpanStatusCode, trace as otelTrace } from "@opentelemetry/api";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { AgentTracesSpanProcessor } from "@agent-traces/otel";
import { Tracer, type RecordTraceResult, type TraceSendError } from "@agent-traces/tracer";
import { adminFirestore, clearFirestore, clientSession, type ClientSession } from "./support/emulators.js";
import { aTrace } from "./support/traces.js";

/** How long a flush may wait: the tracer's whole retry window, with room for a loaded machine. */
const LOADED_MACHINE_FLUSH_MS = 150_000;

/** The demo project's TRACE_SAMPLE_RATE (functions/.env.demo-agent-traces). */
const SERVER_RATE = 0.1;

/** A fresh trace id the server's sampler keeps (or, with `kept: false`, leaves out). */
function idSampled(kept: boolean): string {
  const sampler = new TraceIdRatioBasedSampler(SERVER_RATE);
  for (;;) {
    const id = randomTraceId();
    if (sampler.shouldSample(id) === kept) return id;
  }
}

async function storedDoc(traceId: string): Promise<DocumentData | undefined> {
  return (await adminFirestore().collection(TRACES_COLLECTION).doc(traceId).get()).data();
}

async function storedIds(): Promise<string[]> {
  return (await adminFirestore().collection(TRACES_COLLECTION).get()).docs.map((doc) => doc.id).sort();
}

/** The same run as `trace`, started `ms` later: another run under the same id. */
function laterRun(trace: TraceInput, ms: number, overrides: Partial<TraceInput> = {}): TraceInput {
  const shift = (iso: string | null | undefined) => (iso ? new Date(Date.parse(iso) + ms).toISOString() : iso);
  return { ...trace, started_at: shift(trace.started_at)!, ended_at: shift(trace.ended_at), ...overrides };
}

describe("trace ids: a run's document is its caller's, and a run is never dropped for another's id", () => {
  let caller: ClientSession;
  let other: ClientSession;
  before(async () => {
    caller = await clientSession();
    other = await clientSession();
    assert.notEqual(caller.uid, other.uid);
  });
  after(async () => {
    await caller?.close();
    await other?.close();
  });
  beforeEach(() => clearFirestore());

  it("another caller's document under a predictable id: the failed run is answered conflict, that document is untouched, and the run is stored under a new id", async () => {
    const run = aTrace({ status: "error", final_output: "the real failure", metadata: { error: "tool exploded" } });
    // The other caller predicted the id and even the run's start and status: still not this caller's run.
    const forged = { ...run, final_output: "forged", metadata: { error: "nothing to see" } };
    assert.deepEqual(await other.callRecordTrace(forged), { trace_id: run.trace_id, stored: true, reason: "error" });
    const held = await storedDoc(run.trace_id);

    assert.deepEqual(await caller.callRecordTrace(run), { trace_id: run.trace_id, stored: false, reason: "conflict" });
    assert.deepEqual(await storedDoc(run.trace_id), held, "the other caller's document is untouched");
    assert.equal(held?.recorded_by, other.uid);

    const rekeyed = { ...run, trace_id: randomTraceId(), original_trace_id: run.trace_id };
    assert.deepEqual(await caller.callRecordTrace(rekeyed), { trace_id: rekeyed.trace_id, stored: true, reason: "error" });
    const stored = await storedDoc(rekeyed.trace_id);
    assert.equal(stored?.recorded_by, caller.uid);
    assert.equal(stored?.final_output, "the real failure");
    assert.equal(stored?.original_trace_id, run.trace_id);
    assert.deepEqual(await storedIds(), [run.trace_id, rekeyed.trace_id].sort());
  });

  it("a re-keyed success is sampled as it would have been under the id it was first sent under", async () => {
    const keptId = idSampled(true);
    await other.callRecordTrace(aTrace({ trace_id: keptId, status: "error" }));
    const success = aTrace({ trace_id: keptId });
    assert.deepEqual(await caller.callRecordTrace(success), { trace_id: keptId, stored: false, reason: "conflict" });
    // Its new id alone would be left out; sampled by the first id, it is kept.
    const rekeyed = { ...success, trace_id: idSampled(false), original_trace_id: keptId };
    assert.deepEqual(await caller.callRecordTrace(rekeyed), { trace_id: rekeyed.trace_id, stored: true, reason: "sampled" });
    assert.equal((await storedDoc(rekeyed.trace_id))?.recorded_by, caller.uid);
    // And the other way round: a first id the sampler leaves out leaves the run out under any new id.
    const leftOut = aTrace({ trace_id: idSampled(true), original_trace_id: idSampled(false) });
    assert.deepEqual(await caller.callRecordTrace(leftOut), { trace_id: leftOut.trace_id, stored: false, reason: "sampled_out" });
    assert.equal(await storedDoc(leftOut.trace_id), undefined);
  });

  it("the same caller's other run under one id (another start, or another end state) is answered conflict; a retry of the first is duplicate", async () => {
    const first = aTrace({ status: "error", final_output: "first run" });
    assert.deepEqual(await caller.callRecordTrace(first), { trace_id: first.trace_id, stored: true, reason: "error" });
    const held = await storedDoc(first.trace_id);

    const second = laterRun(first, 250, { final_output: "second run" });
    assert.deepEqual(await caller.callRecordTrace(second), { trace_id: first.trace_id, stored: false, reason: "conflict" });
    const sameStart = { ...first, status: "timeout" as const, final_output: "a run that timed out" };
    assert.deepEqual(await caller.callRecordTrace(sameStart), { trace_id: first.trace_id, stored: false, reason: "conflict" });
    // A retry (the same run; what it carries besides may differ) is still duplicate.
    assert.deepEqual(await caller.callRecordTrace({ ...first, final_output: "resent" }), { trace_id: first.trace_id, stored: false, reason: "duplicate" });
    assert.deepEqual(await storedDoc(first.trace_id), held, "nothing was written after the first");
    assert.deepEqual(await storedIds(), [first.trace_id]);
  });

  it("within one batch: a repeated run is written once and answered duplicate, another run under its id conflict", async () => {
    const run = aTrace({ status: "error", final_output: "the run" });
    const otherRun = laterRun(run, 1_000, { final_output: "another run" });
    const heldElsewhere = aTrace({ status: "timeout" });
    await other.callRecordTrace(heldElsewhere);
    const fresh = aTrace({ status: "timeout" });

    const traces = [run, { ...run, final_output: "the run, resent" }, otherRun, heldElsewhere, heldElsewhere, fresh];
    const { results } = (await caller.callRecordTrace({ traces })) as RecordTraceBatchResult;
    assert.deepEqual(results, [
      { trace_id: run.trace_id, stored: true, reason: "error" },
      { trace_id: run.trace_id, stored: false, reason: "duplicate" },
      { trace_id: run.trace_id, stored: false, reason: "conflict" },
      // A repeat of a run answered conflict is answered as its first: both re-keyed, neither dropped.
      { trace_id: heldElsewhere.trace_id, stored: false, reason: "conflict" },
      { trace_id: heldElsewhere.trace_id, stored: false, reason: "conflict" },
      { trace_id: fresh.trace_id, stored: true, reason: "timeout" },
    ]);
    assert.equal((await storedDoc(run.trace_id))?.final_output, "the run");
    assert.equal((await storedDoc(heldElsewhere.trace_id))?.recorded_by, other.uid);
    assert.deepEqual(await storedIds(), [run.trace_id, heldElsewhere.trace_id, fresh.trace_id].sort());

    // The whole batch again (a retry): every run already stored by this caller is duplicate.
    const { results: again } = (await caller.callRecordTrace({ traces: [run, fresh] })) as RecordTraceBatchResult;
    assert.deepEqual(again, [
      { trace_id: run.trace_id, stored: false, reason: "duplicate" },
      { trace_id: fresh.trace_id, stored: false, reason: "duplicate" },
    ]);
  });
});

describe("createTracesWithinLimit: one document Firestore refuses (Firestore emulator)", () => {
  const uid = "refused-document-caller";
  const documentOf = (trace: TraceInput): TraceDocument =>
    toTraceDocument(sanitizeTrace(traceSchema.parse(trace)), { recordedBy: uid, receivedAt: new Date(), ttlDays: 7, sampleRate: SERVER_RATE });
  // Values validation stops before they reach Firestore, smuggled into built documents: Firestore
  // refuses the first two itself, the SDK the last two before sending anything.
  let deep: unknown = 1;
  for (let level = 0; level < 25; level++) deep = { level: deep };
  const refusals: [string, Record<string, unknown>, RegExp][] = [
    ["a nested array", { matrix: [[1, 2]] }, /array value in an array value/],
    ["a reserved key", { __name__: 1 }, /reserved/],
    ["nesting deeper than 20", { deep }, /deeper than 20 levels/],
    ["an empty key", { "": 1 }, /empty string/],
  ];
  beforeEach(() => clearFirestore());

  for (const limit of [0, 600]) {
    for (const [what, metadata, reason] of refusals) {
      it(`${what}, rate limit ${limit || "off"}: the others are created, only that one is answered invalid`, async () => {
        const db = adminFirestore();
        const good = [documentOf(aTrace({ status: "error" })), documentOf(aTrace({ status: "timeout" })), documentOf(aTrace({ status: "error" }))];
        const bad = { ...documentOf(aTrace({ status: "error" })), metadata };
        const documents = [good[0]!, bad, good[1]!, good[2]!];

        const { outcomes, retryAfterMs } = await createTracesWithinLimit(db, uid, documents, limit, new Date());
        assert.deepEqual(outcomes.map((outcome) => (typeof outcome === "string" ? outcome : "invalid")), ["created", "invalid", "created", "created"]);
        const refused = outcomes[1] as { invalid: string };
        assert.match(refused.invalid, reason);
        assert.equal(retryAfterMs, 0);
        assert.deepEqual(await storedIds(), good.map((document) => document.trace_id).sort(), "every other document is stored, nothing of the refused one");
        if (limit > 0) {
          const counter = (await db.collection(RATE_LIMITS_COLLECTION).get()).docs.map((doc) => doc.data() as SlotCounts);
          assert.equal(counter.length, 1);
          assert.equal(counter[0]!.counts.reduce((sum, count) => sum + count, 0), good.length, "only the created documents count");
        }
      });
    }
  }

  it("a refused document, a retried one and another run under a stored id, side by side", async () => {
    const db = adminFirestore();
    const stored = documentOf(aTrace({ status: "error" }));
    await createTracesWithinLimit(db, uid, [stored], 600, new Date());
    const otherRun = { ...stored, status: "timeout" as const };
    const bad = { ...documentOf(aTrace({ status: "error" })), metadata: { matrix: [[1]] } };
    const fresh = documentOf(aTrace({ status: "error" }));
    const { outcomes } = await createTracesWithinLimit(db, uid, [bad, stored, fresh], 600, new Date());
    assert.deepEqual(outcomes.map((outcome) => (typeof outcome === "string" ? outcome : "invalid")), ["invalid", "duplicate", "created"]);
    for (const taken of [{ ...stored, recorded_by: "another-caller" }, otherRun]) {
      const { outcomes: conflict } = await createTracesWithinLimit(db, taken.recorded_by, [taken, documentOf(aTrace({ status: "error" }))], 0, new Date());
      assert.equal(conflict[0], "conflict", "another caller's copy, or another run, never passes for a retry");
    }
    assert.deepEqual((await storedDoc(stored.trace_id))?.status, "error");
    assert.equal((await storedIds()).length, 4, "the stored one, the fresh one and the two sent beside the conflicts");
  });
});

describe("trace ids end to end: the tracer re-keys a run the server answers conflict for (real tracer, functions emulator)", () => {
  let caller: ClientSession;
  let other: ClientSession;
  before(async () => {
    caller = await clientSession();
    other = await clientSession();
  });
  after(async () => {
    await caller?.close();
    await other?.close();
  });
  beforeEach(() => clearFirestore());

  /** A tracer sending as `session`, collecting its answers; sends at once. */
  function tracerOf(session: ClientSession) {
    const sent: RecordTraceResult[] = [];
    const errors: TraceSendError[] = [];
    const tracer = new Tracer({ functions: session.functions, sampleRate: 1, scheduledDelayMs: 0, onSent: (result) => sent.push(result), onError: (error) => errors.push(error) });
    return { tracer, sent, errors };
  }

  it("a failed run whose id another caller took first is stored under a new id, with that id as its original_trace_id", async function () {
    this.timeout(240_000);
    const run = aTrace({ status: "error", final_output: "the real failure" });
    await other.callRecordTrace({ ...run, final_output: "forged" });
    const { tracer, sent, errors } = tracerOf(caller);
    tracer.record(run);
    assert.equal(await tracer.flush(LOADED_MACHINE_FLUSH_MS), true);
    await tracer.shutdown();
    assert.deepEqual(errors.map((error) => error.message), []);
    assert.equal(sent.length, 1);
    const answer = sent[0]!;
    assert.notEqual(answer.trace_id, run.trace_id);
    assert.deepEqual(answer, { trace_id: answer.trace_id, stored: true, reason: "error" });
    const stored = await storedDoc(answer.trace_id);
    assert.equal(stored?.recorded_by, caller.uid);
    assert.equal(stored?.final_output, "the real failure");
    assert.equal(stored?.original_trace_id, run.trace_id);
    assert.equal((await storedDoc(run.trace_id))?.final_output, "forged", "the other caller's document is left as it was");
  });

  it("two services under one propagated OTel trace, sending as the same caller, store two runs", async function () {
    this.timeout(240_000);
    const otelTraceId = randomTraceId();
    const parent = otelTrace.setSpanContext(context.active(), { traceId: otelTraceId, spanId: "00f067aa0ba902b7", traceFlags: 1, isRemote: true });
    const services = ["planner", "booker"].map((name) => {
      const { tracer, sent, errors } = tracerOf(caller);
      const processor = new AgentTracesSpanProcessor({ tracer });
      const provider = new BasicTracerProvider({ spanProcessors: [processor] });
      return { name, tracer, sent, errors, otel: provider.getTracer(name) };
    });
    for (const [index, service] of services.entries()) {
      // Each service's run starts at its own time, as two processes' runs do.
      const span = service.otel.startSpan(`invoke_agent ${service.name}`, { attributes: { "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": service.name }, startTime: Date.now() - 1_000 + index * 100 }, parent);
      span.setStatus({ code: SpanStatusCode.ERROR, message: `${service.name} failed` });
      span.end();
    }
    for (const service of services) {
      assert.equal(await service.tracer.flush(LOADED_MACHINE_FLUSH_MS), true);
      await service.tracer.shutdown();
      assert.deepEqual(service.errors.map((error) => error.message), [], service.name);
    }
    // The two sends race: whichever the server takes first keeps the OTel trace id, the other is re-keyed.
    const ids = services.map((service) => service.sent[0]?.trace_id);
    assert.equal(ids.filter((id) => id === otelTraceId).length, 1, `one run keeps the OTel trace id: ${JSON.stringify(ids)}`);
    const stored = await Promise.all(ids.map((id) => storedDoc(id!)));
    assert.deepEqual(stored.map((document) => document?.skill), ["planner", "booker"]);
    assert.deepEqual(stored.map((document) => document?.status), ["error", "error"]);
    const rekeyed = stored.find((document) => document?.trace_id !== otelTraceId);
    assert.equal(rekeyed?.original_trace_id, otelTraceId, "the other is stored under a new id, naming the one it had");
  });
});
