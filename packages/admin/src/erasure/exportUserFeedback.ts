import { Timestamp, type DocumentData, type Firestore } from "firebase-admin/firestore";
import { FEEDBACK_COLLECTION, type StoredFeedback } from "@agent-traces/store";
import { ERASABLE_COLLECTIONS } from "./erasableCollections.js";
import { toQuery } from "./erasureQuery.js";

/**
 * Every stored rating of a user (a data-access request): those they gave, those of runs they sent and those of runs naming them
 * (both forms of a numeric id), each once, oldest first (by created_at, then document id): the ratings
 * an erasure of the user would delete. Timestamps as ISO strings, as StoredFeedback has them.
 */
export async function exportUserFeedback(db: Firestore, uid: string): Promise<StoredFeedback[]> {
  const feedback = ERASABLE_COLLECTIONS.find((collection) => collection.name === FEEDBACK_COLLECTION)!;
  const byId = new Map<string, DocumentData>();
  for (const query of feedback.queries({ kind: "user", uid })) {
    for (const doc of (await toQuery(db, query).get()).docs) if (!byId.has(doc.id)) byId.set(doc.id, doc.data());
  }
  return [...byId]
    .sort(([aId, a], [bId, b]) => millis(a.created_at) - millis(b.created_at) || (aId < bId ? -1 : aId > bId ? 1 : 0))
    .map(([, data]) => asStoredFeedback(data));
}

/** A rating document as StoredFeedback: its Timestamps as ISO strings, without schema_version; everything else as stored. */
function asStoredFeedback({ schema_version: _version, ...data }: DocumentData): StoredFeedback {
  return Object.fromEntries(Object.entries(data).map(([field, value]) => [field, value instanceof Timestamp ? value.toDate().toISOString() : value])) as StoredFeedback;
}

function millis(value: unknown): number {
  return value instanceof Timestamp ? value.toMillis() : 0;
}
