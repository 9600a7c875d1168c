import type { Firestore, QueryDocumentSnapshot } from "firebase-admin/firestore";
import { ERASABLE_COLLECTIONS } from "./erasableCollections.js";
import { toQuery } from "./erasureQuery.js";
import type { ErasureScope } from "./erasureScope.js";

/**
 * Exactly how many documents of each erasable collection an erasure of `scope` would delete now (a dry
 * run): a collection found by one query is counted by a count() aggregation; one found by several
 * queries or named documents has its ids read and deduplicated, so a trace both recorded by and
 * naming the user counts once.
 */
export async function countErasable(db: Firestore, scope: ErasureScope): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const collection of ERASABLE_COLLECTIONS) {
    const queries = collection.queries(scope);
    const documentIds = collection.documentIds(scope);
    if (queries.length === 1 && documentIds.length === 0) {
      counts[collection.name] = (await toQuery(db, queries[0]!).count().get()).data().count;
      continue;
    }
    const paths = new Set<string>();
    for (const query of queries) {
      for await (const doc of toQuery(db, query).select().stream()) paths.add((doc as unknown as QueryDocumentSnapshot).ref.path);
    }
    if (documentIds.length > 0) {
      const snapshots = await db.getAll(...documentIds.map((id) => db.collection(collection.name).doc(id)), { fieldMask: [] });
      for (const snapshot of snapshots) if (snapshot.exists) paths.add(snapshot.ref.path);
    }
    counts[collection.name] = paths.size;
  }
  return counts;
}
