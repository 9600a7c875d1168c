import { strict as assert } from "node:assert";
import { FirebaseError } from "firebase/app";
import { LIMITS } from "@agent-traces/core";
import { getTrace } from "@agent-traces/admin";
import { Tracer, type RecordTraceResult, type TraceContext, type TraceSendError } from "@agent-traces/tracer";
import { repairedTraceId } from "../../functions/src/recordTrace/prepareTrace.js";
import { adminFirestore, clearFirestore, clientSession, type ClientSession } from "./support/emulators.js";
import { aTrace } from "./support/traces.js";

function deep(levels: number): unknown {
  let value: unknown = "bottom";
  for (let level = 0; level < levels; level++) value = { down: value };
  return value;
}

/**
 * The five failed runs, each holding one value Firestore or the wire schema refuses: each
 * was refused by the tracer, only onError hearing of it. `run` does the agent's work, then fails.
 */
const FAILED_RUNS: { label: string; userId?: string; run: (trace: TraceContext) => Promise<void> | void }[] = [
  { label: "a nested array in metadata", run: (trace) => trace.setMetadata("grid", [[1, 2], [3]]) },
  { label: "metadata nested deeper than 8", run: (trace) => trace.setMetadata("tree", deep(LIMITS.metadataDepth + 4)) },
  { label: 'tool-input keys "" and "__x__"', run: (trace) => trace.tool("search", { "": "blank", __x__: "reserved" }, () => "found") },
  { label: "an empty tool name", run: (trace) => trace.tool("", { q: 1 }, () => "done") },
  { label: 'user id ""', userId: "", run: () => undefined },
  { label: "a user id of 200 characters", userId: "u".repeat(200), run: () => undefined },
];

describe("repair, never reject: every failed run is stored (functions emulator, real JS SDK)", () => {
  let client: ClientSession;
  before(async () => {
    await clearFirestore();
    client = await clientSession();
  });
  after(async () => client?.close());

  it("a real tracer stores each of the issue's failed runs, repaired, with values_repaired > 0", async function () {
    // The flush below waits the tracer's whole retry window, with room for a loaded machine.
    this.timeout(240_000);
    const sent: RecordTraceResult[] = [];
    const errors: TraceSendError[] = [];
    const tracer = new Tracer({ functions: client.functions, sampleRate: 1, onSent: (result) => sent.push(result), onError: (error) => errors.push(error) });
    const ids: string[] = [];
    for (const { label, userId, run } of FAILED_RUNS) {
      const failure = new Error(`the agent failed with ${label}`);
      await assert.rejects(
        tracer.withTrace({ userId }, async (trace) => {
          ids.push(trace.traceId);
          await run(trace);
          throw failure;
        }),
        (error) => error === failure,
      );
    }
    assert.equal(await tracer.flush(150_000), true);
    await tracer.shutdown(10_000);
    assert.deepEqual(errors.map((error) => error.message), []);
    for (const [index, { label, userId }] of FAILED_RUNS.entries()) {
      const id = ids[index]!;
      assert.deepEqual(sent.find((result) => result.trace_id === id), { trace_id: id, stored: true, reason: "error" }, label);
      const stored = await getTrace(adminFirestore(), id);
      assert.ok(stored, `${label}: stored`);
      assert.equal(stored.status, "error", label);
      assert.ok(stored.values_repaired > 0, `${label}: values_repaired ${stored.values_repaired}`);
      assert.equal(stored.metadata.error, `the agent failed with ${label}`);
      if (userId === "") assert.equal(stored.user_id, client.uid, "no user id: the caller's uid");
      if (userId && userId.length > LIMITS.userIdChars) assert.match(String(stored.user_id), /^u{48}…sha256:[0-9a-f]{64}$/);
    }
    const [grid, tree, keys, unnamed] = await Promise.all(ids.slice(0, 4).map((id) => getTrace(adminFirestore(), id)));
    assert.deepEqual(grid!.metadata.grid, ["[1,2]", "[3]"]);
    // The map at depth 9 (the metadata map is depth 1) is kept as its JSON text.
    let level: unknown = tree!.metadata.tree;
    for (let depth = 2; depth < LIMITS.metadataDepth; depth++) level = (level as { down: unknown }).down;
    assert.equal(typeof level, "object");
    assert.equal((level as { down: unknown }).down, JSON.stringify(deep(LIMITS.metadataDepth + 4 - (LIMITS.metadataDepth - 1))));
    assert.deepEqual(keys!.tool_traces[0]!.input, { "(empty)": "blank", _x_: "reserved" });
    assert.equal(unnamed!.tool_traces[0]!.name, "(unnamed tool)");
  });

  it("a raw caller's failed trace with invalid fields is stored with them replaced and named", async () => {
    const trace = { ...aTrace({ status: "error", iterations: -1, metadata: { grid: [[1]] } }), surprise: true };
    const result = await client.callRecordTrace(trace);
    assert.deepEqual(result, { trace_id: trace.trace_id, stored: true, reason: "error", repaired_fields: ["iterations", "metadata.grid[0]", "surprise"] });
    const stored = await getTrace(adminFirestore(), trace.trace_id);
    assert.ok(stored);
    assert.deepEqual((stored as { repaired_fields?: string[] }).repaired_fields, ["iterations", "metadata.grid[0]", "surprise"]);
    assert.equal(stored.values_repaired, 3);
    assert.equal(stored.iterations, 0);
    assert.deepEqual(stored.metadata.grid, ["[1]"]);
  });

  it("a failed trace with an invalid trace id is stored under an id derived from the caller and that id: a retry is a duplicate", async () => {
    const trace = aTrace({ status: "timeout", trace_id: "not-a-trace-id" });
    const id = repairedTraceId(client.uid!, "not-a-trace-id");
    assert.deepEqual(await client.callRecordTrace(trace), { trace_id: id, stored: true, reason: "timeout", repaired_fields: ["trace_id"] });
    assert.deepEqual(await client.callRecordTrace(trace), { trace_id: id, stored: false, reason: "duplicate" });
    assert.equal((await getTrace(adminFirestore(), id))?.status, "timeout");
  });

  it("a failed trace sent without a usable start is stored once: its retry, arriving later, is a duplicate, not a conflict", async () => {
    const { started_at: _start, ended_at: _end, ...trace } = aTrace({ status: "error" });
    const first = await client.callRecordTrace({ ...trace, started_at: "yesterday" });
    assert.deepEqual(first, { trace_id: trace.trace_id, stored: true, reason: "error", repaired_fields: ["started_at"] });
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(await client.callRecordTrace({ ...trace, started_at: "yesterday" }), { trace_id: trace.trace_id, stored: false, reason: "duplicate" });
  });

  it("a failed trace cannot set the server's fields or pick a document path: they are left out, named, and the id derived", async () => {
    const spoofed = { ...aTrace({ status: "error" }), trace_id: "../trace_reports/x", recorded_by: "attacker", sample_rate: 1, expire_at: "9999-12-31T23:59:59Z" };
    const id = repairedTraceId(client.uid!, "../trace_reports/x");
    const result = (await client.callRecordTrace(spoofed)) as RecordTraceResult;
    assert.deepEqual(result, { trace_id: id, stored: true, reason: "error", repaired_fields: ["trace_id", "recorded_by", "sample_rate", "expire_at"] });
    const stored = await getTrace(adminFirestore(), id);
    assert.ok(stored);
    assert.equal(stored.recorded_by, client.uid);
    assert.equal(stored.sample_rate, 1, "the server's own: a failure is always stored");
    assert.ok(Date.parse(stored.expire_at) < Date.parse("9000-01-01T00:00:00Z"), stored.expire_at);
    assert.equal((await adminFirestore().doc("trace_reports/x").get()).exists, false);
  });

  it("still answers an invalid success, or a trace whose status is invalid, invalid-argument, and stores nothing", async () => {
    for (const trace of [aTrace({ status: "success", iterations: -1 }), { ...aTrace({ iterations: -1 }), status: "failed" }]) {
      const error = await client.callRecordTrace(trace).then(
        () => assert.fail("an invalid trace that does not say it failed is refused"),
        (caught: unknown) => caught,
      );
      assert.ok(error instanceof FirebaseError);
      assert.equal(error.code, "functions/invalid-argument");
      assert.match(error.message, /^Invalid trace: /);
      assert.equal(await getTrace(adminFirestore(), trace.trace_id as string), undefined);
    }
  });
});
