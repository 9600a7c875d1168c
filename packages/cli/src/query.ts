import { FieldPath, Timestamp, type Firestore, type Query, type QueryDocumentSnapshot } from "firebase-admin/firestore";
import { fromTraceDocument, listTraces, type TraceDocument } from "@agent-traces/admin";
import type { TraceStatus } from "@agent-traces/core";
import {
  COST_FIELD,
  DOCUMENT_ID,
  planListTracesByCost,
  planRunFeedback,
  planSessionRuns,
  planUserSessions,
  userIdVariants,
  type QueryPlan,
  type StoredFeedback,
  type StoredTrace,
} from "@agent-traces/store";
import type { ListFilters } from "./args.js";

/**
 * Traces newest first, in one query (`--user` as an `in` filter), or the most expensive first, or one
 * session's oldest first; `more` when others may exist beyond the limit.
 */
export async function findTraces(db: Firestore, filters: ListFilters): Promise<{ traces: StoredTrace[]; more: boolean }> {
  const { user, session, sort, minCostUsd: _minCost, ...rest } = filters;
  if (session !== undefined) return findSessionRuns(db, session, filters.limit);
  if (sort === "cost") return findTracesByCost(db, filters);
  const page = await listTraces(db, user === undefined ? rest : { ...rest, userId: userIdVariants(user) });
  return { traces: page.traces, more: page.nextCursor !== undefined };
}

/**
 * The most expensive runs first, the document id breaking ties (store's planListTracesByCost), with
 * one of user, skill or status and a lower bound on cost; runs without a priced cost are not in it.
 */
export async function findTracesByCost(db: Firestore, filters: ListFilters): Promise<{ traces: StoredTrace[]; more: boolean }> {
  const userId = filters.user === undefined ? undefined : userIdVariants(filters.user);
  const plan = planListTracesByCost({ userId, skill: filters.skill, status: filters.status, minCostUsd: filters.minCostUsd });
  const values: Record<string, unknown> = { user_id: userId, skill: filters.skill, status: filters.status };
  let query: Query = db.collection(plan.collection);
  for (const field of plan.equalities) query = query.where(field, Array.isArray(values[field]) ? "in" : "==", values[field]);
  if (filters.minCostUsd !== undefined) query = query.where(COST_FIELD, ">=", filters.minCostUsd);
  const snapshot = await ordered(query, plan).limit(filters.limit + 1).get();
  const docs = snapshot.docs.slice(0, filters.limit);
  return { traces: docs.map((doc) => fromTraceDocument(doc.data() as TraceDocument)), more: snapshot.size > filters.limit };
}

/** A plan's orderBy on a query (the document id as FieldPath.documentId()). */
function ordered(query: Query, plan: QueryPlan): Query {
  return plan.orderBy.reduce((next, { field, direction }) => next.orderBy(field === DOCUMENT_ID ? FieldPath.documentId() : field, direction), query);
}

/** The first `limit` runs of a session, oldest first (store's planSessionRuns); `more` when later ones exist. */
export async function findSessionRuns(db: Firestore, sessionId: string, limit: number): Promise<{ traces: StoredTrace[]; more: boolean }> {
  const plan = planSessionRuns();
  const snapshot = await ordered(db.collection(plan.collection).where("session_id", "==", sessionId), plan).limit(limit + 1).get();
  const docs = snapshot.docs.slice(0, limit);
  return { traces: docs.map((doc) => fromTraceDocument(doc.data() as TraceDocument)), more: snapshot.size > limit };
}

/** One session of a user, as `sessions` shows it: its runs (all of them, whoever's), their first and last start and statuses. */
export interface SessionSummary {
  session_id: string;
  /** How many runs the session has (at most MAX_SESSION_RUNS_READ are read: see `runs_capped`). */
  runs: number;
  /** True when the session has more runs than were read. */
  runs_capped: boolean;
  first_started_at: string;
  last_started_at: string;
  statuses: Record<TraceStatus, number>;
  /** The distinct user ids of its runs, in order of first run. */
  users: (string | number)[];
}

/** How many of a user's runs `sessions` reads to find its sessions (newest first), at most. */
export const MAX_USER_RUNS_READ = 5_000;
/** How many runs of one session `sessions` reads to sum it up, at most. */
export const MAX_SESSION_RUNS_READ = 1_000;
const USER_RUNS_PAGE = 500;

/**
 * The user's sessions, newest first (by their newest run of the user): the user's runs in a session
 * (store's planUserSessions) grouped by session id, then each of the first `limit` sessions read whole
 * (its runs oldest first, only the fields summed up). `more` when other sessions may exist.
 */
export async function findUserSessions(db: Firestore, user: string, limit: number): Promise<{ sessions: SessionSummary[]; more: boolean }> {
  const plan = planUserSessions();
  const ids = userIdVariants(user);
  const base = ordered(db.collection(plan.collection).where("user_id", ids.length === 1 ? "==" : "in", ids.length === 1 ? ids[0] : ids).where("has_session", "==", true), plan).select("session_id", "started_at");
  const found: string[] = [];
  let read = 0;
  let after: QueryDocumentSnapshot | undefined;
  let exhausted = false;
  // One session more than asked for tells whether others exist.
  while (found.length <= limit && read < MAX_USER_RUNS_READ) {
    const snapshot = await (after ? base.startAfter(after) : base).limit(Math.min(USER_RUNS_PAGE, MAX_USER_RUNS_READ - read)).get();
    read += snapshot.size;
    for (const doc of snapshot.docs) {
      const id: unknown = doc.get("session_id");
      if (typeof id === "string" && !found.includes(id)) found.push(id);
    }
    after = snapshot.docs.at(-1);
    if (snapshot.size < USER_RUNS_PAGE || !after) {
      exhausted = true;
      break;
    }
  }
  const sessions = await Promise.all(found.slice(0, limit).map((id) => summarizeSession(db, id)));
  return { sessions, more: found.length > limit || !exhausted };
}

async function summarizeSession(db: Firestore, sessionId: string): Promise<SessionSummary> {
  const plan = planSessionRuns();
  const snapshot = await ordered(db.collection(plan.collection).where("session_id", "==", sessionId), plan)
    .select("status", "started_at", "user_id")
    .limit(MAX_SESSION_RUNS_READ + 1)
    .get();
  const docs = snapshot.docs.slice(0, MAX_SESSION_RUNS_READ);
  const statuses: Record<TraceStatus, number> = { success: 0, error: 0, timeout: 0 };
  const users: (string | number)[] = [];
  for (const doc of docs) {
    const status = doc.get("status") as TraceStatus;
    if (status in statuses) statuses[status]++;
    const userId = doc.get("user_id") as string | number;
    if (!users.includes(userId)) users.push(userId);
  }
  const startOf = (doc: QueryDocumentSnapshot | undefined) => (doc?.get("started_at") as Timestamp | undefined)?.toDate().toISOString() ?? "";
  return {
    session_id: sessionId,
    runs: docs.length,
    runs_capped: snapshot.size > MAX_SESSION_RUNS_READ,
    first_started_at: startOf(docs[0]),
    last_started_at: startOf(docs.at(-1)),
    statuses,
    users,
  };
}

/** At most this many ratings of one run are read (one per rater). */
export const MAX_RUN_FEEDBACK_READ = 100;

/** The ratings of one run (store's planRunFeedback), newest first by their latest change. */
export async function findRunFeedback(db: Firestore, traceId: string): Promise<StoredFeedback[]> {
  const plan = planRunFeedback();
  const snapshot = await db.collection(plan.collection).where("trace_id", "==", traceId).limit(MAX_RUN_FEEDBACK_READ).get();
  return snapshot.docs
    .map((doc) => feedbackFromDocument(doc.data()))
    .sort((a, b) => Date.parse(b.updated_at) - Date.parse(a.updated_at) || (a.rated_by < b.rated_by ? -1 : a.rated_by > b.rated_by ? 1 : 0));
}

/** A `trace_feedback` document with its Timestamps as ISO strings. */
function feedbackFromDocument(data: Record<string, unknown>): StoredFeedback {
  const iso = (value: unknown) => (value instanceof Timestamp ? value.toDate().toISOString() : String(value));
  return {
    ...(data as unknown as StoredFeedback),
    run_started_at: iso(data.run_started_at),
    created_at: iso(data.created_at),
    updated_at: iso(data.updated_at),
    expire_at: iso(data.expire_at),
  };
}
