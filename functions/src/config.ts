import { defineBoolean, defineInt, defineSecret, defineString } from "firebase-functions/params";

/**
 * Every setting the functions read, declared as params so that `firebase deploy` asks for them
 * and `functions/.env*` files set them. Values are read at call time, never at deploy time.
 */
export const TRACE_SAMPLE_RATE = defineString("TRACE_SAMPLE_RATE", {
  default: "0.1",
  description: "Fraction of successful runs stored (0 to 1), decided by trace id like OpenTelemetry's TraceIdRatioBasedSampler.",
  input: { text: { validationRegex: "^(0(\\.\\d+)?|1(\\.0+)?)$", validationErrorMessage: "a number from 0 to 1" } },
});
export const TRACE_TTL_DAYS = defineInt("TRACE_TTL_DAYS", {
  default: 7,
  description: "Days a successful trace is kept before the TTL policy deletes it.",
});
export const ERROR_TRACE_TTL_DAYS = defineInt("ERROR_TRACE_TTL_DAYS", {
  default: 7,
  description: "Days an error or timeout trace is kept before the TTL policy deletes it.",
});
export const ENFORCE_APP_CHECK = defineBoolean("ENFORCE_APP_CHECK", {
  default: false,
  description: "Reject recordTrace calls without a valid App Check token.",
});

export interface RecordTraceConfig {
  sampleRate: number;
  ttlDays: number;
  errorTtlDays: number;
  enforceAppCheck: boolean;
}

/** Reads and checks the recordTrace settings; a bad value fails loudly instead of sampling wrongly. */
export function readRecordTraceConfig(): RecordTraceConfig {
  return {
    sampleRate: parseSampleRate(TRACE_SAMPLE_RATE.value()),
    ttlDays: checkDays("TRACE_TTL_DAYS", TRACE_TTL_DAYS.value()),
    errorTtlDays: checkDays("ERROR_TRACE_TTL_DAYS", ERROR_TRACE_TTL_DAYS.value()),
    enforceAppCheck: ENFORCE_APP_CHECK.value(),
  };
}

export function parseSampleRate(text: string): number {
  const rate = Number(text);
  if (text.trim() === "" || !Number.isFinite(rate) || rate < 0 || rate > 1) {
    throw new Error(`TRACE_SAMPLE_RATE must be a number from 0 to 1, got "${text}"`);
  }
  return rate;
}

function checkDays(name: string, days: number): number {
  return checkWhole(name, days, 1, 3650);
}

// Error report (reportTraceErrors).

/**
 * The schedule must be a literal when functions are discovered, so it comes from the environment
 * (functions/.env files are loaded then) rather than from a param.
 */
export const REPORT_SCHEDULE = process.env.REPORT_SCHEDULE ?? "5 * * * *";
export const REPORT_TIME_ZONE = defineString("REPORT_TIME_ZONE", {
  default: "UTC",
  description: "Time zone the report schedule runs in (IANA name).",
});
export const REPORT_WINDOW_HOURS = defineInt("REPORT_WINDOW_HOURS", {
  default: 1,
  description: "Hours of started_at each report covers: the full hours before the run.",
});
export const REPORT_ERROR_THRESHOLD = defineInt("REPORT_ERROR_THRESHOLD", {
  default: 10,
  description: "Failed runs in a window at which the report logs at WARNING instead of INFO.",
});
export const REPORT_TTL_DAYS = defineInt("REPORT_TTL_DAYS", {
  default: 90,
  description: "Days a report document is kept before the TTL policy deletes it.",
});
export const REPORT_MAX_FAILURES_READ = defineInt("REPORT_MAX_FAILURES_READ", {
  default: 2000,
  description: "Failed traces read per report for the breakdowns (counts stay exact beyond it).",
});
/** A Slack-compatible incoming-webhook URL; set it to "none" to post nowhere. */
export const REPORT_WEBHOOK_URL = defineSecret("REPORT_WEBHOOK_URL");

export interface ErrorReportConfig {
  windowHours: number;
  errorThreshold: number;
  ttlDays: number;
  maxFailuresRead: number;
  currentSampleRate: number;
  webhookUrl: string | undefined;
}

export function readErrorReportConfig(): ErrorReportConfig {
  return {
    windowHours: checkWhole("REPORT_WINDOW_HOURS", REPORT_WINDOW_HOURS.value(), 1, 24 * 31),
    errorThreshold: checkWhole("REPORT_ERROR_THRESHOLD", REPORT_ERROR_THRESHOLD.value(), 0, Number.MAX_SAFE_INTEGER),
    ttlDays: checkDays("REPORT_TTL_DAYS", REPORT_TTL_DAYS.value()),
    maxFailuresRead: checkWhole("REPORT_MAX_FAILURES_READ", REPORT_MAX_FAILURES_READ.value(), 1, 20_000),
    currentSampleRate: parseSampleRate(TRACE_SAMPLE_RATE.value()),
    webhookUrl: parseWebhookUrl(REPORT_WEBHOOK_URL.value()),
  };
}

export function parseWebhookUrl(value: string | undefined): string | undefined {
  const text = value?.trim();
  if (!text || text.toLowerCase() === "none") return undefined;
  if (!/^https?:\/\//i.test(text)) throw new Error('REPORT_WEBHOOK_URL must be an http(s) URL or "none"');
  return text;
}

function checkWhole(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be a whole number from ${min} to ${max}, got ${value}`);
  return value;
}
