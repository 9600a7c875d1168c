import type { DocumentReference, Firestore } from "firebase-admin/firestore";
import { ERASURE_BATCH_SIZE, eraseBatch, type ErasedBatch } from "./eraseBatch.js";
import type { ErasureScope } from "./erasureScope.js";

export interface ErasureRunLimits {
  /** Documents per batch (default ERASURE_BATCH_SIZE). */
  batchSize?: number;
  /** Batches this run commits at most (default: no bound). */
  maxBatches?: number;
  /** No batch starts after this instant (ms since the epoch; default: no bound). */
  deadlineMs?: number;
  /** Called after each batch that deleted something. */
  onBatch?: (batch: ErasedBatch) => void;
}

/** Whether a run of batches found the scope empty (`finished`), and how many batches it committed. */
export interface ErasureRun {
  finished: boolean;
  batches: number;
}

/** Deletes the scope's documents batch after batch (see eraseBatch) until none is left, or a limit stops it first. */
export async function eraseBatches(db: Firestore, receipt: DocumentReference, scope: ErasureScope, limits: ErasureRunLimits = {}): Promise<ErasureRun> {
  const { batchSize = ERASURE_BATCH_SIZE, maxBatches = Infinity, deadlineMs = Infinity } = limits;
  let batches = 0;
  while (batches < maxBatches && Date.now() < deadlineMs) {
    const batch = await eraseBatch(db, receipt, scope, batchSize);
    if (batch.total === 0) return { finished: true, batches };
    batches++;
    limits.onBatch?.(batch);
  }
  return { finished: false, batches };
}
