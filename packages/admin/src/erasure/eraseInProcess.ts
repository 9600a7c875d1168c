import type { Firestore } from "firebase-admin/firestore";
import { endErasureRun } from "./endErasureRun.js";
import { ERASABLE_COLLECTIONS } from "./erasableCollections.js";
import type { ErasureReceipt } from "./erasureReceipt.js";
import type { ErasureScope } from "./erasureScope.js";
import { eraseBatches, type ErasureRunLimits } from "./eraseBatches.js";
import { startErasure } from "./startErasure.js";

/**
 * Erases the scope in this process, from start to end, under a receipt of its own (reason "cli": the
 * functions leave it alone), and returns the receipt's id and final state, its counts in
 * ERASABLE_COLLECTIONS' order (Firestore keeps no order of a map's keys). Interrupted, the receipt
 * stays `running` with the counts of what was deleted; running it again finishes the work under a new one.
 */
export async function eraseInProcess(db: Firestore, scope: ErasureScope, limits: Omit<ErasureRunLimits, "maxBatches" | "deadlineMs"> = {}): Promise<{ id: string; receipt: ErasureReceipt }> {
  const receipt = (await startErasure(db, scope, "cli", new Date()))!;
  await eraseBatches(db, receipt, scope, limits);
  await endErasureRun(db, receipt, 0, true);
  const data = (await receipt.get()).data() as ErasureReceipt;
  const deleted = Object.fromEntries(ERASABLE_COLLECTIONS.map(({ name }) => [name, data.deleted[name] ?? 0]));
  return { id: receipt.id, receipt: { ...data, deleted } };
}
