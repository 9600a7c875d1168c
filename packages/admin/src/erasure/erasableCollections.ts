import { Timestamp } from "firebase-admin/firestore";
import { FEEDBACK_COLLECTION, RATE_LIMITS_COLLECTION, TRACES_COLLECTION, userIdVariants, type QueryPlan } from "@agent-traces/store";
import { counterId } from "../rateLimit/counterId.js";
import type { ErasureScope } from "./erasureScope.js";

/**
 * One query of an erasure: its plan (checked against firestore.indexes.json by the index-coverage
 * test), the values of its equalities (an array is an `in`) and the exclusive upper bound of its range.
 */
export interface ErasureQuery {
  plan: QueryPlan;
  equals: Record<string, unknown>;
  below: Record<string, unknown>;
}

/** A collection an erasure empties of a scope's documents: the union of its queries' results and of its named documents. */
export interface ErasableCollection {
  /** The collection id, also the receipt's key for its count (`deleted.<name>`). */
  name: string;
  queries(scope: ErasureScope): ErasureQuery[];
  /** Ids of single documents of the scope (deleted when they exist). */
  documentIds(scope: ErasureScope): string[];
}

/** Newest first: the index every trace query of the project already orders by (started_at keeps only its descending index). */
const NEWEST_FIRST = [{ field: "started_at", direction: "desc" as const }];

const traces: ErasableCollection = {
  name: TRACES_COLLECTION,
  queries: (scope) => {
    const plan = (equalities: string[], ranges: string[] = []): QueryPlan => ({ collection: TRACES_COLLECTION, equalities, ranges, orderBy: NEWEST_FIRST });
    if (scope.kind === "before") return [{ plan: plan([], ["started_at"]), equals: {}, below: { started_at: Timestamp.fromDate(scope.before) } }];
    // Recorded by the user, and naming the user (both forms of a numeric id): a trace may be both, counted once.
    return [
      { plan: plan(["recorded_by"]), equals: { recorded_by: scope.uid }, below: {} },
      { plan: plan(["user_id"]), equals: { user_id: userIdVariants(scope.uid) }, below: {} },
    ];
  },
  documentIds: () => [],
};

const feedback: ErasableCollection = {
  name: FEEDBACK_COLLECTION,
  queries: (scope) => {
    // Ratings by age go with their runs: a rating's run_started_at is its run's started_at.
    if (scope.kind === "before") {
      const plan: QueryPlan = { collection: FEEDBACK_COLLECTION, equalities: [], ranges: ["run_started_at"], orderBy: [{ field: "run_started_at", direction: "desc" }] };
      return [{ plan, equals: {}, below: { run_started_at: Timestamp.fromDate(scope.before) } }];
    }
    // Given by the user, of runs they sent, and of runs naming them (both forms of a numeric id): a rating may be all three, counted once.
    const plan = (field: string): QueryPlan => ({ collection: FEEDBACK_COLLECTION, equalities: [field], ranges: [], orderBy: [{ field: "updated_at", direction: "desc" }] });
    return [
      { plan: plan("rated_by"), equals: { rated_by: scope.uid }, below: {} },
      { plan: plan("run_recorded_by"), equals: { run_recorded_by: scope.uid }, below: {} },
      { plan: plan("user_id"), equals: { user_id: userIdVariants(scope.uid) }, below: {} },
    ];
  },
  documentIds: () => [],
};

const rateLimits: ErasableCollection = {
  name: RATE_LIMITS_COLLECTION,
  queries: () => [],
  documentIds: (scope) => (scope.kind === "user" ? [counterId(scope.uid)] : []),
};

/**
 * Every collection that holds a user's data, in the order an erasure empties them (runs, ratings, the
 * rate-limit counter); a new collection of user data adds an entry here and is erased and counted with it.
 */
export const ERASABLE_COLLECTIONS: readonly ErasableCollection[] = [traces, feedback, rateLimits];

/** Every query plan an erasure of either kind issues (for the index-coverage test). */
export function erasurePlans(): QueryPlan[] {
  const scopes: ErasureScope[] = [
    { kind: "user", uid: "42" },
    { kind: "before", before: new Date(0) },
  ];
  return scopes.flatMap((scope) => ERASABLE_COLLECTIONS.flatMap((collection) => collection.queries(scope).map((query) => query.plan)));
}
