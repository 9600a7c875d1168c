import type { DocumentReference } from "firebase-admin/firestore";
import { subjectRef, type ErasureReceipt, type ErasureSubject } from "./erasureReceipt.js";
import type { ErasureScope } from "./erasureScope.js";

/** The scope a receipt's runs erase: its `before`, or the uid its subject document names; undefined when that document is gone. */
export async function erasureScopeOf(receipt: DocumentReference, data: ErasureReceipt): Promise<ErasureScope | undefined> {
  if (data.scope === "before") return data.before ? { kind: "before", before: data.before.toDate() } : undefined;
  const subject = (await subjectRef(receipt).get()).data() as ErasureSubject | undefined;
  return typeof subject?.uid === "string" ? { kind: "user", uid: subject.uid } : undefined;
}
