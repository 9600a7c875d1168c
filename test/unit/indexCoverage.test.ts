import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { RECENT_REPORTS_PLAN } from "../../viewer/src/data/traceQueries.js";
import { erasurePlans, planNegativeFeedbackQuery, planReportQuery, type ReportQuery } from "@agent-traces/admin";
import { DOCUMENT_ID, FEEDBACK_COLLECTION, planListTraces, planListTracesByCost, planRunFeedback, planSessionRuns, planUserSessions, type QueryPlan } from "@agent-traces/store";

/**
 * The Firestore emulator does not enforce indexes, so this proves from firestore.indexes.json that
 * every query shape the code can issue is served by a declared composite index or by an automatic
 * single-field index (one the field overrides have not switched off).
 */
interface IndexField {
  fieldPath: string;
  order?: "ASCENDING" | "DESCENDING";
  arrayConfig?: string;
}
interface IndexesFile {
  indexes: { collectionGroup: string; queryScope: string; fields: IndexField[] }[];
  fieldOverrides: { collectionGroup: string; fieldPath: string; ttl?: boolean; indexes: { order?: string; arrayConfig?: string; queryScope?: string }[] }[];
}

const indexesFile = JSON.parse(readFileSync(new URL("../../firestore.indexes.json", import.meta.url), "utf8")) as IndexesFile;

/** Automatic single-field indexes exist in both directions unless a field override says otherwise. */
function singleFieldIndexExists(collection: string, field: string, order?: "ASCENDING" | "DESCENDING"): boolean {
  const override = indexesFile.fieldOverrides.find((entry) => entry.collectionGroup === collection && entry.fieldPath === field);
  if (!override) return true;
  return override.indexes.some((index) => (order ? index.order === order : index.order !== undefined) && (index.queryScope ?? "COLLECTION") === "COLLECTION");
}

function servingIndex(withTieBreak: QueryPlan): string | undefined {
  // Every index ends with the document id, ordered like its last field: a trailing tie-break on it
  // in that direction needs nothing more, in the other direction it needs an index of its own.
  const last = withTieBreak.orderBy.at(-1);
  const before = withTieBreak.orderBy.at(-2);
  if (last?.field === DOCUMENT_ID && before && last.direction !== before.direction) return undefined;
  const plan = last?.field === DOCUMENT_ID ? { ...withTieBreak, orderBy: withTieBreak.orderBy.slice(0, -1) } : withTieBreak;
  for (const range of plan.ranges) {
    if (plan.orderBy[0]?.field !== range) return undefined; // Firestore orders by the range field first
  }
  const arrayContains = plan.arrayContains ?? [];
  const fields = new Set([...plan.equalities, ...arrayContains, ...plan.orderBy.map((order) => order.field)]);
  if (fields.size === 1 && arrayContains.length === 0) {
    const [field] = fields;
    const direction = plan.orderBy[0]?.direction;
    const order = direction === undefined ? undefined : direction === "asc" ? "ASCENDING" : "DESCENDING";
    return singleFieldIndexExists(plan.collection, field!, order) ? `automatic ${order ?? ""} index on ${field}` : undefined;
  }
  if (plan.equalities.length === 0 && arrayContains.length === 0 && plan.orderBy.length === 0) return "collection scan";
  // A sum() reads its field from the index, after the ordering fields.
  const wantOrder = [...plan.orderBy.map((order) => `${order.field}:${order.direction === "asc" ? "ASCENDING" : "DESCENDING"}`), ...(plan.aggregates ?? []).map((field) => `${field}:ASCENDING`)];
  for (const index of indexesFile.indexes) {
    if (index.collectionGroup !== plan.collection || index.queryScope !== "COLLECTION") continue;
    // Equalities and array-contains filters come first, in any order: an equality on an ordered
    // field, an array-contains on a field with arrayConfig CONTAINS.
    const filtered = plan.equalities.length + arrayContains.length;
    const prefix = index.fields.slice(0, filtered);
    const suffix = index.fields.slice(filtered).map((field) => `${field.fieldPath}:${field.order}`);
    const equalitiesMatch =
      prefix.length === filtered &&
      plan.equalities.every((field) => prefix.some((entry) => entry.fieldPath === field && entry.order !== undefined)) &&
      arrayContains.every((field) => prefix.some((entry) => entry.fieldPath === field && entry.arrayConfig === "CONTAINS"));
    if (equalitiesMatch && suffix.join(",") === wantOrder.join(",")) {
      return `composite (${index.fields.map((field) => field.fieldPath).join(", ")})`;
    }
  }
  return undefined;
}

const reportQueries: ReportQuery[] = [
  { kind: "failures" },
  { kind: "usage" },
  { kind: "count", status: "error" },
  { kind: "count", status: "timeout" },
  { kind: "successes" },
  { kind: "skillFailures", skill: "research" },
  { kind: "skillSuccesses", skill: "research" },
  { kind: "skillSuccesses", skill: null },
];

function everyListPlan(): QueryPlan[] {
  const plans: QueryPlan[] = [];
  for (const userId of [undefined, "u1", 42, ["42", 42]]) {
    for (const skill of [undefined, "research"]) {
      for (const status of [undefined, "error"] as const) {
        for (const since of [undefined, new Date(0)]) {
          for (const until of [undefined, new Date()]) plans.push(planListTraces({ userId, skill, status, since, until }));
        }
      }
    }
  }
  // Negative feedback and the failing tool combine with a start-time range only (planListTraces refuses the rest).
  for (const since of [undefined, new Date(0)]) {
    for (const until of [undefined, new Date()]) plans.push(planListTraces({ negativeFeedback: true, since, until }), planListTraces({ failedTool: "web_search", since, until }));
  }
  return plans;
}

/** The list by cost: alone or with one of user, skill and status, with or without a lower bound on cost. */
function everyCostListPlan(): QueryPlan[] {
  const plans: QueryPlan[] = [];
  for (const filter of [{}, { userId: "u1" }, { userId: ["42", 42] }, { skill: "research" }, { status: "error" as const }]) {
    for (const minCostUsd of [undefined, 0.05]) plans.push(planListTracesByCost({ ...filter, minCostUsd }));
  }
  return plans;
}

/** The session, feedback and report-of-ratings queries: one plan each, whatever the ids and window. */
const sessionAndFeedbackPlans: { name: string; plan: QueryPlan; index: string; servedBy: RegExp }[] = [
  { name: "runs of a session, oldest first", plan: planSessionRuns(), index: "(session_id, started_at asc)", servedBy: /^composite \(session_id, started_at\)$/ },
  { name: "sessions of a user (their runs in sessions), newest first", plan: planUserSessions(), index: "(user_id, has_session, started_at desc)", servedBy: /^composite \(user_id, has_session, started_at\)$/ },
  { name: "ratings of a run", plan: planRunFeedback(), index: "the automatic index on trace_id", servedBy: /^automatic +index on trace_id$/ },
  { name: "the report's thumbs-down ratings in its window", plan: planNegativeFeedbackQuery(), index: "(rating, updated_at asc)", servedBy: /^composite \(rating, updated_at\)$/ },
];

describe("index coverage (firestore.indexes.json)", () => {
  it("listTraces' plans carry the document-id tie-break it orders by, newest first like started_at", () => {
    for (const plan of everyListPlan()) assert.deepEqual(plan.orderBy.at(-1), { field: DOCUMENT_ID, direction: "desc" });
    const ascendingTieBreak: QueryPlan = { ...planListTraces({ status: "error" }), orderBy: [{ field: "started_at", direction: "desc" }, { field: DOCUMENT_ID, direction: "asc" }] };
    assert.equal(servingIndex(ascendingTieBreak), undefined, "a tie-break against the index's direction needs an index of its own");
  });

  // Filters that differ only in their values (a user id or several, since or until) share a plan: one test each.
  const distinctListPlans = new Map(everyListPlan().map((plan) => [JSON.stringify(plan), plan]));
  for (const plan of distinctListPlans.values()) {
    const name = `listTraces: ${[...plan.equalities.map((field) => `${field} ==`), ...(plan.arrayContains ?? []).map((field) => `${field} array-contains`)].join(", ") || "no filter"}${plan.ranges.length ? ", started_at range" : ""}, newest first`;
    it(`${name} is served by an index`, () => {
      assert.ok(servingIndex(plan), `no index serves ${JSON.stringify(plan)}`);
    });
  }

  const distinctCostPlans = new Map(everyCostListPlan().map((plan) => [JSON.stringify(plan), plan]));
  for (const plan of distinctCostPlans.values()) {
    const name = `list by cost: ${plan.equalities.map((field) => `${field} ==`).join(", ") || "no filter"}${plan.ranges.length ? ", cost_usd >=" : ""}, most expensive first`;
    it(`${name} is served by ${plan.equalities.length ? `(${plan.equalities[0]}, cost_usd desc)` : "the automatic descending index on cost_usd"}`, () => {
      const served = servingIndex(plan) ?? "";
      if (plan.equalities.length) assert.equal(served, `composite (${plan.equalities[0]}, cost_usd)`, JSON.stringify(plan));
      else assert.match(served, /^automatic DESCENDING index on cost_usd$/, JSON.stringify(plan));
    });
  }

  it("the list by cost refuses two equalities: no index serves them together", () => {
    assert.throws(() => planListTracesByCost({ userId: "u1", status: "error" }), /one of user, skill or status/);
    const both: QueryPlan = { ...planListTracesByCost({ skill: "research" }), equalities: ["skill", "status"] };
    assert.equal(servingIndex(both), undefined);
    const ascending: QueryPlan = { ...planListTracesByCost({}), orderBy: [{ field: "cost_usd", direction: "asc" }] };
    assert.equal(servingIndex(ascending), undefined, "cost_usd keeps only its descending index");
  });

  for (const { name, plan, index, servedBy } of sessionAndFeedbackPlans) {
    it(`${name} is served by ${index}`, () => {
      assert.match(servingIndex(plan) ?? "", servedBy, `no index serves ${JSON.stringify(plan)}`);
    });
  }

  it("the list's negative-feedback filter is served with a start-time range, and refused with the filters no index serves with it", () => {
    assert.match(servingIndex(planListTraces({ negativeFeedback: true, since: new Date(0) })) ?? "", /^composite \(negative_feedback, started_at\)$/);
    for (const other of [{ status: "error" as const }, { skill: "research" }, { userId: "u1" }]) {
      assert.throws(() => planListTraces({ negativeFeedback: true, ...other }), /negative-feedback filter/);
    }
  });

  it("the list's failing-tool filter is served by (failed_tool_names CONTAINS, started_at desc), with or without a start-time range, and refused with the other filters", () => {
    for (const bounds of [{}, { since: new Date(0) }, { since: new Date(0), until: new Date() }]) {
      assert.equal(servingIndex(planListTraces({ failedTool: "web_search", ...bounds })), "composite (failed_tool_names, started_at)");
    }
    for (const other of [{ status: "error" as const }, { skill: "research" }, { userId: "u1" }, { negativeFeedback: true }]) {
      assert.throws(() => planListTraces({ failedTool: "web_search", ...other }), /failing-tool filter/);
    }
    const asEquality: QueryPlan = { ...planListTraces({ failedTool: "web_search" }), equalities: ["failed_tool_names"], arrayContains: [] };
    assert.equal(servingIndex(asEquality), undefined, "an array-contains index does not serve an equality on the array");
    const withStatus: QueryPlan = { ...planListTraces({ failedTool: "web_search" }), equalities: ["status"] };
    assert.equal(servingIndex(withStatus), undefined, "nor the failing tool with a status");
  });

  for (const query of reportQueries) {
    it(`error report: ${JSON.stringify(query)}, committed_at range, is served by a composite index`, () => {
      const plan = planReportQuery(query);
      assert.deepEqual(plan.ranges, ["committed_at"], "the report windows by commit");
      assert.deepEqual(plan.orderBy, [{ field: "committed_at", direction: "desc" }]);
      assert.match(servingIndex(plan) ?? "", /^composite \(.*committed_at(, weight(, weight_variance)?)?\)$/, `no index serves ${JSON.stringify(plan)}`);
    });
  }

  it("the report's per-skill estimate counts a skill's failures and sums its successes' weights from (skill, status, committed_at desc[, weight])", () => {
    assert.equal(servingIndex(planReportQuery({ kind: "skillFailures", skill: "research" })), "composite (skill, status, committed_at)");
    assert.equal(servingIndex(planReportQuery({ kind: "skillSuccesses", skill: "research" })), "composite (skill, status, committed_at, weight)");
    const withVariance: QueryPlan = { ...planReportQuery({ kind: "skillSuccesses", skill: "research" }), aggregates: ["weight", "weight_variance"] };
    assert.equal(servingIndex(withVariance), undefined, "its index holds the weight only");
  });

  for (const plan of erasurePlans()) {
    it(`erasure: ${plan.collection} by ${[...plan.equalities.map((field) => `${field} ==`), ...plan.ranges.map((field) => `${field} <`)].join(", ")}, newest first, is served by an index`, () => {
      assert.ok(servingIndex(plan), `no index serves ${JSON.stringify(plan)}`);
    });
  }

  it("the viewer's reports of the last days (a range on window_start_at, newest first) are served by the automatic index on window_start_at", () => {
    assert.match(servingIndex(RECENT_REPORTS_PLAN) ?? "", /^automatic DESCENDING index on window_start_at$/);
  });

  it("declares no composite index that no query uses", () => {
    const plans = [...everyListPlan(), ...everyCostListPlan(), ...reportQueries.map(planReportQuery), ...erasurePlans(), ...sessionAndFeedbackPlans.map(({ plan }) => plan)];
    const used = new Set(plans.map(servingIndex));
    for (const index of indexesFile.indexes) {
      const name = `composite (${index.fields.map((field) => field.fieldPath).join(", ")})`;
      assert.ok(used.has(name), `${name} serves no query`);
    }
  });

  it("would catch a query no index serves", () => {
    const unserved: QueryPlan = { collection: "execution_traces", equalities: ["recorded_by", "status"], ranges: [], orderBy: [{ field: "started_at", direction: "desc" }] };
    assert.equal(servingIndex(unserved), undefined);
    const exempted: QueryPlan = { collection: "execution_traces", equalities: [], ranges: [], orderBy: [{ field: "final_output", direction: "asc" }] };
    assert.equal(servingIndex(exempted), undefined);
    const oldestFirst: QueryPlan = { collection: "execution_traces", equalities: [], ranges: ["started_at"], orderBy: [{ field: "started_at", direction: "asc" }] };
    assert.equal(servingIndex(oldestFirst), undefined, "started_at keeps only its descending index");
    const commitOnly: QueryPlan = { collection: "execution_traces", equalities: [], ranges: ["committed_at"], orderBy: [{ field: "committed_at", direction: "desc" }] };
    assert.equal(servingIndex(commitOnly), undefined, "committed_at has no single-field index, only the report's composites");
    const sumWithoutIndex: QueryPlan = { ...planReportQuery({ kind: "count", status: "error" }), aggregates: ["duration_ms"] };
    assert.equal(servingIndex(sumWithoutIndex), undefined, "a sum needs its field in the index");
    const weightOnly: QueryPlan = { ...planReportQuery({ kind: "successes" }), aggregates: ["weight"] };
    assert.equal(servingIndex({ ...weightOnly, aggregates: ["weight_variance"] }), undefined, "both sums need their fields, in the index's order");
  });

  it("declares the TTL policy on expire_at and exempts the large, unqueried and monotonic fields", () => {
    const ttl = indexesFile.fieldOverrides.filter((entry) => entry.collectionGroup === "execution_traces" && entry.ttl === true);
    assert.deepEqual(ttl.map((entry) => entry.fieldPath), ["expire_at"]);
    // An exemption switches off single-field indexes only: the composites on status, has_usage, committed_at, weight and failed_tool_names still exist.
    for (const field of [
      "tool_traces", "failed_tools", "final_output", "metadata", "usage", "trace_id", "user_id", "status", "sample_rate", "weight", "has_usage", "content_captured", "skill",
      "received_at", "committed_at", "session_id", "has_session", "kept_for", "feedback", "negative_feedback", "weight_variance", "unpriced_models",
      "failed_tool_names",
    ]) {
      assert.equal(singleFieldIndexExists("execution_traces", field), false, `${field} is exempt from indexing`);
    }
  });

  it("keeps cost_usd's descending single-field index only: the list by cost, unfiltered", () => {
    assert.equal(singleFieldIndexExists("execution_traces", "cost_usd", "DESCENDING"), true);
    assert.equal(singleFieldIndexExists("execution_traces", "cost_usd", "ASCENDING"), false);
  });

  it("declares the TTL policy on trace_feedback's expire_at, exempts its text and unqueried fields, and keeps the fields its queries need", () => {
    const ttl = indexesFile.fieldOverrides.filter((entry) => entry.collectionGroup === FEEDBACK_COLLECTION && entry.ttl === true);
    assert.deepEqual(ttl.map((entry) => entry.fieldPath), ["expire_at"]);
    for (const field of ["comment", "tags", "value", "created_at", "run_status", "skill", "session_id", "schema_version", "expire_at"]) {
      assert.equal(singleFieldIndexExists(FEEDBACK_COLLECTION, field), false, `${field} is exempt from indexing`);
    }
    // The viewer's ratings of a run (trace_id ==) and erasure by age (run_started_at range) use automatic indexes.
    for (const field of ["trace_id", "run_started_at"]) assert.equal(singleFieldIndexExists(FEEDBACK_COLLECTION, field), true, `${field} keeps its automatic indexes`);
  });
});
