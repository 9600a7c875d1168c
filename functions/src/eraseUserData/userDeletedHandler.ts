import type { Firestore } from "firebase-admin/firestore";
import { erasureIdForEvent, startErasure } from "@agent-traces/admin";
import type { ErasureConfig } from "../config.js";
import { logs } from "../logs.js";

/**
 * A Firebase Auth user was deleted (event `eventId`): starts the erasure of their data, a running
 * receipt whose id the event decides, so that a redelivered event starts nothing (eraseTraces then
 * does the work). Returns the receipt's id, or undefined when nothing was started.
 */
export async function handleUserDeleted(db: Firestore, uid: string, eventId: string, config: Pick<ErasureConfig, "eraseOnUserDelete">, now = new Date()): Promise<string | undefined> {
  if (!config.eraseOnUserDelete) {
    logs.erasureSkipped(eventId);
    return undefined;
  }
  const id = erasureIdForEvent(eventId);
  const receipt = await startErasure(db, { kind: "user", uid }, "account_deleted", now, id);
  if (!receipt) {
    logs.erasureDuplicateEvent(id);
    return undefined;
  }
  logs.erasureStarted(id, "account_deleted");
  return id;
}
