import { setTimeout as sleep } from "node:timers/promises";
import { previousFullHours, type ReportWindow } from "@agent-traces/admin";
import { HOUR_MS } from "@agent-traces/core";
import { REPORTS_COLLECTION } from "@agent-traces/store";
import { functionsEnv } from "../stack/functionsEnv.js";

/** How long a report may take to appear: a loaded machine takes up to about 2 minutes to start the scheduled function's worker. */
const REPORT_WAIT_MS = 240_000;

/** A report the demo had the scheduler's trigger write: its window start (its document id) and its failure count. */
export interface DemoReport {
  windowStart: string;
  failures: number;
}

/**
 * Runs the scheduled reportTraceErrors over the hours the demo's runs were committed in, through the
 * functions emulator's trigger for the schedule, as Cloud Scheduler would: its X-CloudScheduler-ScheduleTime
 * header is the schedule time, and the function reports the REPORT_WINDOW_HOURS full hours before it
 * (its scheduledWindow). The windows (demoReportWindows) are fixed before the first trigger, from
 * `demoStartedAt` to the hour the demo ended in, so a wait that crosses into the next hour reports no
 * extra, empty hour. Waits for each `trace_reports/{window start}` written after its trigger and prints
 * a line saying so, with the viewer's reports page when there is a viewer. Throws when a report does not appear.
 */
export async function runDemoReport(env: Record<string, string>, demoStartedAt: Date): Promise<DemoReport[]> {
  const windowHours = demoWindowHours(env);
  const reports: DemoReport[] = [];
  for (const window of demoReportWindows(demoStartedAt, new Date(), windowHours)) {
    const windowStart = window.start.toISOString();
    const triggeredAt = new Date();
    await triggerSchedule(env, window.end);
    const failures = await waitForReport(env, windowStart, triggeredAt);
    reports.push({ windowStart, failures });
    const viewer = env.VIEWER_URL ? `: ${env.VIEWER_URL}/reports` : "";
    const span = windowHours === 1 ? "the hour" : `the ${windowHours} hours`;
    console.log(`Report for ${span} from ${windowStart} stored in ${REPORTS_COLLECTION}/${windowStart} (${failures} failed runs), by the scheduled reportTraceErrors${viewer}`);
  }
  return reports;
}

/**
 * The windows the scheduled function reports when triggered at schedule times a whole number of
 * windows apart, ending at the end of the hour `endedAt` falls in: as few as cover every hour from
 * `startedAt`'s to `endedAt`'s, oldest first. With 1-hour windows: that one hour, or two when the
 * demo crossed an hour; with longer windows, usually one. Pure.
 */
export function demoReportWindows(startedAt: Date, endedAt: Date, windowHours: number): ReportWindow[] {
  const firstHour = hourOf(startedAt).start.getTime();
  const windows: ReportWindow[] = [];
  // Schedule time S reports [S - windowHours, S) (scheduledWindow); the last S is the end of endedAt's hour.
  for (let scheduleTime = hourOf(endedAt).end.getTime(); scheduleTime > firstHour; scheduleTime -= windowHours * HOUR_MS) {
    windows.unshift(previousFullHours(new Date(scheduleTime), windowHours));
  }
  return windows;
}

/** The whole hour `instant` falls in. */
function hourOf(instant: Date): ReportWindow {
  return previousFullHours(new Date(instant.getTime() + HOUR_MS), 1);
}

/**
 * The REPORT_WINDOW_HOURS the functions emulator gives the scheduled function: the demo project's
 * (functions/.env.<project>, 1 as shipped), else the parameter's default, 1. Any whole number works.
 */
function demoWindowHours(env: Record<string, string>): number {
  const value = functionsEnv(env.GCLOUD_PROJECT!).REPORT_WINDOW_HOURS ?? "1";
  const hours = Number(value);
  if (!Number.isInteger(hours) || hours < 1) throw new Error(`REPORT_WINDOW_HOURS must be a whole number >= 1, got ${JSON.stringify(value)}`);
  return hours;
}

/** POSTs the functions emulator's trigger of the scheduled function, with the header Cloud Scheduler sends. */
async function triggerSchedule(env: Record<string, string>, scheduleTime: Date): Promise<void> {
  const trigger = new URL(`/functions/projects/${env.GCLOUD_PROJECT}/triggers/us-central1-reportTraceErrors-0`, env.FUNCTIONS_EMULATOR_ORIGIN);
  const response = await fetch(trigger, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CloudScheduler-ScheduleTime": scheduleTime.toISOString() },
    body: "{}",
    signal: AbortSignal.timeout(REPORT_WAIT_MS),
  });
  if (!response.ok) throw new Error(`The functions emulator refused to run reportTraceErrors (${trigger.href}): HTTP ${response.status} ${await response.text()}`);
}

/** Polls the Firestore emulator (as its owner, past the rules) until the report is there, generated after `since`; returns its failures. */
async function waitForReport(env: Record<string, string>, windowStart: string, since: Date): Promise<number> {
  const url = `http://${env.FIRESTORE_EMULATOR_HOST}/v1/projects/${env.GCLOUD_PROJECT}/databases/(default)/documents/${REPORTS_COLLECTION}/${encodeURIComponent(windowStart)}`;
  for (const deadline = Date.now() + REPORT_WAIT_MS; Date.now() < deadline; await sleep(500)) {
    const response = await fetch(url, { headers: { Authorization: "Bearer owner" }, signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
    if (!response?.ok) continue;
    const { fields } = (await response.json()) as { fields?: Record<string, { stringValue?: string; integerValue?: string }> };
    const generatedAt = fields?.generated_at?.stringValue;
    if (generatedAt && Date.parse(generatedAt) >= since.getTime() - 1_000) return Number(fields?.failures?.integerValue ?? 0);
  }
  throw new Error(`No report appeared at ${REPORTS_COLLECTION}/${windowStart} within ${REPORT_WAIT_MS / 1000} s of triggering reportTraceErrors (see the emulator logs)`);
}
