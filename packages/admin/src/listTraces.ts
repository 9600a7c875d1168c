import { FieldPath, Timestamp, type Firestore, type Query } from "firebase-admin/firestore";
import { DOCUMENT_ID, planListTraces, type StoredTrace, type TraceListFilter } from "@agent-traces/store";
import { fromTraceDocument, type TraceDocument } from "./traceDocument.js";

/** A trace list's filters (see TraceListFilter) and its page. */
export interface ListTracesOptions extends TraceListFilter {
  /** 1 to 100, default 20. */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

/** One page of a trace list. */
export interface TracePage {
  traces: StoredTrace[];
  /** Present when more traces may follow; pass it back as `cursor`. */
  nextCursor?: string;
}

/** How many traces a page holds unless told otherwise. */
export const DEFAULT_LIST_LIMIT = 20;
/** How many traces a page may hold. */
export const MAX_LIST_LIMIT = 100;
/** How many user ids one list may match (Firestore's bound on the values of an `in` filter). */
const MAX_LIST_USER_IDS = 30;

/**
 * Traces newest first by `started_at`, runs that started at the same instant by document id (descending),
 * filtered and paged. Firestore errors are raised, never turned into an empty page.
 */
export async function listTraces(db: Firestore, options: ListTracesOptions = {}): Promise<TracePage> {
  const limit = options.limit ?? DEFAULT_LIST_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
    throw new RangeError(`limit must be an integer from 1 to ${MAX_LIST_LIMIT}, got ${limit}`);
  }
  if (Array.isArray(options.userId) && (options.userId.length === 0 || options.userId.length > MAX_LIST_USER_IDS)) {
    throw new RangeError(`userId must list 1 to ${MAX_LIST_USER_IDS} user ids, got ${options.userId.length}`);
  }
  // The query is built from its plan, which the index-coverage test checks against firestore.indexes.json.
  const plan = planListTraces(options);
  const equalityValues: Record<string, unknown> = { user_id: options.userId, skill: options.skill, status: options.status, negative_feedback: true };
  let query: Query = db.collection(plan.collection);
  for (const field of plan.equalities) query = query.where(field, Array.isArray(equalityValues[field]) ? "in" : "==", equalityValues[field]);
  for (const field of plan.arrayContains ?? []) query = query.where(field, "array-contains", options.failedTool);
  if (options.since) query = query.where("started_at", ">=", Timestamp.fromDate(options.since));
  if (options.until) query = query.where("started_at", "<", Timestamp.fromDate(options.until));
  for (const { field, direction } of plan.orderBy) query = query.orderBy(field === DOCUMENT_ID ? FieldPath.documentId() : field, direction);
  if (options.cursor) {
    const { startedAt, traceId } = decodeCursor(options.cursor);
    query = query.startAfter(startedAt, traceId);
  }
  const snapshot = await query.limit(limit).get();
  const traces = snapshot.docs.map((doc) => fromTraceDocument(doc.data() as TraceDocument));
  const last = snapshot.docs.at(-1);
  return snapshot.size === limit && last
    ? { traces, nextCursor: encodeCursor(last.get("started_at") as Timestamp, last.id) }
    : { traces };
}

function encodeCursor(startedAt: Timestamp, traceId: string): string {
  return Buffer.from(JSON.stringify([startedAt.seconds, startedAt.nanoseconds, traceId])).toString("base64url");
}

function decodeCursor(cursor: string): { startedAt: Timestamp; traceId: string } {
  try {
    const [seconds, nanoseconds, traceId] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown[];
    if (typeof seconds === "number" && typeof nanoseconds === "number" && typeof traceId === "string") {
      return { startedAt: new Timestamp(seconds, nanoseconds), traceId };
    }
  } catch {
    // fall through to the error below
  }
  throw new RangeError("cursor is not one returned by listTraces");
}
