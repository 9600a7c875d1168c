import type { Firestore } from "firebase-admin/firestore";
import { TRACES_COLLECTION } from "@agent-traces/core";
import type { TraceDocument } from "./traceDocument.js";

const ALREADY_EXISTS = 6;

/**
 * Creates `execution_traces/{trace_id}` unless it exists. `create()` is atomic, so a retried call
 * never overwrites or duplicates what the first one stored.
 */
export async function createTraceDocument(db: Firestore, document: TraceDocument): Promise<"created" | "duplicate"> {
  try {
    await db.collection(TRACES_COLLECTION).doc(document.trace_id).create(document);
    return "created";
  } catch (error) {
    if ((error as { code?: unknown }).code === ALREADY_EXISTS) return "duplicate";
    throw error;
  }
}

/**
 * Creates each document unless it exists, answering for each in order. They go in one atomic commit;
 * if one of them exists (a retried batch), the commit writes nothing and each is created on its own.
 * Any other error rejects, with nothing written by the commit.
 */
export async function createTraceDocuments(db: Firestore, documents: readonly TraceDocument[]): Promise<("created" | "duplicate")[]> {
  if (documents.length <= 1) return Promise.all(documents.map((document) => createTraceDocument(db, document)));
  const batch = db.batch();
  for (const document of documents) batch.create(db.collection(TRACES_COLLECTION).doc(document.trace_id), document);
  try {
    await batch.commit();
    return documents.map(() => "created");
  } catch (error) {
    if ((error as { code?: unknown }).code !== ALREADY_EXISTS) throw error;
    return Promise.all(documents.map((document) => createTraceDocument(db, document)));
  }
}
