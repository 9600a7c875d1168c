import type { Firestore } from "firebase-admin/firestore";
import { TRACES_COLLECTION, type StoredTrace } from "@agent-traces/store";
import { fromTraceDocument, type TraceDocument } from "../traceDocument.js";
import { ERASABLE_COLLECTIONS } from "./erasableCollections.js";
import { toQuery } from "./erasureQuery.js";

/**
 * Every stored trace of a user (a data-access request): those recorded by the uid and those naming it
 * (both forms of a numeric id), each once, oldest first (by started_at, then trace id): the traces
 * an erasure of the user would delete.
 */
export async function exportUserTraces(db: Firestore, uid: string): Promise<StoredTrace[]> {
  const traces = ERASABLE_COLLECTIONS.find((collection) => collection.name === TRACES_COLLECTION)!;
  const byId = new Map<string, StoredTrace>();
  for (const query of traces.queries({ kind: "user", uid })) {
    for (const doc of (await toQuery(db, query).get()).docs) if (!byId.has(doc.id)) byId.set(doc.id, fromTraceDocument(doc.data() as TraceDocument));
  }
  return [...byId.values()].sort((a, b) => Date.parse(a.started_at) - Date.parse(b.started_at) || (a.trace_id < b.trace_id ? -1 : a.trace_id > b.trace_id ? 1 : 0));
}
