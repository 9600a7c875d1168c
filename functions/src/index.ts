import { onInit } from "firebase-functions/v2/core";
import { onCall } from "firebase-functions/v2/https";
import { onSchedule } from "firebase-functions/v2/scheduler";
import {
  checkConfigOnce,
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
import { knownCounters, traceStore } from "./firestore.js";
import { admitted, requestBodyBytes } from "./recordTrace/callAdmission.js";
import { InFlightBudget } from "./recordTrace/inFlightBudget.js";
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

/** Reports the failed runs of the previous window: a trace_reports document, a log entry, a webhook post. */
export const reportTraceErrors = onSchedule(
  { schedule: REPORT_SCHEDULE, timeZone: REPORT_TIME_ZONE, secrets: [REPORT_WEBHOOK_URL], retryCount: 1 },
  async (event) => {
    const config = errorReportConfig();
    await buildAndSendReport(scheduledWindow(event.scheduleTime, config.windowHours), { db: traceStore(), config });
  },
);
