import { Timestamp, type DocumentReference, type Firestore } from "firebase-admin/firestore";
import { TRACE_ERASURES_COLLECTION } from "@agent-traces/store";
import { ERASABLE_COLLECTIONS } from "./erasableCollections.js";
import { erasureRef, runByFunctions, subjectRef, uidSha256, type ErasureReason, type ErasureReceipt, type ErasureSubject } from "./erasureReceipt.js";
import type { ErasureScope } from "./erasureScope.js";

const ALREADY_EXISTS = 6;

/**
 * Creates the running receipt `trace_erasures/{id}` (a new random id when none is given), every count
 * at 0; for a user erasure the functions run, with the subject document naming the uid, in the same
 * commit. Returns the receipt, or undefined when `id` is taken (the same event delivered again).
 */
export async function startErasure(db: Firestore, scope: ErasureScope, reason: ErasureReason, now: Date, id?: string): Promise<DocumentReference | undefined> {
  const ref = id === undefined ? db.collection(TRACE_ERASURES_COLLECTION).doc() : erasureRef(db, id);
  const receipt: ErasureReceipt = {
    scope: scope.kind,
    ...(scope.kind === "user" ? { uid_sha256: uidSha256(scope.uid) } : { before: Timestamp.fromDate(scope.before) }),
    reason,
    state: "running",
    started_at: Timestamp.fromDate(now),
    ended_at: null,
    deleted: Object.fromEntries(ERASABLE_COLLECTIONS.map((collection) => [collection.name, 0])),
    batches: 0,
    runs: 0,
  };
  const batch = db.batch().create(ref, receipt);
  if (scope.kind === "user" && runByFunctions(reason)) batch.create(subjectRef(ref), { uid: scope.uid } satisfies ErasureSubject);
  try {
    await batch.commit();
    return ref;
  } catch (error) {
    if ((error as { code?: unknown }).code === ALREADY_EXISTS) return undefined;
    throw error;
  }
}
