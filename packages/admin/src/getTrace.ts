import type { Firestore } from "firebase-admin/firestore";
import { isValidTraceId } from "@agent-traces/core";
import { TRACES_COLLECTION, type StoredTrace } from "@agent-traces/store";
import { fromTraceDocument, type TraceDocument } from "./traceDocument.js";

/** The stored trace with this id, or `undefined` when there is none (ids are matched in lowercase). */
export async function getTrace(db: Firestore, traceId: string): Promise<StoredTrace | undefined> {
  const id = traceId.toLowerCase();
  if (!isValidTraceId(id)) return undefined;
  const snapshot = await db.collection(TRACES_COLLECTION).doc(id).get();
  return snapshot.exists ? fromTraceDocument(snapshot.data() as TraceDocument) : undefined;
}
