import { strict as assert } from "node:assert";
import { Timestamp } from "firebase-admin/firestore";
import { ERASABLE_COLLECTIONS, erasureIdForEvent, uidSha256 } from "@agent-traces/admin";

describe("erasure: what is erased, and how a receipt names things", () => {
  const named = (name: string) => ERASABLE_COLLECTIONS.find((collection) => collection.name === name);
  const [traces, feedback, rateLimits] = [named("execution_traces"), named("trace_feedback"), named("trace_rate_limits")];

  it("empties the runs, then their ratings, then the rate-limit counter", () => {
    assert.deepEqual(
      ERASABLE_COLLECTIONS.map((collection) => collection.name),
      ["execution_traces", "trace_feedback", "trace_rate_limits"],
    );
  });

  it("a user: traces recorded by the uid and naming it in both forms of a number, and the uid's rate-limit counter", () => {
    const queries = traces!.queries({ kind: "user", uid: "42" });
    assert.deepEqual(
      queries.map((query) => query.equals),
      [{ recorded_by: "42" }, { user_id: ["42", 42] }],
    );
    assert.deepEqual(traces!.queries({ kind: "user", uid: "0042" }).map((query) => query.equals)[1], { user_id: ["0042"] }, "a leading zero is a string id only");
    assert.deepEqual(rateLimits!.documentIds({ kind: "user", uid: "a/b" }), ["uid:a%2Fb"]);
  });

  it("a user's ratings: those they gave, those of runs they sent and those of runs naming them in both forms of a number, newest first", () => {
    const queries = feedback!.queries({ kind: "user", uid: "42" });
    assert.deepEqual(
      queries.map((query) => query.equals),
      [{ rated_by: "42" }, { run_recorded_by: "42" }, { user_id: ["42", 42] }],
    );
    for (const query of queries) {
      assert.equal(query.plan.collection, "trace_feedback");
      assert.deepEqual(query.plan.ranges, []);
      assert.deepEqual(query.plan.orderBy, [{ field: "updated_at", direction: "desc" }]);
    }
    assert.deepEqual(feedback!.queries({ kind: "user", uid: "0042" })[2]!.equals, { user_id: ["0042"] });
    assert.deepEqual(feedback!.documentIds({ kind: "user", uid: "42" }), []);
  });

  it("ratings by age go with their runs: run_started_at before the instant", () => {
    const before = new Date("2025-01-01T00:00:00Z");
    const queries = feedback!.queries({ kind: "before", before });
    assert.equal(queries.length, 1);
    assert.deepEqual(queries[0]!.plan, { collection: "trace_feedback", equalities: [], ranges: ["run_started_at"], orderBy: [{ field: "run_started_at", direction: "desc" }] });
    assert.ok((queries[0]!.below.run_started_at as Timestamp).isEqual(Timestamp.fromDate(before)));
  });

  it("an age: traces started before the instant, and no counter", () => {
    const before = new Date("2025-01-01T00:00:00Z");
    const [query] = traces!.queries({ kind: "before", before });
    assert.deepEqual(query!.plan.ranges, ["started_at"]);
    assert.ok((query!.below.started_at as Timestamp).isEqual(Timestamp.fromDate(before)));
    assert.deepEqual(rateLimits!.queries({ kind: "before", before }), []);
    assert.deepEqual(rateLimits!.documentIds({ kind: "before", before }), []);
  });

  it("a receipt names a user by the SHA-256 of the uid's UTF-8 bytes (what `printf %s UID | sha256sum` prints)", () => {
    assert.equal(uidSha256("alice"), "2bd806c97f0e00af1a1fc3328fa763a9269723c8db8fac4f93af71db186d6e90");
    assert.equal(uidSha256("é"), "4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c", "UTF-8, not UTF-16");
  });

  it("an event decides its receipt's id: the same event the same id, a valid document id whatever the event id holds", () => {
    assert.equal(erasureIdForEvent("abc/123"), erasureIdForEvent("abc/123"));
    assert.notEqual(erasureIdForEvent("abc/123"), erasureIdForEvent("abc/124"));
    assert.match(erasureIdForEvent("abc/123"), /^event-[0-9a-f]{40}$/);
  });
});
