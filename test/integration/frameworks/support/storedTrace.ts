import { strict as assert } from "node:assert";
import { fromTraceDocument, getTrace, TRACES_COLLECTION, type StoredTrace, type TraceDocument } from "@agent-traces/admin";
import { adminFirestore } from "../../support/emulators.js";

/** The stored trace with this id, once it is there (the callable answers after its write, so this is a bound, not a wait). */
export async function storedTrace(id: string, timeoutMs = 5000): Promise<StoredTrace> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const trace = await getTrace(adminFirestore(), id);
    if (trace) return trace;
    if (Date.now() > deadline) assert.fail(`trace ${id} was not stored within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Every stored run whose `session_id` is this one, oldest first (started_at, then id): a session as Firestore holds it. */
export async function storedSession(sessionId: string): Promise<StoredTrace[]> {
  const snapshot = await adminFirestore().collection(TRACES_COLLECTION).where("session_id", "==", sessionId).orderBy("started_at").orderBy("__name__").get();
  return snapshot.docs.map((document) => fromTraceDocument(document.data() as TraceDocument));
}
