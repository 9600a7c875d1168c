import { strict as assert } from "node:assert";
import { randomTraceId, sanitizeTrace, type TraceStatus } from "@agent-traces/core";
import { traceSchema } from "../../packages/core/src/schema.js";
import { createTraceDocument, getTrace, listTraces, toTraceDocument, type ListTracesOptions } from "@agent-traces/admin";
import { adminFirestore, clearFirestore } from "./support/emulators.js";
import { aTrace } from "./support/traces.js";

describe("getTrace and listTraces on the Firestore emulator", () => {
  const base = Date.parse("2025-03-01T12:00:00Z");
  const stored: { id: string; user: string | number; skill: string | null; status: TraceStatus; startedAt: number }[] = [];

  before(async () => {
    await clearFirestore();
    const db = adminFirestore();
    const users: (string | number)[] = ["alice", "bob", 7];
    const statuses: TraceStatus[] = ["success", "error", "timeout"];
    const skills = [null, "planning", "research", "research"];
    for (let index = 0; index < 45; index++) {
      const startedAt = base + index * 60_000;
      const entry = { id: randomTraceId(), user: users[index % 3]!, skill: skills[index % 4]!, status: statuses[Math.floor(index / 3) % 3]!, startedAt };
      stored.push(entry);
      const trace = traceSchema.parse(
        aTrace({
          trace_id: entry.id,
          user_id: entry.user,
          skill: entry.skill,
          status: entry.status,
          started_at: new Date(startedAt).toISOString(),
          ended_at: new Date(startedAt + 500).toISOString(),
        }),
      );
      await createTraceDocument(db, toTraceDocument(sanitizeTrace(trace), { recordedBy: "uid", receivedAt: new Date(), ttlDays: 7, sampleRate: 0.1 }));
    }
  });

  const expected = (filter: (entry: (typeof stored)[number]) => boolean) =>
    stored.filter(filter).sort((a, b) => b.startedAt - a.startedAt).map((entry) => entry.id);

  /** The trace ids of every page of the list, following the cursor to the end. */
  async function everyPage(options: Omit<ListTracesOptions, "cursor">): Promise<string[]> {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listTraces(adminFirestore(), { ...options, cursor });
      seen.push(...page.traces.map((trace) => trace.trace_id));
      cursor = page.nextCursor;
    } while (cursor);
    return seen;
  }

  it("getTrace returns the typed trace with ISO instants, and undefined for unknown or malformed ids", async () => {
    const entry = stored[4]!;
    const trace = await getTrace(adminFirestore(), entry.id.toUpperCase());
    assert.ok(trace);
    assert.equal(trace.trace_id, entry.id);
    assert.equal(trace.started_at, new Date(entry.startedAt).toISOString());
    assert.equal(trace.duration_ms, 500);
    assert.equal(typeof trace.expire_at, "string");
    assert.equal(await getTrace(adminFirestore(), randomTraceId()), undefined);
    assert.equal(await getTrace(adminFirestore(), "../x"), undefined);
  });

  it("lists newest first, 20 by default", async () => {
    const page = await listTraces(adminFirestore());
    assert.deepEqual(page.traces.map((trace) => trace.trace_id), expected(() => true).slice(0, 20));
    assert.ok(page.nextCursor);
  });

  it("filters by user (string or number), status, and both", async () => {
    const db = adminFirestore();
    assert.deepEqual((await listTraces(db, { userId: "alice", limit: 100 })).traces.map((t) => t.trace_id), expected((e) => e.user === "alice"));
    assert.deepEqual((await listTraces(db, { userId: 7, limit: 100 })).traces.map((t) => t.trace_id), expected((e) => e.user === 7));
    assert.deepEqual((await listTraces(db, { status: "error", limit: 100 })).traces.map((t) => t.trace_id), expected((e) => e.status === "error"));
    assert.deepEqual(
      (await listTraces(db, { userId: "bob", status: "timeout", limit: 100 })).traces.map((t) => t.trace_id),
      expected((e) => e.user === "bob" && e.status === "timeout"),
    );
  });

  it("filters by skill, alone and with user and status", async () => {
    const db = adminFirestore();
    const ids = async (options: ListTracesOptions) => (await listTraces(db, { ...options, limit: 100 })).traces.map((t) => t.trace_id);
    assert.deepEqual(await ids({ skill: "research" }), expected((e) => e.skill === "research"));
    assert.deepEqual(await ids({ skill: "planning", status: "error" }), expected((e) => e.skill === "planning" && e.status === "error"));
    assert.deepEqual(await ids({ userId: "alice", skill: "research" }), expected((e) => e.user === "alice" && e.skill === "research"));
    assert.deepEqual(await ids({ userId: 7, skill: "research", status: "timeout" }), expected((e) => e.user === 7 && e.skill === "research" && e.status === "timeout"));
    assert.ok((await ids({ userId: 7, skill: "research", status: "timeout" })).length > 0, "the seed has runs for every filter");
    assert.deepEqual(await ids({ skill: "unknown" }), []);
  });

  it("matches several user ids with one `in` query, and pages through them exactly once", async () => {
    const db = adminFirestore();
    const both = expected((e) => e.user === "alice" || e.user === 7);
    assert.deepEqual((await listTraces(db, { userId: ["alice", 7], limit: 100 })).traces.map((t) => t.trace_id), both);
    assert.deepEqual(await everyPage({ userId: ["alice", 7], skill: "research", limit: 4 }), expected((e) => (e.user === "alice" || e.user === 7) && e.skill === "research"));
    await assert.rejects(listTraces(db, { userId: [] }), /userId must list 1 to 30 user ids/);
  });

  it("bounds by since (inclusive) and until (exclusive)", async () => {
    const since = new Date(base + 10 * 60_000);
    const until = new Date(base + 20 * 60_000);
    const page = await listTraces(adminFirestore(), { since, until, limit: 100 });
    assert.deepEqual(page.traces.map((t) => t.trace_id), expected((e) => e.startedAt >= since.getTime() && e.startedAt < until.getTime()));
    assert.equal(page.traces.length, 10);
  });

  it("pages with the cursor through every trace exactly once", async () => {
    assert.deepEqual(await everyPage({ limit: 7 }), expected(() => true));
  });

  it("raises on a bad limit or cursor instead of returning an empty list", async () => {
    await assert.rejects(listTraces(adminFirestore(), { limit: 0 }), /limit/);
    await assert.rejects(listTraces(adminFirestore(), { limit: 101 }), /limit/);
    await assert.rejects(listTraces(adminFirestore(), { cursor: "garbage" }), /cursor/);
  });
});
