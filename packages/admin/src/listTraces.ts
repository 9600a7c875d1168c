import { FieldPath, Timestamp, type Firestore, type Query } from "firebase-admin/firestore";
import type { TraceStatus } from "@agent-traces/core";
import { TRACES_COLLECTION } from "./collections.js";
import { DOCUMENT_ID, type QueryPlan } from "./queryPlan.js";
import { fromTraceDocument, type StoredTrace, type TraceDocument } from "./traceDocument.js";

export interface ListTracesOptions {
  userId?: string | number;
  status?: TraceStatus;
  /** Runs started at or after this instant. */
  since?: Date;
  /** Runs started before this instant. */
  until?: Date;
  /** 1 to 100, default 20. */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

export interface TracePage {
  traces: StoredTrace[];
  /** Present when more traces may follow; pass it back as `cursor`. */
  nextCursor?: string;
}

export const DEFAULT_LIST_LIMIT = 20;
export const MAX_LIST_LIMIT = 100;

export function planListTraces(options: Pick<ListTracesOptions, "userId" | "status" | "since" | "until">): QueryPlan {
  return {
    collection: TRACES_COLLECTION,
    equalities: [...(options.userId !== undefined ? ["user_id"] : []), ...(options.status ? ["status"] : [])],
    ranges: options.since || options.until ? ["started_at"] : [],
    // Runs that started at the same instant come in document-id order, so a cursor never skips or repeats one.
    orderBy: [
      { field: "started_at", direction: "desc" },
      { field: DOCUMENT_ID, direction: "desc" },
    ],
  };
}

/**
 * Traces newest first by `started_at`, runs that started at the same instant by document id (descending),
 * filtered and paged. Firestore errors are raised, never turned into an empty page.
 */
export async function listTraces(db: Firestore, options: ListTracesOptions = {}): Promise<TracePage> {
  const limit = options.limit ?? DEFAULT_LIST_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
    throw new RangeError(`limit must be an integer from 1 to ${MAX_LIST_LIMIT}, got ${limit}`);
  }
  // The query is built from its plan, which the index-coverage test checks against firestore.indexes.json.
  const plan = planListTraces(options);
  const equalityValues: Record<string, unknown> = { user_id: options.userId, status: options.status };
  let query: Query = db.collection(plan.collection);
  for (const field of plan.equalities) query = query.where(field, "==", equalityValues[field]);
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
