import type { Firestore } from "firebase-admin/firestore";
import { HttpsError, type CallableRequest } from "firebase-functions/v2/https";
import { describeContent, describeInvalid, feedbackSchema, unescapeWireKeys, type RecordFeedbackResult } from "@agent-traces/core";
import { ADMIN_CLAIM } from "@agent-traces/store";
import { recordRating, type KnownCounters, type RatingOutcome } from "@agent-traces/admin";
import { callerUid } from "../callerUid.js";
import type { RecordTraceConfig } from "../config.js";
import { logs } from "../logs.js";
import { toHttpsError, WRITE_DEADLINE_MS, withinDeadline } from "../recordTrace/firestoreErrors.js";
import { prepareHeldRun, storeHeldRun } from "./heldRun.js";

export interface RecordFeedbackDependencies {
  db: Firestore;
  /** recordTrace's settings: a run sent with the feedback is sampled, kept and limited as recordTrace would. */
  config: RecordTraceConfig;
  /** The rate-limit counters this instance last wrote (read from Firestore when absent). */
  knownCounters?: KnownCounters;
  now?: () => Date;
  /** Told of each Firestore write the call starts: one can outlive the call (its deadline). */
  onWrite?: (write: Promise<unknown>) => void;
}

type RecordFeedbackRequest = Pick<CallableRequest<unknown>, "auth" | "app" | "data">;

/**
 * Records one rating of a run (`data` is core's feedbackSchema, keys in their wire form) by the signed-in
 * caller: the run's sender or an admin (`admin: true` claim). A thumbs-down sent with the run itself
 * (`trace`, held by the sender after sampling it out) first stores the run (see heldRun.ts), then the
 * rating; a `trace` sent with a thumbs-up is not read (only a complaint keeps a run). Every failure is an HttpsError naming its cause: `invalid-argument` (with `details.fields`)
 * before anything is written, `not-found` for an id no stored run has, `permission-denied` for another
 * caller's run; a second rating by the same caller replaces the first.
 */
export async function handleRecordFeedback(request: RecordFeedbackRequest, dependencies: RecordFeedbackDependencies): Promise<RecordFeedbackResult> {
  const { db, config, knownCounters, onWrite } = dependencies;
  const uid = callerUid(request, config.enforceAppCheck, "recordFeedback");
  const receivedAt = (dependencies.now ?? (() => new Date()))();
  const deadline = Date.now() + WRITE_DEADLINE_MS;
  const data = unescapeWireKeys(request.data);
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    logs.feedbackRejected([], uid);
    throw new HttpsError("invalid-argument", "Invalid feedback: the payload must be a feedback object ({ trace_id, rating, … })", { fields: [] });
  }
  const parsed = feedbackSchema.safeParse(data);
  if (!parsed.success) {
    const { message, fields } = describeInvalid("feedback", parsed.error.issues);
    logs.feedbackRejected(fields, uid);
    throw new HttpsError("invalid-argument", message, { fields });
  }
  // Content capture off: the comment, which a user typed, is stored as its description, like a run's text.
  const feedback = config.captureContent || parsed.data.comment === undefined ? parsed.data : { ...parsed.data, comment: describeContent(parsed.data.comment) };
  const heldRun = feedback.trace !== undefined && feedback.rating === "down" ? prepareHeldRun(feedback, uid, config, receivedAt) : undefined;
  const runStored = heldRun ? await storeHeldRun(heldRun, { db, uid, config, receivedAt, knownCounters, onWrite, deadline }) : false;

  let rated: RatingOutcome;
  try {
    const write = recordRating(db, feedback, { uid, admin: request.auth?.token?.[ADMIN_CLAIM] === true });
    onWrite?.(write);
    rated = await withinDeadline(write, Math.max(0, deadline - Date.now()));
  } catch (error) {
    logs.feedbackWriteFailed(feedback.trace_id, error);
    throw toHttpsError(error);
  }
  if (rated.outcome === "not-found") {
    logs.feedbackRunNotFound(feedback.trace_id, uid);
    throw new HttpsError(
      "not-found",
      `No stored run has trace id ${feedback.trace_id}: it was sampled out and not held by the sender, or it expired; the feedback was not recorded.`,
    );
  }
  if (rated.outcome === "refused") {
    logs.feedbackRefused(feedback.trace_id, uid, "not_the_sender");
    throw new HttpsError(
      "permission-denied",
      `The run with trace id ${feedback.trace_id} was sent by another caller: only its sender or an admin (custom claim admin: true) may rate it; the feedback was not recorded.`,
    );
  }
  logs.feedbackRecorded(feedback.trace_id, uid, feedback.rating, rated.replaced, runStored);
  return { trace_id: feedback.trace_id, recorded: true, run_stored: runStored };
}
