import type { Firestore } from "firebase-admin/firestore";
import { buildErrorReport, previousFullHours, writeErrorReport, type ReportWindow, type TraceErrorReport } from "@agent-traces/admin";
import type { ErrorReportConfig } from "../config.js";
import { logs } from "../logs.js";
import { postJson } from "./postWebhook.js";
import { slackMessage } from "./slackMessage.js";

export interface ReportDependencies {
  db: Firestore;
  config: ErrorReportConfig;
}

/** The window of commit time (`committed_at`) a scheduled run reports on: the full hours before its scheduled time. */
export function scheduledWindow(scheduleTime: string | undefined, windowHours: number): ReportWindow {
  const time = scheduleTime ? new Date(scheduleTime) : new Date();
  return previousFullHours(Number.isNaN(time.getTime()) ? new Date() : time, windowHours);
}

/**
 * Builds and stores the report for `window`, logs it, and posts it to the webhook when one is set.
 * A failing webhook is logged; the stored report stands.
 */
export async function reportTraceErrors(window: ReportWindow, { db, config }: ReportDependencies): Promise<TraceErrorReport> {
  const report = await buildErrorReport(db, {
    window,
    maxFailuresRead: config.maxFailuresRead,
    maxUsageRead: config.maxUsageRead,
  });
  await writeErrorReport(db, report, config.ttlDays);
  logs.errorReport(report, report.failures >= config.errorThreshold);
  if (config.webhookUrl) {
    try {
      await postJson(config.webhookUrl, slackMessage(report));
      logs.reportWebhookSent(report.window_start);
    } catch (error) {
      logs.reportWebhookFailed(report.window_start, error);
    }
  }
  return report;
}
