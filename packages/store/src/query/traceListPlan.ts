import type { TraceStatus } from "@agent-traces/core";
import { TRACES_COLLECTION } from "../model/collections.js";
import { DOCUMENT_ID, type QueryPlan } from "./queryPlan.js";

/** What a trace list is filtered by; every field is optional and they combine with AND. */
export interface TraceListFilter {
  /** One user id, or several (an `in` filter: "42" and 42 both); an equality for index purposes. */
  userId?: string | number | readonly (string | number)[];
  skill?: string;
  status?: TraceStatus;
  /** Runs started at or after this instant. */
  since?: Date;
  /** Runs started before this instant. */
  until?: Date;
}

/**
 * The query shape of a trace list: equalities on user_id, skill and status (in that order, each
 * when its filter is set), a started_at range when bounded, newest first with the document id as
 * tie-break, so that a cursor never skips or repeats a run that started at the same instant.
 */
export function planListTraces(filter: TraceListFilter): QueryPlan {
  return {
    collection: TRACES_COLLECTION,
    equalities: [
      ...(filter.userId !== undefined ? ["user_id"] : []),
      ...(filter.skill !== undefined ? ["skill"] : []),
      ...(filter.status !== undefined ? ["status"] : []),
    ],
    ranges: filter.since || filter.until ? ["started_at"] : [],
    orderBy: [
      { field: "started_at", direction: "desc" },
      { field: DOCUMENT_ID, direction: "desc" },
    ],
  };
}
