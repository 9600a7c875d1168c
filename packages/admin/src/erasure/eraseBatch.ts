import { FieldValue, type DocumentReference, type Firestore } from "firebase-admin/firestore";
import { findErasable } from "./findErasable.js";
import type { ErasureScope } from "./erasureScope.js";

/** Documents one batch deletes at most: with the receipt's update, within Firestore's 500 writes per commit. */
export const ERASURE_BATCH_SIZE = 400;
const NOT_FOUND = 5;
const FAILED_PRECONDITION = 9;
const ABORTED = 10;
/** Commits tried when another run deleted some of the documents first. */
const MAX_COMMITS = 5;

/** What one batch deleted: per collection, and in all (0: nothing of the scope is left). */
export interface ErasedBatch {
  deleted: Record<string, number>;
  total: number;
}

/**
 * Deletes up to `batchSize` documents of the scope in ONE commit, each on the condition that it still
 * exists, together with the increments of the receipt's counts (`deleted.<collection>`, `batches`), so
 * the counts stay exact when a batch is retried or two runs overlap: when another run deleted one of
 * them first, the commit fails whole, and the documents are looked up again.
 */
export async function eraseBatch(db: Firestore, receipt: DocumentReference, scope: ErasureScope, batchSize = ERASURE_BATCH_SIZE): Promise<ErasedBatch> {
  for (let commit = 1; ; commit++) {
    const found = await findErasable(db, scope, batchSize);
    const deleted = Object.fromEntries([...found].map(([collection, refs]) => [collection, refs.length]));
    const total = Object.values(deleted).reduce((sum, count) => sum + count, 0);
    if (total === 0) return { deleted, total };
    const batch = db.batch();
    for (const refs of found.values()) for (const ref of refs) batch.delete(ref, { exists: true });
    const increments: Record<string, FieldValue> = { batches: FieldValue.increment(1) };
    for (const [collection, count] of Object.entries(deleted)) if (count > 0) increments[`deleted.${collection}`] = FieldValue.increment(count);
    batch.update(receipt, increments);
    try {
      await batch.commit();
      return { deleted, total };
    } catch (error) {
      if (!deletedMeanwhile(error)) throw error;
      if (!(await receipt.get()).exists) throw new Error(`the erasure's receipt ${receipt.path} is gone`, { cause: error });
      if (commit >= MAX_COMMITS) throw Object.assign(new Error(`the documents of erasure ${receipt.id} kept vanishing before its commit (${MAX_COMMITS} tries)`, { cause: error }), { code: ABORTED });
    }
  }
}

/** Whether a commit failed because a `{ exists: true }` delete found its document gone (or the receipt is gone: the caller reads it to tell). */
export function deletedMeanwhile(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === NOT_FOUND || code === FAILED_PRECONDITION;
}
