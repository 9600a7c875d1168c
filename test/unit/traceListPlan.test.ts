import { strict as assert } from "node:assert";
import { COST_FIELD, DOCUMENT_ID, FAILED_TOOL_NAMES_FIELD, FEEDBACK_COLLECTION, NOT_WITH_FAILED_TOOL, planListTraces, planListTracesByCost, planRunFeedback, planSessionRuns, planUserSessions, TRACES_COLLECTION, UnservedFilterError, userIdVariants } from "@agent-traces/store";

describe("trace list plans (core)", () => {
  const newestFirst = [
    { field: "started_at", direction: "desc" },
    { field: DOCUMENT_ID, direction: "desc" },
  ];

  it("lists every trace newest first, the document id breaking ties", () => {
    assert.deepEqual(planListTraces({}), { collection: TRACES_COLLECTION, equalities: [], ranges: [], orderBy: newestFirst });
    assert.equal(TRACES_COLLECTION, "execution_traces");
  });

  it("puts the equalities in the order user_id, skill, status, each only when its filter is set", () => {
    assert.deepEqual(planListTraces({ status: "error", skill: "research", userId: "alice" }).equalities, ["user_id", "skill", "status"]);
    assert.deepEqual(planListTraces({ status: "timeout", skill: "research" }).equalities, ["skill", "status"]);
    assert.deepEqual(planListTraces({ userId: 7, status: "success" }).equalities, ["user_id", "status"]);
    assert.deepEqual(planListTraces({ skill: "research" }).equalities, ["skill"]);
  });

  it("counts several user ids (an `in` filter) as the user_id equality", () => {
    assert.deepEqual(planListTraces({ userId: ["42", 42], skill: "research" }), planListTraces({ userId: "42", skill: "research" }));
  });

  it("bounds started_at when since or until is set, ordering the same way", () => {
    for (const bounds of [{ since: new Date(0) }, { until: new Date() }, { since: new Date(0), until: new Date() }]) {
      const plan = planListTraces({ ...bounds, status: "error" });
      assert.deepEqual(plan.ranges, ["started_at"]);
      assert.deepEqual(plan.orderBy, newestFirst);
    }
  });

  it("reads a typed user id as the string, and the number too for an integer in canonical form", () => {
    assert.deepEqual(userIdVariants("alice"), ["alice"]);
    assert.deepEqual(userIdVariants("42"), ["42", 42]);
    assert.deepEqual(userIdVariants("-3"), ["-3", -3]);
    assert.deepEqual(userIdVariants("0"), ["0", 0]);
    assert.deepEqual(userIdVariants("007"), ["007"]);
    assert.deepEqual(userIdVariants("4.2"), ["4.2"]);
    assert.deepEqual(userIdVariants("99999999999999999999"), ["99999999999999999999"]);
  });
});

describe("negative-feedback, session and feedback plans", () => {
  const newestFirst = [
    { field: "started_at", direction: "desc" },
    { field: DOCUMENT_ID, direction: "desc" },
  ];

  it("filters on negative_feedback alone, newest first, with or without a started_at range", () => {
    assert.deepEqual(planListTraces({ negativeFeedback: true }), { collection: TRACES_COLLECTION, equalities: ["negative_feedback"], ranges: [], orderBy: newestFirst });
    assert.deepEqual(planListTraces({ negativeFeedback: true, since: new Date(0), until: new Date() }).ranges, ["started_at"]);
    assert.deepEqual(planListTraces({ negativeFeedback: false, status: "error" }).equalities, ["status"], "false is no filter");
  });

  it("refuses negative feedback with user, skill or status: no index serves them together", () => {
    for (const other of [{ userId: "alice" }, { skill: "research" }, { status: "error" as const }, { userId: ["42", 42] }]) {
      assert.throws(() => planListTraces({ negativeFeedback: true, ...other }), (error: unknown) => error instanceof UnservedFilterError && /start-time range/.test(error.message), JSON.stringify(other));
    }
  });

  it("filters failed_tool_names with array-contains alone, newest first, with or without a started_at range", () => {
    assert.deepEqual(planListTraces({ failedTool: "web_search" }), { collection: TRACES_COLLECTION, equalities: [], arrayContains: ["failed_tool_names"], ranges: [], orderBy: newestFirst });
    assert.deepEqual(planListTraces({ failedTool: "web_search", since: new Date(0), until: new Date() }).ranges, ["started_at"]);
    assert.deepEqual(planListTraces({ failedTool: "web_search", negativeFeedback: false }).arrayContains, [FAILED_TOOL_NAMES_FIELD], "negativeFeedback false is no filter");
    assert.equal(planListTraces({ status: "error" }).arrayContains, undefined, "no failedTool, no array-contains");
  });

  it("refuses the failing tool with user, skill, status or negative feedback: no index serves them together", () => {
    for (const other of [{ userId: "alice" }, { skill: "research" }, { status: "error" as const }, { negativeFeedback: true }]) {
      assert.throws(() => planListTraces({ failedTool: "web_search", ...other }), (error: unknown) => error instanceof UnservedFilterError && /failing-tool filter/.test(error.message), JSON.stringify(other));
    }
    assert.deepEqual([...NOT_WITH_FAILED_TOOL], ["userId", "skill", "status", "negativeFeedback"]);
  });

  it("reads a session's runs oldest first and a user's runs in sessions newest first, the document id breaking ties", () => {
    assert.deepEqual(planSessionRuns(), {
      collection: TRACES_COLLECTION,
      equalities: ["session_id"],
      ranges: [],
      orderBy: [
        { field: "started_at", direction: "asc" },
        { field: DOCUMENT_ID, direction: "asc" },
      ],
    });
    assert.deepEqual(planUserSessions(), { collection: TRACES_COLLECTION, equalities: ["user_id", "has_session"], ranges: [], orderBy: newestFirst });
  });

  it("reads a run's ratings by trace id alone (the automatic index), unordered", () => {
    assert.deepEqual(planRunFeedback(), { collection: FEEDBACK_COLLECTION, equalities: ["trace_id"], ranges: [], orderBy: [] });
    assert.equal(FEEDBACK_COLLECTION, "trace_feedback");
  });
});

describe("list by cost plans", () => {
  const mostExpensiveFirst = [
    { field: "cost_usd", direction: "desc" },
    { field: DOCUMENT_ID, direction: "desc" },
  ];

  it("orders by cost_usd, most expensive first, the document id breaking ties, with one equality at most", () => {
    assert.deepEqual(planListTracesByCost({}), { collection: TRACES_COLLECTION, equalities: [], ranges: [], orderBy: mostExpensiveFirst });
    assert.deepEqual(planListTracesByCost({ userId: ["42", 42] }).equalities, ["user_id"]);
    assert.deepEqual(planListTracesByCost({ skill: "research" }).equalities, ["skill"]);
    assert.deepEqual(planListTracesByCost({ status: "success" }).equalities, ["status"]);
    assert.equal(COST_FIELD, "cost_usd");
  });

  it("bounds cost_usd from below when a minimum is set, ordering the same way", () => {
    for (const minCostUsd of [0, 0.05]) {
      const plan = planListTracesByCost({ minCostUsd, status: "error" });
      assert.deepEqual(plan.ranges, ["cost_usd"]);
      assert.deepEqual(plan.orderBy, mostExpensiveFirst);
    }
  });

  it("refuses two equalities or more: no index serves them together", () => {
    for (const filter of [{ userId: "a", skill: "k" }, { skill: "k", status: "error" as const }, { userId: "a", status: "error" as const }, { userId: "a", skill: "k", status: "error" as const }]) {
      assert.throws(() => planListTracesByCost(filter), (error: unknown) => error instanceof UnservedFilterError && /one of user, skill or status/.test(error.message), JSON.stringify(filter));
    }
  });
});
