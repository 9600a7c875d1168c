import { createHash } from "node:crypto";
import type { DocumentReference, Firestore, Timestamp } from "firebase-admin/firestore";
import { TRACE_ERASURES_COLLECTION } from "@agent-traces/store";

/** Why an erasure ran: the user's Auth account was deleted (run by the functions), or by hand (run by the CLI). */
export type ErasureReason = "account_deleted" | "cli";

/**
 * `trace_erasures/{id}`: what an erasure removed, holding no personal data (a user's uid only as its
 * SHA-256). `deleted` has a count per erasable collection, incremented in the commit that deletes;
 * `runs` counts the function runs that ended (each one's end triggers the next while running).
 */
export interface ErasureReceipt {
  scope: "user" | "before";
  /** SHA-256 of the uid's UTF-8 bytes, 64 hex digits (`printf %s UID | sha256sum`). */
  uid_sha256?: string;
  before?: Timestamp;
  reason: ErasureReason;
  state: "running" | "done";
  started_at: Timestamp;
  ended_at: Timestamp | null;
  deleted: Record<string, number>;
  batches: number;
  runs: number;
}

/** The subcollection of a receipt that holds, while the erasure runs, the one document naming its user (deleted when done). */
export const ERASURE_SUBJECT_COLLECTION = "subject";
const SUBJECT_ID = "uid";

/** What a running function-run erasure of a user keeps beside its receipt: the uid its runs erase. */
export interface ErasureSubject {
  uid: string;
}

export function erasureRef(db: Firestore, id: string): DocumentReference {
  return db.collection(TRACE_ERASURES_COLLECTION).doc(id);
}

export function subjectRef(receipt: DocumentReference): DocumentReference {
  return receipt.collection(ERASURE_SUBJECT_COLLECTION).doc(SUBJECT_ID);
}

/** Whether the functions run this erasure (the eraseTraces trigger continues it); the CLI runs its own in-process. */
export function runByFunctions(reason: ErasureReason): boolean {
  return reason === "account_deleted";
}

/** SHA-256 of the uid's UTF-8 bytes, as hex: how a receipt names its user. */
export function uidSha256(uid: string): string {
  return createHash("sha256").update(uid, "utf8").digest("hex");
}

/** A receipt id for an erasure started by an event: the same event always gives the same id (a redelivery finds it taken). */
export function erasureIdForEvent(eventId: string): string {
  return `event-${createHash("sha256").update(eventId, "utf8").digest("hex").slice(0, 40)}`;
}
