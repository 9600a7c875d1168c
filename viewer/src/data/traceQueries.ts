import { DOCUMENT_ID, FAILED_TOOL_NAMES_FIELD, planListTraces, planRunFeedback, planSessionRuns, REPORTS_COLLECTION, TRACES_COLLECTION, type QueryPlan } from "@agent-traces/store";
import {
  collection,
  doc,
  documentId,
  limit,
  orderBy,
  query,
  startAfter,
  Timestamp,
  where,
  type DocumentSnapshot,
  type Firestore,
  type Query,
  type QueryConstraint,
} from "firebase/firestore";
import { toTraceListFilter, type ListFilter } from "../view/listFilter.js";

/** Runs a list page shows. */
export const PAGE_SIZE = 50;

/**
 * The list's query, newest first, built from store's plan (the one the index-coverage test proves
 * is served by firestore.indexes.json). It asks for one run more than `size` to know if a next page exists.
 */
export function traceListQuery(db: Firestore, filter: ListFilter, options: { after?: DocumentSnapshot; size: number }): Query {
  const listFilter = toTraceListFilter(filter);
  const plan = planListTraces(listFilter);
  const constraints: QueryConstraint[] = [];
  for (const field of plan.equalities) {
    if (field === "user_id") {
      const ids = [listFilter.userId ?? []].flat();
      constraints.push(ids.length === 1 ? where("user_id", "==", ids[0]) : where("user_id", "in", ids));
    } else if (field === "skill") constraints.push(where("skill", "==", listFilter.skill));
    else if (field === "status") constraints.push(where("status", "==", listFilter.status));
    else if (field === "negative_feedback") constraints.push(where("negative_feedback", "==", true));
    else throw new Error(`no filter value for ${field}`);
  }
  for (const field of plan.arrayContains ?? []) {
    if (field === FAILED_TOOL_NAMES_FIELD) constraints.push(where(FAILED_TOOL_NAMES_FIELD, "array-contains", listFilter.failedTool));
    else throw new Error(`no filter value for ${field}`);
  }
  if (listFilter.since) constraints.push(where("started_at", ">=", Timestamp.fromDate(listFilter.since)));
  if (listFilter.until) constraints.push(where("started_at", "<", Timestamp.fromDate(listFilter.until)));
  for (const { field, direction } of plan.orderBy) constraints.push(orderBy(field === DOCUMENT_ID ? documentId() : field, direction));
  if (options.after) constraints.push(startAfter(options.after));
  constraints.push(limit(options.size + 1));
  return query(collection(db, plan.collection), ...constraints);
}

export function traceDocument(db: Firestore, traceId: string) {
  return doc(db, TRACES_COLLECTION, traceId);
}

/** Runs a session page loads at a time. */
export const SESSION_PAGE_SIZE = 100;

/** A session's runs oldest first (store's planSessionRuns), `size` + 1 of them after `after` to know if more follow. */
export function sessionRunsQuery(db: Firestore, sessionId: string, options: { after?: DocumentSnapshot; size: number }): Query {
  const plan = planSessionRuns();
  const constraints: QueryConstraint[] = [where("session_id", "==", sessionId)];
  for (const { field, direction } of plan.orderBy) constraints.push(orderBy(field === DOCUMENT_ID ? documentId() : field, direction));
  if (options.after) constraints.push(startAfter(options.after));
  constraints.push(limit(options.size + 1));
  return query(collection(db, plan.collection), ...constraints);
}

/** At most this many ratings of one run are read (one per rater: its sender and admins). */
export const RUN_FEEDBACK_LIMIT = 100;

/** The ratings of one run (store's planRunFeedback), in no order. */
export function runFeedbackQuery(db: Firestore, traceId: string): Query {
  return query(collection(db, planRunFeedback().collection), where("trace_id", "==", traceId), limit(RUN_FEEDBACK_LIMIT));
}

/** Reports read for the last days' plots: 7 days of hourly windows, and a day more (for windows of other lengths, or late ones). */
export const RECENT_REPORTS_LIMIT = 8 * 24;

/**
 * The reports whose window starts at or after `since`, newest first: a range on the ordering field,
 * served by the same automatic single-field index on `window_start_at` (the index-coverage test checks it).
 */
export const RECENT_REPORTS_PLAN: QueryPlan = { collection: REPORTS_COLLECTION, equalities: [], ranges: ["window_start_at"], orderBy: [{ field: "window_start_at", direction: "desc" }] };

/** The newest `size` reports (at most) whose window started at or after `since`, newest first. */
export function recentReportsQuery(db: Firestore, since: Date, size = RECENT_REPORTS_LIMIT): Query {
  return query(
    collection(db, RECENT_REPORTS_PLAN.collection),
    where("window_start_at", ">=", Timestamp.fromDate(since)),
    ...RECENT_REPORTS_PLAN.orderBy.map(({ field, direction }) => orderBy(field, direction)),
    limit(size),
  );
}
