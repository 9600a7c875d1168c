import { FEEDBACK_COLLECTION } from "../model/collections.js";
import type { QueryPlan } from "./queryPlan.js";

/** The ratings of one run (`trace_id` ==; one per rater, unordered: sort them in memory): the automatic index on trace_id. */
export function planRunFeedback(): QueryPlan {
  return { collection: FEEDBACK_COLLECTION, equalities: ["trace_id"], ranges: [], orderBy: [] };
}
