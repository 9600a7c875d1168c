import { TRACES_COLLECTION } from "../model/collections.js";
import { DOCUMENT_ID, type QueryPlan } from "./queryPlan.js";

/** The runs of one session (`session_id` ==), oldest first, the document id breaking ties: index (session_id, started_at asc). */
export function planSessionRuns(): QueryPlan {
  return {
    collection: TRACES_COLLECTION,
    equalities: ["session_id"],
    ranges: [],
    orderBy: [
      { field: "started_at", direction: "asc" },
      { field: DOCUMENT_ID, direction: "asc" },
    ],
  };
}

/**
 * A user's runs that belong to a session (`user_id` == or in, `has_session` == true), newest first:
 * grouped by session_id in order of appearance they give the user's sessions, newest first.
 * Index (user_id, has_session, started_at desc).
 */
export function planUserSessions(): QueryPlan {
  return {
    collection: TRACES_COLLECTION,
    equalities: ["user_id", "has_session"],
    ranges: [],
    orderBy: [
      { field: "started_at", direction: "desc" },
      { field: DOCUMENT_ID, direction: "desc" },
    ],
  };
}
