import { defineBoolean, defineInt, defineString } from "firebase-functions/params";

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
  if (!Number.isInteger(days) || days < 1 || days > 3650) {
    throw new Error(`${name} must be a whole number of days from 1 to 3650, got ${days}`);
  }
  return days;
}
