import { Timestamp, type DocumentReference, type Firestore } from "firebase-admin/firestore";
import { subjectRef, type ErasureReceipt } from "./erasureReceipt.js";

/** How a run ended: the erasure is `done`, `continued` (runs + 1: the next run starts), or `superseded` (another run already ended this one's turn, or the erasure ended). */
export type RunEnd = "done" | "continued" | "superseded";

/**
 * Ends a run of the erasure in one transaction: when the receipt is still running with the `runs` this
 * run started from, counts the run (`runs + 1`) and, when the scope is empty (`finished`), marks it
 * `done` with `ended_at` and deletes its subject document; otherwise changes nothing, so a duplicate
 * run of the same turn never starts a second chain.
 */
export async function endErasureRun(db: Firestore, receipt: DocumentReference, seenRuns: number, finished: boolean, now: () => Date = () => new Date()): Promise<RunEnd> {
  return db.runTransaction(async (transaction) => {
    const snapshot = await transaction.get(receipt);
    const current = snapshot.data() as ErasureReceipt | undefined;
    if (!current || current.state !== "running" || current.runs !== seenRuns) return "superseded";
    if (!finished) {
      transaction.update(receipt, { runs: seenRuns + 1 });
      return "continued";
    }
    transaction.update(receipt, { runs: seenRuns + 1, state: "done", ended_at: Timestamp.fromDate(now()) });
    transaction.delete(subjectRef(receipt));
    return "done";
  });
}
