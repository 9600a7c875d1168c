import { Timestamp, type Firestore, type Query } from "firebase-admin/firestore";
import { TRACES_COLLECTION, type QueryPlan } from "@agent-traces/store";
import type { ReportWindow } from "./reportWindow.js";

/**
 * The field a report window bounds: when the commit that stored the trace happened (a server
 * timestamp), so that consecutive windows split every stored trace, and a window's report, run once
 * the window has ended, sees every trace it will ever hold, however late its write landed.
 */
export const REPORT_WINDOW_FIELD = "committed_at";
/** The field the success estimate sums: the runs each stored trace stands for. */
export const WEIGHT_FIELD = "weight";
/** The field the estimate's variance sums: each stored success's share of it, weight × (weight − 1). */
export const WEIGHT_VARIANCE_FIELD = "weight_variance";

/**
 * The report's queries. Each filters `committed_at` to the window and orders by it, newest first, so
 * that the composite indexes on (status[, has_usage], committed_at desc[, weight, weight_variance])
 * serve every one of them. `usage` is the successes that carry token usage (failures are read
 * anyway); `successes` counts the successes and sums their weights and weight variances;
 * `skillFailures` counts one skill's failures and `skillSuccesses` sums its successes' weights
 * (skill null: runs recorded without one), served by (skill, status, committed_at desc[, weight]).
 */
export type ReportQuery =
  | { kind: "failures" }
  | { kind: "usage" }
  | { kind: "count"; status: "error" | "timeout" }
  | { kind: "successes" }
  | { kind: "skillFailures"; skill: string | null }
  | { kind: "skillSuccesses"; skill: string | null };

export function planReportQuery(query: ReportQuery): QueryPlan {
  return {
    collection: TRACES_COLLECTION,
    equalities: query.kind === "usage" ? ["status", "has_usage"] : query.kind === "skillFailures" || query.kind === "skillSuccesses" ? ["skill", "status"] : ["status"],
    ranges: [REPORT_WINDOW_FIELD],
    orderBy: [{ field: REPORT_WINDOW_FIELD, direction: "desc" }],
    ...(query.kind === "successes" && { aggregates: [WEIGHT_FIELD, WEIGHT_VARIANCE_FIELD] }),
    ...(query.kind === "skillSuccesses" && { aggregates: [WEIGHT_FIELD] }),
  };
}

export function buildReportQuery(db: Firestore, window: ReportWindow, query: ReportQuery): Query {
  const plan = planReportQuery(query);
  const values: Record<string, unknown> = {
    status: query.kind === "failures" || query.kind === "skillFailures" ? ["error", "timeout"] : query.kind === "count" ? query.status : "success",
    has_usage: query.kind === "usage" ? true : undefined,
    skill: query.kind === "skillFailures" || query.kind === "skillSuccesses" ? query.skill : undefined,
  };
  let built: Query = db.collection(plan.collection);
  for (const field of plan.equalities) built = built.where(field, Array.isArray(values[field]) ? "in" : "==", values[field]);
  built = built.where(REPORT_WINDOW_FIELD, ">=", Timestamp.fromDate(window.start)).where(REPORT_WINDOW_FIELD, "<", Timestamp.fromDate(window.end));
  for (const { field, direction } of plan.orderBy) built = built.orderBy(field, direction);
  return built;
}
