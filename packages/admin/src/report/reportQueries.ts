import { Timestamp, type Firestore, type Query } from "firebase-admin/firestore";
import { TRACES_COLLECTION } from "../collections.js";
import type { QueryPlan } from "../queryPlan.js";
import type { ReportWindow } from "./reportWindow.js";

/**
 * The report's queries. Each filters `started_at` to the window and orders by it, newest first, so
 * that the composite indexes on (status[, sample_rate], started_at desc) serve every one of them.
 */
export type ReportQuery =
  | { kind: "failures" }
  | { kind: "count"; status: "success" | "error" | "timeout" }
  | { kind: "countAtRate"; sampleRate: number };

export function planReportQuery(query: ReportQuery): QueryPlan {
  return {
    collection: TRACES_COLLECTION,
    equalities: query.kind === "countAtRate" ? ["status", "sample_rate"] : ["status"],
    ranges: ["started_at"],
    orderBy: [{ field: "started_at", direction: "desc" }],
  };
}

export function buildReportQuery(db: Firestore, window: ReportWindow, query: ReportQuery): Query {
  const plan = planReportQuery(query);
  const values: Record<string, unknown> = {
    status: query.kind === "failures" ? ["error", "timeout"] : query.kind === "count" ? query.status : "success",
    sample_rate: query.kind === "countAtRate" ? query.sampleRate : undefined,
  };
  let built: Query = db.collection(plan.collection);
  for (const field of plan.equalities) built = built.where(field, Array.isArray(values[field]) ? "in" : "==", values[field]);
  built = built.where("started_at", ">=", Timestamp.fromDate(window.start)).where("started_at", "<", Timestamp.fromDate(window.end));
  for (const { field, direction } of plan.orderBy) built = built.orderBy(field, direction);
  return built;
}
