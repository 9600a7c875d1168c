import type { DocumentReference, Firestore } from "firebase-admin/firestore";
import { ERASABLE_COLLECTIONS } from "./erasableCollections.js";
import { toQuery } from "./erasureQuery.js";
import type { ErasureScope } from "./erasureScope.js";

/** Documents of a scope still stored, by collection (every erasable collection present, maybe empty). */
export type ErasableDocuments = Map<string, DocumentReference[]>;

/**
 * Up to `limit` documents of the scope still stored, each once (a trace both recorded by and naming
 * the user is found by two queries), the collections in ERASABLE_COLLECTIONS' order. Reads ids only.
 */
export async function findErasable(db: Firestore, scope: ErasureScope, limit: number): Promise<ErasableDocuments> {
  const found: ErasableDocuments = new Map();
  let room = limit;
  for (const collection of ERASABLE_COLLECTIONS) {
    const refs = new Map<string, DocumentReference>();
    for (const query of collection.queries(scope)) {
      if (room - refs.size <= 0) break;
      const snapshot = await toQuery(db, query).select().limit(room - refs.size).get();
      for (const doc of snapshot.docs) refs.set(doc.ref.path, doc.ref);
    }
    const named = collection.documentIds(scope).map((id) => db.collection(collection.name).doc(id));
    if (named.length > 0 && room - refs.size > 0) {
      const snapshots = await db.getAll(...named.slice(0, room - refs.size), { fieldMask: [] });
      for (const snapshot of snapshots) if (snapshot.exists) refs.set(snapshot.ref.path, snapshot.ref);
    }
    found.set(collection.name, [...refs.values()]);
    room -= refs.size;
  }
  return found;
}
