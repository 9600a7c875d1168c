import { onCall } from "firebase-functions/v2/https";
import { onSchedule } from "firebase-functions/v2/scheduler";
import { readErrorReportConfig, readRecordTraceConfig, REPORT_SCHEDULE, REPORT_TIME_ZONE, REPORT_WEBHOOK_URL } from "./config.js";
import { traceStore } from "./firestore.js";
import { handleRecordTrace } from "./recordTrace/recordTraceHandler.js";
import { reportTraceErrors as buildAndSendReport, scheduledWindow } from "./reportTraceErrors/reportTraceErrorsHandler.js";

/** Stores one finished agent run sent by the tracer with `httpsCallable('recordTrace')`. */
export const recordTrace = onCall((request) => handleRecordTrace(request, { db: traceStore(), config: readRecordTraceConfig() }));

/** Reports the failed runs of the previous window: a trace_reports document, a log entry, a webhook post. */
export const reportTraceErrors = onSchedule(
  { schedule: REPORT_SCHEDULE, timeZone: REPORT_TIME_ZONE, secrets: [REPORT_WEBHOOK_URL], retryCount: 1 },
  async (event) => {
    const config = readErrorReportConfig();
    await buildAndSendReport(scheduledWindow(event.scheduleTime, config.windowHours), { db: traceStore(), config });
  },
);

/**
 * A callable that does nothing: the anchor `npm run bench` measures recordTrace against (B3). Defined
 * only inside the functions emulator, which sets FUNCTIONS_EMULATOR=true (also while it discovers the
 * functions); `firebase deploy` finds `undefined` here and deploys nothing under this name.
 */
export const benchNoop = process.env.FUNCTIONS_EMULATOR === "true" ? onCall(() => null) : undefined;
