import type { Firestore } from "firebase-admin/firestore";
import { endErasureRun, eraseBatches, erasureRef, erasureScopeOf, runByFunctions, type ErasureReceipt, type RunEnd } from "@agent-traces/admin";
import type { ErasureConfig } from "../config.js";
import { logs } from "../logs.js";

/** A write of `trace_erasures/{erasureId}`: the receipt before and after it (undefined: absent). */
export interface ErasureWrite {
  erasureId: string;
  before: ErasureReceipt | undefined;
  after: ErasureReceipt | undefined;
}

/**
 * One run of an erasure the functions run: when the write created the running receipt or advanced its
 * `runs` (every other write, a batch's count increments among them, is `ignored`), deletes batches until
 * `batchesPerRun` or the time budget, then ends the run (endErasureRun): `continued` writes runs + 1,
 * which starts the next run, `done` ends the erasure, `superseded` means a duplicate of this run's event
 * already did. Idempotent: a replayed event re-queries what is left and deletes it with exact counts.
 */
export async function handleErasureWrite(
  db: Firestore,
  write: ErasureWrite,
  config: Pick<ErasureConfig, "batchesPerRun" | "timeBudgetMs">,
  options: { batchSize?: number } = {},
): Promise<RunEnd | "ignored"> {
  const { before, after, erasureId } = write;
  if (!after || after.state !== "running" || !runByFunctions(after.reason)) return "ignored";
  if (before !== undefined && !(after.runs > before.runs)) return "ignored";
  const receipt = erasureRef(db, erasureId);
  const scope = await erasureScopeOf(receipt, after);
  if (!scope) {
    // A duplicate run that finished the erasure deletes the subject: then this run has nothing left to do.
    const current = (await receipt.get()).data() as ErasureReceipt | undefined;
    if (current?.state !== "running") return "superseded";
    logs.erasureWithoutSubject(erasureId);
    return "ignored";
  }
  const run = await eraseBatches(db, receipt, scope, { batchSize: options.batchSize, maxBatches: config.batchesPerRun, deadlineMs: Date.now() + config.timeBudgetMs });
  const outcome = await endErasureRun(db, receipt, after.runs, run.finished);
  logs.erasureRunEnded(erasureId, after.runs + 1, run.batches, outcome);
  return outcome;
}
