import { Timestamp, type Firestore, type Query } from "firebase-admin/firestore";
import { TRACES_COLLECTION, type QueryPlan } from "@agent-traces/core";
import type { ReportWindow } from "./reportWindow.js";

/** The field a report window bounds: when the trace arrived, so consecutive windows split every stored trace. */
export const REPORT_WINDOW_FIELD = "received_at";

/**
 * The report's queries. Each filters `received_at` to the window and orders by it, newest first, so
 * that the composite indexes on (status[, sample_rate | has_usage], received_at desc) serve every one
 * of them. `usage` is the successes that carry token usage (failures are read anyway).
 */
export type ReportQuery =
  | { kind: "failures" }
  | { kind: "usage" }
  | { kind: "count"; status: "success" | "error" | "timeout" }
  | { kind: "countAtRate"; sampleRate: number };

export function planReportQuery(query: ReportQuery): QueryPlan {
  return {
    collection: TRACES_COLLECTION,
    equalities: query.kind === "countAtRate" ? ["status", "sample_rate"] : query.kind === "usage" ? ["status", "has_usage"] : ["status"],
    ranges: [REPORT_WINDOW_FIELD],
    orderBy: [{ field: REPORT_WINDOW_FIELD, direction: "desc" }],
  };
}

export function buildReportQuery(db: Firestore, window: ReportWindow, query: ReportQuery): Query {
  const plan = planReportQuery(query);
  const values: Record<string, unknown> = {
    status: query.kind === "failures" ? ["error", "timeout"] : query.kind === "count" ? query.status : "success",
    sample_rate: query.kind === "countAtRate" ? query.sampleRate : undefined,
    has_usage: query.kind === "usage" ? true : undefined,
  };
  let built: Query = db.collection(plan.collection);
  for (const field of plan.equalities) built = built.where(field, Array.isArray(values[field]) ? "in" : "==", values[field]);
  built = built.where(REPORT_WINDOW_FIELD, ">=", Timestamp.fromDate(window.start)).where(REPORT_WINDOW_FIELD, "<", Timestamp.fromDate(window.end));
  for (const { field, direction } of plan.orderBy) built = built.orderBy(field, direction);
  return built;
}
