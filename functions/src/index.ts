import { onInit } from "firebase-functions/v2/core";
import { runWith } from "firebase-functions/v1";
import { onDocumentWritten } from "firebase-functions/v2/firestore";
import { onCall } from "firebase-functions/v2/https";
import { onSchedule } from "firebase-functions/v2/scheduler";
import {
  checkConfigOnce,
  ERASE_TRACES_TIMEOUT_SECONDS,
  erasureConfig,
  errorReportConfig,
  RECORD_TRACE_CONCURRENCY,
  RECORD_TRACE_MAX_INSTANCES,
  RECORD_TRACE_MEMORY_MIB,
  recordTraceCallBudget,
  recordTraceConfig,
  REPORT_SCHEDULE,
  REPORT_TIME_ZONE,
  REPORT_WEBHOOK_URL,
} from "./config.js";
import { TRACE_ERASURES_COLLECTION, type ErasureReceipt } from "@agent-traces/admin";
import { handleErasureWrite } from "./eraseUserData/eraseTracesHandler.js";
import { handleUserDeleted } from "./eraseUserData/userDeletedHandler.js";
import { knownCounters, traceStore } from "./firestore.js";
import { admitted, requestBodyBytes } from "./recordTrace/callAdmission.js";
import { InFlightBudget } from "./recordTrace/inFlightBudget.js";
import { handleRecordFeedback } from "./recordFeedback/recordFeedbackHandler.js";
import { handleRecordTrace } from "./recordTrace/recordTraceHandler.js";
import { reportTraceErrors as buildAndSendReport, scheduledWindow } from "./reportTraceErrors/reportTraceErrorsHandler.js";

/** At cold start: check the params once (a bad one is logged, and calls answer failed-precondition naming it). */
onInit(() => {
  checkConfigOnce();
});

/** The bytes of calls this instance holds under way (its memory's share for them: config.ts, recordTraceCallBudget). */
let budget: InFlightBudget | undefined;

/**
 * Stores finished agent runs sent by the tracer with `httpsCallable('recordTrace')`. A call is admitted
 * by its body's size before anything of it is read (callAdmission.ts), so that the calls one instance
 * holds fit its memory however many arrive together.
 */
export const recordTrace = onCall(
  { maxInstances: RECORD_TRACE_MAX_INSTANCES, concurrency: RECORD_TRACE_CONCURRENCY, memory: RECORD_TRACE_MEMORY_MIB },
  (request) => {
    budget ??= new InFlightBudget(recordTraceCallBudget().bytesInFlight);
    return admitted(request, requestBodyBytes(request), budget, (onWrite) =>
      handleRecordTrace(request, { db: traceStore(), config: recordTraceConfig(), knownCounters: knownCounters(), onWrite }),
    );
  },
);

/** The bytes of calls this instance of recordFeedback holds under way (a call may carry the rated run). */
let feedbackBudget: InFlightBudget | undefined;

/**
 * Records a rating of a run sent by the tracer with `httpsCallable('recordFeedback')` (its sender's, or
 * an admin's), storing the run sent with a thumbs-down when the sender held it after sampling it out.
 * Runs with recordTrace's settings and instance sizing: it may carry a run, and stores it as recordTrace would.
 */
export const recordFeedback = onCall(
  { maxInstances: RECORD_TRACE_MAX_INSTANCES, concurrency: RECORD_TRACE_CONCURRENCY, memory: RECORD_TRACE_MEMORY_MIB },
  (request) => {
    feedbackBudget ??= new InFlightBudget(recordTraceCallBudget().bytesInFlight);
    return admitted(
      request,
      requestBodyBytes(request),
      feedbackBudget,
      (onWrite) => handleRecordFeedback(request, { db: traceStore(), config: recordTraceConfig(), knownCounters: knownCounters(), onWrite }),
      { callable: "recordFeedback" },
    );
  },
);

/** Reports the failed runs of the previous window: a trace_reports document, a log entry, a webhook post. */
export const reportTraceErrors = onSchedule(
  { schedule: REPORT_SCHEDULE, timeZone: REPORT_TIME_ZONE, secrets: [REPORT_WEBHOOK_URL], retryCount: 1 },
  async (event) => {
    const config = errorReportConfig();
    await buildAndSendReport(scheduledWindow(event.scheduleTime, config.windowHours), { db: traceStore(), config });
  },
);

/**
 * When a Firebase Auth user is deleted, starts the erasure of their traces and rate-limit counter (a
 * running receipt in trace_erasures; eraseTraces does the work). 1st gen: 2nd gen has no generally
 * available account-deletion trigger. Retried on failure; a redelivered event starts nothing.
 */
export const onUserDeleted = runWith({ failurePolicy: true })
  .auth.user()
  .onDelete(async (user, context) => {
    await handleUserDeleted(traceStore(), user.uid, context.eventId, erasureConfig("onUserDeleted"));
  });

/**
 * Runs an erasure the functions run, one bounded run per receipt write that created it or advanced its
 * `runs`, each run's end starting the next, until nothing is left (eraseTracesHandler.ts). Retried on
 * failure: a retried or duplicate run finds what is left and deletes it with exact counts.
 */
export const eraseTraces = onDocumentWritten(
  { document: `${TRACE_ERASURES_COLLECTION}/{erasureId}`, timeoutSeconds: ERASE_TRACES_TIMEOUT_SECONDS, retry: true },
  async (event) => {
    await handleErasureWrite(
      traceStore(),
      { erasureId: event.params.erasureId, before: event.data?.before.data() as ErasureReceipt | undefined, after: event.data?.after.data() as ErasureReceipt | undefined },
      erasureConfig("eraseTraces"),
    );
  },
);
