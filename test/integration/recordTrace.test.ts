import { strict as assert } from "node:assert";
import { Timestamp } from "firebase-admin/firestore";
import { FirebaseError } from "firebase/app";
import { ROOT_CONTEXT } from "@opentelemetry/api";
import { SamplingDecision, TraceIdRatioBasedSampler as OtelSampler } from "@opentelemetry/sdk-trace-base";
import { LIMITS, MAX_CALL_BYTES, randomTraceId } from "@agent-traces/core";
import { REDACTED } from "../../packages/core/src/redact.js";
import { storedDocumentSize } from "../../packages/core/src/storedSize.js";
import { TRACES_COLLECTION } from "@agent-traces/admin";
import { adminFirestore, clearFirestore, clientSession, type ClientSession } from "./support/emulators.js";
import { aTrace } from "./support/traces.js";

/** The rate in functions/.env.demo-agent-traces, which the emulated function runs with. */
const DEMO_SAMPLE_RATE = 0.1;
const DAY_MS = 86_400_000;

function otelSamples(traceId: string): boolean {
  const decision = new OtelSampler(DEMO_SAMPLE_RATE).shouldSample(ROOT_CONTEXT, traceId);
  return decision.decision === SamplingDecision.RECORD_AND_SAMPLED;
}

function idWhere(predicate: (id: string) => boolean): string {
  for (;;) {
    const id = randomTraceId();
    if (predicate(id)) return id;
  }
}

async function storedDoc(traceId: string) {
  return (await adminFirestore().collection(TRACES_COLLECTION).doc(traceId).get()).data();
}

async function expectRejection(call: Promise<unknown>, code: string, messagePart?: string): Promise<FirebaseError> {
  const error = await call.then(
    () => assert.fail(`expected functions/${code}, the call succeeded`),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof FirebaseError, `expected a FirebaseError, got ${String(error)}`);
  assert.equal(error.code, `functions/${code}`, error.message);
  if (messagePart) assert.ok(error.message.includes(messagePart), `"${error.message}" should name ${messagePart}`);
  return error;
}

describe("recordTrace through the functions emulator (real JS SDK client)", () => {
  let client: ClientSession;

  before(async () => {
    await clearFirestore();
    client = await clientSession();
  });
  after(async () => client.close());

  it("stores an error trace with Timestamps, the TTL field and the caller as recorded_by", async () => {
    const trace = aTrace({ status: "error", user_id: "someone-else", metadata: { error: "tool exploded" } });
    const before = Date.now();
    const result = await client.callRecordTrace(trace);
    assert.deepEqual(result, { trace_id: trace.trace_id, stored: true, reason: "error" });

    const doc = await storedDoc(trace.trace_id);
    assert.ok(doc, "the error trace is stored");
    for (const field of ["started_at", "ended_at", "received_at", "expire_at"]) {
      assert.ok(doc[field] instanceof Timestamp, `${field} is a Firestore Timestamp`);
    }
    assert.ok(doc.tool_traces[0].timestamp instanceof Timestamp);
    assert.equal(doc.started_at.toDate().toISOString(), trace.started_at);
    assert.equal(doc.recorded_by, client.uid);
    assert.equal(doc.user_id, "someone-else");
    assert.deepEqual([doc.sample_rate, doc.weight, doc.kept_for], [1, 1, "error"], "a failure is always stored: probability 1");
    const receivedAt = doc.received_at.toMillis() as number;
    assert.ok(receivedAt >= before - 1000 && receivedAt <= Date.now() + 1000, "received_at is the server's time");
    assert.equal(doc.expire_at.toMillis() - receivedAt, 7 * DAY_MS, "expires 7 days after it was received");
    assert.equal(doc.status, "error");
    assert.equal(doc.metadata.error, "tool exploded");
  });

  it("stores a timeout trace whatever the sampler says", async () => {
    const trace = aTrace({ trace_id: idWhere((id) => !otelSamples(id)), status: "timeout" });
    assert.deepEqual(await client.callRecordTrace(trace), { trace_id: trace.trace_id, stored: true, reason: "timeout" });
    assert.ok(await storedDoc(trace.trace_id));
  });

  it("drops a success OpenTelemetry's sampler drops, and stores one it keeps", async () => {
    const dropped = aTrace({ trace_id: idWhere((id) => !otelSamples(id)) });
    const kept = aTrace({ trace_id: idWhere(otelSamples) });
    assert.deepEqual(await client.callRecordTrace(dropped), { trace_id: dropped.trace_id, stored: false, reason: "sampled_out" });
    assert.deepEqual(await client.callRecordTrace(kept), { trace_id: kept.trace_id, stored: true, reason: "sampled" });
    assert.equal(await storedDoc(dropped.trace_id), undefined);
    assert.ok(await storedDoc(kept.trace_id));
  });

  it("defaults user_id to the caller and normalizes the trace id to lowercase", async () => {
    const id = idWhere(() => true);
    const trace = aTrace({ trace_id: id.toUpperCase(), status: "error", user_id: undefined });
    const result = (await client.callRecordTrace(trace)) as { trace_id: string };
    assert.equal(result.trace_id, id);
    assert.equal((await storedDoc(id))?.user_id, client.uid);
  });

  it("stores a retried trace once and answers duplicate", async () => {
    const trace = aTrace({ status: "error", final_output: "first" });
    assert.equal(((await client.callRecordTrace(trace)) as { reason: string }).reason, "error");
    const receivedAt = (await storedDoc(trace.trace_id))?.received_at;
    const retry = await client.callRecordTrace({ ...trace, final_output: "second" });
    assert.deepEqual(retry, { trace_id: trace.trace_id, stored: false, reason: "duplicate" });
    const doc = await storedDoc(trace.trace_id);
    assert.equal(doc?.final_output, "first");
    assert.ok(doc?.received_at.isEqual(receivedAt), "the first write is untouched");
  });

  it("stores token usage per model as sent, each priced model with its cost, flagged for the report's query; none when the run recorded none", async () => {
    const usage = [
      { model: "gpt-4o", input_tokens: 1_234_567, output_tokens: 8_900 },
      { model: "claude-sonnet-4", input_tokens: 0, output_tokens: 12 },
    ];
    const trace = aTrace({ status: "error", usage });
    assert.deepEqual(await client.callRecordTrace(trace), { trace_id: trace.trace_id, stored: true, reason: "error" });
    const doc = await storedDoc(trace.trace_id);
    // The default prices: gpt-4o $2.50 in / $10 out, claude-sonnet-4 $15 out, per million tokens (test/integration/keepRules.test.ts has the golden shapes).
    assert.deepEqual(doc?.usage, [
      { ...usage[0], cost_usd: (1_234_567 * 2.5 + 8_900 * 10) / 1e6 },
      { ...usage[1], cost_usd: (12 * 15) / 1e6 },
    ]);
    assert.equal(doc?.has_usage, true);

    for (const without of [aTrace({ status: "error" }), aTrace({ status: "error", usage: [] })]) {
      assert.equal(((await client.callRecordTrace(without)) as { stored: boolean }).stored, true);
      const stored = await storedDoc(without.trace_id);
      assert.ok(stored);
      assert.equal("usage" in stored, false, "absent and [] are both stored as no field");
      assert.equal("has_usage" in stored, false);
    }
  });

  describe("rejects invalid payloads with invalid-argument naming the field, writing nothing", () => {
    let storedBefore: string[];
    before(async () => {
      storedBefore = (await adminFirestore().collection(TRACES_COLLECTION).get()).docs.map((doc) => doc.id);
    });

    const cases: [string, Record<string, unknown>, string][] = [
      ["a malformed trace id", { trace_id: "abc" }, "trace_id"],
      ["an all-zero trace id", { trace_id: "0".repeat(32) }, "trace_id"],
      ["an unknown status", { status: "running" }, "status"],
      ["a date without a zone", { started_at: "2025-01-01T10:00:00" }, "started_at"],
      ["ended_at before started_at", { started_at: "2025-01-02T00:00:00Z", ended_at: "2025-01-01T00:00:00Z" }, "ended_at"],
      ["negative iterations", { iterations: -1 }, "iterations"],
      ["a fractional duration", { tool_traces: [{ name: "t", input: {}, output: "", duration_ms: 1.5, is_error: false, timestamp: "2025-01-01T00:00:00Z" }] }, "tool_traces[0].duration_ms"],
      ["an unknown top-level field", { recorded_by: "attacker" }, "recorded_by"],
      ["an unknown tool field", { tool_traces: [{ name: "t", input: {}, output: "", duration_ms: 1, is_error: false, timestamp: "2025-01-01T00:00:00Z", cost: 3 }] }, "tool_traces[0].cost"],
      ["a nested array in metadata", { metadata: { matrix: [[1, 2]] } }, "metadata.matrix[0]"],
      ["a reserved key in metadata", { metadata: { __name__: "x" } }, "metadata.__name__"],
      ["an empty key in metadata", { metadata: { "": 1 } }, 'metadata[""]'],
      ["over-deep metadata", { metadata: { a: { b: { c: { d: { e: { f: { g: { h: { i: 1 } } } } } } } } } }, "metadata.a.b.c.d.e.f.g"],
      ["a user id too long", { user_id: "u".repeat(129) }, "user_id"],
      ["a fractional user id", { user_id: 1.5 }, "user_id"],
      ["a year Firestore cannot hold", { started_at: "0000-06-01T00:00:00Z" }, "started_at"],
      ["negative tokens in usage", { usage: [{ model: "gpt-4o", input_tokens: -1, output_tokens: 0 }] }, "usage[0].input_tokens"],
      ["fractional tokens in usage", { usage: [{ model: "gpt-4o", input_tokens: 1, output_tokens: 0.5 }] }, "usage[0].output_tokens"],
      ["a model listed twice in usage", { usage: [{ model: "gpt-4o", input_tokens: 1, output_tokens: 1 }, { model: "gpt-4o", input_tokens: 2, output_tokens: 2 }] }, "usage[1].model: appears twice"],
      ["more than 16 models in usage", { usage: Array.from({ length: 17 }, (_, index) => ({ model: `m${index}`, input_tokens: 1, output_tokens: 1 })) }, "usage: must list at most 16 models"],
      ["a model name too long", { usage: [{ model: "m".repeat(129), input_tokens: 1, output_tokens: 1 }] }, "usage[0].model"],
      ["an unknown key in usage", { usage: [{ model: "gpt-4o", input_tokens: 1, output_tokens: 1, cost_usd: 0.2 }] }, "usage[0].cost_usd"],
    ];
    for (const [what, override, field] of cases) {
      it(what, async () => {
        // A success: a failed run is stored repaired instead (test/integration/repair.test.ts).
        const trace = { ...aTrace({ status: "success" }), ...override } as Record<string, unknown>;
        const error = await expectRejection(client.callRecordTrace(trace), "invalid-argument", field);
        assert.ok(error.message.startsWith("Invalid trace:"), error.message);
        if (typeof trace.trace_id === "string" && /^[0-9a-f]{32}$/.test(trace.trace_id)) {
          assert.equal(await storedDoc(trace.trace_id), undefined, "nothing is written");
        }
      });
    }

    it("a payload that is not an object", async () => {
      await expectRejection(client.callRecordTrace([1, 2, 3]), "invalid-argument", "trace object");
      await expectRejection(client.callRecordTrace(null), "invalid-argument", "trace object");
    });

    it("leaves the collection as it was after all of the above", async () => {
      const storedAfter = (await adminFirestore().collection(TRACES_COLLECTION).get()).docs.map((doc) => doc.id);
      assert.ok(storedBefore.length > 0);
      assert.deepEqual(storedAfter, storedBefore);
    });
  });

  it("rejects a caller that is not signed in with unauthenticated", async () => {
    const anonymous = await clientSession({ signedIn: false });
    try {
      const trace = aTrace({ status: "error" });
      await expectRejection(anonymous.callRecordTrace(trace), "unauthenticated");
      assert.equal(await storedDoc(trace.trace_id), undefined);
    } finally {
      await anonymous.close();
    }
  });

  it("stores a trace of nearly the largest body one call may carry bounded, with its secrets redacted; refuses a 5 MB one by its size", async () => {
    const secret = `sk-proj-${"Q7x".repeat(16)}`;
    const jwt = `eyJhbGciOiJIUzI1NiJ9.${"eyJzdWIiOiIxMjM0In0".repeat(3)}.${"c2lnbmF0dXJl".repeat(4)}`;
    const manyTools = Array.from({ length: 150 }, (_, index) => ({
      name: `tool_${index}`,
      input: { query: `q ${index} ${"x".repeat(300)}`, api_key: secret, headers: { Authorization: `Bearer ${jwt}` } },
      output: `token=${secret} ${"y".repeat(1_500)}`,
      duration_ms: index,
      is_error: index % 97 === 0,
      timestamp: new Date().toISOString(),
    }));
    const trace = aTrace({
      status: "error",
      final_output: `Using ${secret} and ${jwt}. ${"z".repeat(100_000)}`,
      tool_traces: manyTools,
      metadata: { error: `failed with ${secret} ${"e".repeat(5_000)}`, blob: "b".repeat(50_000) },
    });
    const payloadBytes = Buffer.byteLength(JSON.stringify(trace));
    assert.ok(payloadBytes > 400_000 && payloadBytes < MAX_CALL_BYTES - 1_000, `payload is ~470 KB (${payloadBytes} bytes)`);
    // Ten times as large, from a caller that skips the tracer: refused before it is read, naming its size.
    const huge = { ...trace, trace_id: randomTraceId(), final_output: "z".repeat(5_000_000) };
    const refused = await expectRejection(client.callRecordTrace(huge), "invalid-argument", `more than the ${MAX_CALL_BYTES} one recordTrace call may carry`);
    assert.ok(((refused as FirebaseError & { details?: { body_bytes?: number } }).details?.body_bytes ?? 0) > 5_000_000);
    assert.equal(await storedDoc(huge.trace_id), undefined);

    assert.deepEqual(await client.callRecordTrace(trace), { trace_id: trace.trace_id, stored: true, reason: "error" });
    const doc = await storedDoc(trace.trace_id);
    assert.ok(doc);
    const text = JSON.stringify(doc);
    assert.ok(!text.includes(secret), "the API key is redacted everywhere");
    assert.ok(!text.includes(jwt.slice(0, 40)), "the JWT is redacted everywhere");
    assert.ok(text.includes(REDACTED));
    const size = storedDocumentSize(`${TRACES_COLLECTION}/${trace.trace_id}`, doc);
    assert.ok(size <= LIMITS.storedDocumentBytes, `stored document is ${size} bytes`);
    assert.ok(doc.final_output.length <= LIMITS.finalOutputChars);
    assert.match(doc.final_output, /…\[truncated, \d+ chars\]$/);
    assert.ok(doc.tool_traces.length > 0 && doc.tool_traces.length <= LIMITS.maxToolTraces);
    assert.equal(doc.tool_traces.length + doc.tool_traces_dropped, manyTools.length, "every dropped tool call is counted");
    const keptErrors = doc.tool_traces.filter((tool: { is_error: boolean }) => tool.is_error).length;
    assert.equal(keptErrors, manyTools.filter((tool) => tool.is_error).length, "failed tool calls are kept first");
    assert.ok(doc.metadata.error.length <= LIMITS.errorMessageChars);
  });
});
