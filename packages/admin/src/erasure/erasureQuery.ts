import type { Firestore, Query } from "firebase-admin/firestore";
import type { ErasureQuery } from "./erasableCollections.js";

/** The Firestore query of an erasure query, built from its plan: equalities (`in` for an array), `<` bounds, then its order. */
export function toQuery(db: Firestore, { plan, equals, below }: ErasureQuery): Query {
  let query: Query = db.collection(plan.collection);
  for (const field of plan.equalities) query = query.where(field, Array.isArray(equals[field]) ? "in" : "==", equals[field]);
  for (const field of plan.ranges) query = query.where(field, "<", below[field]);
  for (const { field, direction } of plan.orderBy) query = query.orderBy(field, direction);
  return query;
}
