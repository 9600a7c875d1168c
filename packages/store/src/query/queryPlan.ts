/**
 * The shape of a Firestore query: which fields it filters by equality, which it bounds by range,
 * and its ordering. Every query this project issues is built from a plan, so that a test can
 * enumerate the plans and prove each is served by a declared or automatic index.
 */
export interface QueryPlan {
  collection: string;
  equalities: string[];
  /** Array fields filtered with array-contains (at most one per query): served by an index field with `arrayConfig: CONTAINS`, before the ordering fields. */
  arrayContains?: string[];
  /** Range filters; Firestore serves them from the index of the first ordering field. */
  ranges: string[];
  /** `__name__` (DOCUMENT_ID) is the document id: a tie-break, served by every index in its last field's direction. */
  orderBy: { field: string; direction: "asc" | "desc" }[];
  /** Fields a sum() or average() aggregates: read from the serving index, after its ordering fields (ascending). */
  aggregates?: string[];
}

/** The document id in a plan's `orderBy` (Firestore's `FieldPath.documentId()`). */
export const DOCUMENT_ID = "__name__";
