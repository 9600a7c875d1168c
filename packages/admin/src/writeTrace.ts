import type { Firestore } from "firebase-admin/firestore";
import { TRACES_COLLECTION } from "./collections.js";
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
