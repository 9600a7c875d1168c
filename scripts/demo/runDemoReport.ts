import { setTimeout as sleep } from "node:timers/promises";
import { REPORTS_COLLECTION } from "@agent-traces/store";

const HOUR_MS = 3_600_000;
/** How long a report may take to appear: a loaded machine takes up to about 2 minutes to start the scheduled function's worker. */
const REPORT_WAIT_MS = 240_000;

/** A report the demo had the scheduler's trigger write: its window start (its document id) and its failure count. */
export interface DemoReport {
  windowStart: string;
  failures: number;
}

/**
 * Runs the scheduled reportTraceErrors once per hour the demo's runs were committed in (the hours
 * from `demoStartedAt` to now: one, or two when the demo crossed an hour), through the functions
 * emulator's trigger for the schedule, as Cloud Scheduler would: its X-CloudScheduler-ScheduleTime
 * header is the end of the hour to report (the function reports the full hours before its schedule
 * time). Waits for each `trace_reports/{window start}` written after the trigger and prints a line
 * saying so, with the viewer's reports page when there is a viewer. Throws when a report does not appear.
 */
export async function runDemoReport(env: Record<string, string>, demoStartedAt: Date): Promise<DemoReport[]> {
  const reports: DemoReport[] = [];
  for (let start = hourStart(demoStartedAt.getTime()); start <= hourStart(Date.now()); start += HOUR_MS) {
    const windowStart = new Date(start).toISOString();
    const triggeredAt = new Date();
    await triggerSchedule(env, new Date(start + HOUR_MS));
    const failures = await waitForReport(env, windowStart, triggeredAt);
    reports.push({ windowStart, failures });
    const viewer = env.VIEWER_URL ? `: ${env.VIEWER_URL}/reports` : "";
    console.log(`Report for the hour from ${windowStart} stored in ${REPORTS_COLLECTION}/${windowStart} (${failures} failed runs), by the scheduled reportTraceErrors${viewer}`);
  }
  return reports;
}

function hourStart(ms: number): number {
  return ms - (ms % HOUR_MS);
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
