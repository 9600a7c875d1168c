import type { TraceStatus } from "@agent-traces/core";
import { TRACES_COLLECTION } from "../model/collections.js";
import { DOCUMENT_ID, type QueryPlan } from "./queryPlan.js";

/** What a trace list is filtered by; every field is optional and they combine with AND. */
export interface TraceListFilter {
  /** One user id, or several (an `in` filter: "42" and 42 both); an equality for index purposes. */
  userId?: string | number | readonly (string | number)[];
  skill?: string;
  status?: TraceStatus;
  /** Runs with at least one "down" rating (`negative_feedback` == true); combines with since/until only (see planListTraces). */
  negativeFeedback?: boolean;
  /** Runs where a tool of this name failed (`failed_tool_names` array-contains); combines with since/until only (see planListTraces). */
  failedTool?: string;
  /** Runs started at or after this instant. */
  since?: Date;
  /** Runs started before this instant. */
  until?: Date;
}

/** The filters no index serves together with `negativeFeedback` (only (negative_feedback, started_at desc) exists). */
export const NOT_WITH_NEGATIVE_FEEDBACK = ["userId", "skill", "status"] as const satisfies readonly (keyof TraceListFilter)[];

/** The filters no index serves together with `failedTool` (only (failed_tool_names CONTAINS, started_at desc) exists). */
export const NOT_WITH_FAILED_TOOL = ["userId", "skill", "status", "negativeFeedback"] as const satisfies readonly (keyof TraceListFilter)[];

/** The stored field the failing-tool filter queries: the distinct names of the run's failed tools. */
export const FAILED_TOOL_NAMES_FIELD = "failed_tool_names";

/** A filter that no declared index serves; its message names the filters that cannot be combined. */
export class UnservedFilterError extends RangeError {
  override name = "UnservedFilterError";
}

/**
 * The query shape of a trace list: equalities on user_id, skill and status (in that order, each
 * when its filter is set), or on negative_feedback alone, or failed_tool_names array-contains alone,
 * a started_at range when bounded, newest first with the document id as tie-break, so that a cursor
 * never skips or repeats a run that started at the same instant. Throws UnservedFilterError for
 * negativeFeedback with user, skill or status, and for failedTool with any of those or negativeFeedback.
 */
export function planListTraces(filter: TraceListFilter): QueryPlan {
  const negative = filter.negativeFeedback === true;
  if (filter.failedTool !== undefined) {
    if (NOT_WITH_FAILED_TOOL.some((key) => filter[key] !== undefined && filter[key] !== false)) {
      throw new UnservedFilterError("the failing-tool filter combines only with a start-time range, not with user, skill, status or negative feedback");
    }
    return {
      collection: TRACES_COLLECTION,
      equalities: [],
      arrayContains: [FAILED_TOOL_NAMES_FIELD],
      ranges: filter.since || filter.until ? ["started_at"] : [],
      orderBy: [
        { field: "started_at", direction: "desc" },
        { field: DOCUMENT_ID, direction: "desc" },
      ],
    };
  }
  if (negative && NOT_WITH_NEGATIVE_FEEDBACK.some((key) => filter[key] !== undefined)) {
    throw new UnservedFilterError("the negative-feedback filter combines only with a start-time range, not with user, skill or status");
  }
  return {
    collection: TRACES_COLLECTION,
    equalities: [
      ...(filter.userId !== undefined ? ["user_id"] : []),
      ...(filter.skill !== undefined ? ["skill"] : []),
      ...(filter.status !== undefined ? ["status"] : []),
      ...(negative ? ["negative_feedback"] : []),
    ],
    ranges: filter.since || filter.until ? ["started_at"] : [],
    orderBy: [
      { field: "started_at", direction: "desc" },
      { field: DOCUMENT_ID, direction: "desc" },
    ],
  };
}

/** What a list by cost is filtered by: at most one of user, skill and status (see planListTracesByCost). */
export interface TraceCostListFilter {
  /** One user id, or several (an `in` filter), as in TraceListFilter. */
  userId?: string | number | readonly (string | number)[];
  skill?: string;
  status?: TraceStatus;
  /** Runs that cost at least this many USD (`cost_usd` >=). */
  minCostUsd?: number;
}

/** The field a list by cost orders by: the run's priced cost, stored only when some model of it had a price. */
export const COST_FIELD = "cost_usd";

/** The equality filters a list by cost takes, one at a time: an index (<field>, cost_usd desc) each. */
export const ONE_WITH_COST = ["userId", "skill", "status"] as const satisfies readonly (keyof TraceCostListFilter)[];

/**
 * The query shape of a list by cost: the most expensive runs first, the document id breaking ties,
 * with at most one equality (user_id, skill or status) and an optional `cost_usd` lower bound.
 * Runs without `cost_usd` (no usage, or only models without a price) are not in it: a query ordered
 * by a field skips documents that lack it. Throws UnservedFilterError for two equalities or more.
 */
export function planListTracesByCost(filter: TraceCostListFilter): QueryPlan {
  const set = ONE_WITH_COST.filter((key) => filter[key] !== undefined);
  if (set.length > 1) throw new UnservedFilterError("a list by cost combines with one of user, skill or status, not several");
  const field = { userId: "user_id", skill: "skill", status: "status" } as const;
  return {
    collection: TRACES_COLLECTION,
    equalities: set.map((key) => field[key]),
    ranges: filter.minCostUsd !== undefined ? [COST_FIELD] : [],
    orderBy: [
      { field: COST_FIELD, direction: "desc" },
      { field: DOCUMENT_ID, direction: "desc" },
    ],
  };
}
