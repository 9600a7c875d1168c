import { defineBoolean, defineInt, defineSecret, defineString, select } from "firebase-functions/params";
import { HttpsError } from "firebase-functions/v2/https";
import { DEFAULT_SAMPLE_RATE, describeInvalid, LIMITS, MAX_CALL_BYTES, mergePrices, priceTableSchema, type KeepRules, type PriceTable } from "@agent-traces/core";
import { logs } from "./logs.js";
import { inFlightBudgetBytes, maxConcurrencyFor, MEMORY_OPTIONS_MIB } from "./recordTrace/memoryPerInstance.js";

/**
 * Every setting the functions read, declared as params so that `firebase deploy` asks for them
 * and `functions/.env*` files set them. Values are checked once per instance: recordTraceConfig(),
 * errorReportConfig().
 */
export const TRACE_SAMPLE_RATE = defineString("TRACE_SAMPLE_RATE", {
  default: String(DEFAULT_SAMPLE_RATE),
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
export const TRACE_RATE_LIMIT_PER_MINUTE = defineInt("TRACE_RATE_LIMIT_PER_MINUTE", {
  default: 600,
  description: "Traces one signed-in user (uid) may store in any 60 s, across all instances; beyond it recordTrace answers resource-exhausted with retry_after_ms. 0 turns the limit off.",
});
export const TRACE_CAPTURE_CONTENT = defineBoolean("TRACE_CAPTURE_CONTENT", {
  default: true,
  description:
    "Store runs' content. false: only their shape is stored (tool names, durations, statuses, counts, sizes, key names); tool input and output values, the final output and the error become their type and length, whatever the sender sent.",
});
export const TRACE_KEEP_FAILED_TOOL = defineBoolean("TRACE_KEEP_FAILED_TOOL", {
  default: true,
  description: "Store every successful run in which a tool call failed, whatever the sampler says (a keep rule; checked against the run itself).",
});
export const TRACE_KEEP_SLOWER_THAN_MS = defineInt("TRACE_KEEP_SLOWER_THAN_MS", {
  default: 0,
  description: "Store every successful run that took longer than this many ms, whatever the sampler says. 0 turns the rule off.",
});
export const TRACE_KEEP_TOKENS_ABOVE = defineInt("TRACE_KEEP_TOKENS_ABOVE", {
  default: 0,
  description: "Store every successful run whose tokens (input + output, all models) are more than this, whatever the sampler says. 0 turns the rule off.",
});
export const TRACE_KEEP_COST_ABOVE_USD = defineString("TRACE_KEEP_COST_ABOVE_USD", {
  default: "0",
  description: "Store every successful run whose priced cost is more than this many USD (TRACE_PRICES over the defaults), whatever the sampler says. 0 turns the rule off.",
  input: { text: { validationRegex: "^\\d+(\\.\\d+)?$", validationErrorMessage: "a number of USD >= 0" } },
});
export const TRACE_PRICES = defineString("TRACE_PRICES", {
  default: "{}",
  description:
    'Prices per model in USD per million tokens, as JSON merged over the shipped defaults: {"<model>": {"input": 0.3, "output": 2.5, "cached_input"?: 0.03, "cache_write"?: 0.3, "reasoning"?: 2.5, "as_of"?: "YYYY-MM-DD", "source"?: "..."}}. A model with no price is stored as unpriced, never as free.',
});
/** Deploy-time: the most instances recordTrace scales to; with the concurrency, a ceiling on its compute spend. */
export const RECORD_TRACE_MAX_INSTANCES = defineInt("RECORD_TRACE_MAX_INSTANCES", {
  default: 10,
  description: "The most instances recordTrace scales out to (a ceiling on its compute spend).",
});
/** Deploy-time: the requests one recordTrace instance serves at once. */
export const RECORD_TRACE_CONCURRENCY = defineInt("RECORD_TRACE_CONCURRENCY", {
  default: 80,
  description: "Requests one recordTrace instance serves at once (1 to 1000; above 1 needs at least 1 vCPU, the 2nd gen default).",
});
/**
 * Deploy-time, and read at run time: the memory of one recordTrace instance. With the concurrency it
 * sets the bytes of calls an instance holds under way (recordTraceCallBudget), so that the worst case fits.
 */
export const RECORD_TRACE_MEMORY_MIB = defineInt("RECORD_TRACE_MEMORY_MIB", {
  default: 512,
  description:
    "Memory of one recordTrace instance in MiB. With RECORD_TRACE_CONCURRENCY it sets how many bytes of calls an instance holds at once; a call beyond them is answered resource-exhausted, to retry (docs/scaling.md, Memory per instance).",
  input: select([...MEMORY_OPTIONS_MIB]),
});

export interface RecordTraceConfig {
  sampleRate: number;
  ttlDays: number;
  errorTtlDays: number;
  enforceAppCheck: boolean;
  /** Traces one uid may store in any 60 s; 0 for no limit. */
  rateLimitPerMinute: number;
  /** false: every run is stored without its content (core's omitContent), whatever the sender sent. */
  captureContent: boolean;
  /** The server's keep rules (TRACE_KEEP_*); absent: core's DEFAULT_KEEP_RULES. */
  keepRules?: KeepRules;
  /** Prices per model (TRACE_PRICES over core's DEFAULT_PRICES); absent: DEFAULT_PRICES. */
  prices?: PriceTable;
}

/** How much of its calls one recordTrace instance may hold under way, from its memory and concurrency. */
export interface RecordTraceCallBudget {
  memoryMiB: number;
  concurrency: number;
  /** Request-body bytes of the calls under way, at most (an InFlightBudget's limit): at least MAX_CALL_BYTES. */
  bytesInFlight: number;
}

/** A param whose value cannot be used, and why. */
export interface ParamProblem {
  param: string;
  problem: string;
}

/**
 * A function's settings, or every param that is wrong with them. `ignored`: params whose bad value was
 * replaced by their default (only TRACE_PRICES: a typo in a price table must not stop recording runs).
 */
export type ConfigCheck<T> = { ok: true; config: T; ignored?: ParamProblem[] } | { ok: false; problems: ParamProblem[] };

/**
 * Reads and checks the recordTrace settings; a bad value is reported instead of sampling wrongly. A bad
 * TRACE_PRICES is the exception: the shipped prices are used and it is reported as ignored, since prices
 * only say what runs cost and every run, a failure above all, must still be stored.
 */
export function checkRecordTraceConfig(): ConfigCheck<RecordTraceConfig> {
  const { read, result } = paramReader();
  const ignored: ParamProblem[] = [];
  const check = result({
    sampleRate: read("TRACE_SAMPLE_RATE", () => parseSampleRate(TRACE_SAMPLE_RATE.value())),
    ttlDays: read("TRACE_TTL_DAYS", () => checkDays("TRACE_TTL_DAYS", TRACE_TTL_DAYS.value())),
    errorTtlDays: read("ERROR_TRACE_TTL_DAYS", () => checkDays("ERROR_TRACE_TTL_DAYS", ERROR_TRACE_TTL_DAYS.value())),
    enforceAppCheck: read("ENFORCE_APP_CHECK", () => ENFORCE_APP_CHECK.value()),
    rateLimitPerMinute: read("TRACE_RATE_LIMIT_PER_MINUTE", () => checkWhole("TRACE_RATE_LIMIT_PER_MINUTE", TRACE_RATE_LIMIT_PER_MINUTE.value(), 0, 1_000_000)),
    captureContent: read("TRACE_CAPTURE_CONTENT", () => TRACE_CAPTURE_CONTENT.value()),
    keepRules: keepRules({
      failed_tool: read("TRACE_KEEP_FAILED_TOOL", () => TRACE_KEEP_FAILED_TOOL.value()),
      slower_than_ms: read("TRACE_KEEP_SLOWER_THAN_MS", () => checkWhole("TRACE_KEEP_SLOWER_THAN_MS", TRACE_KEEP_SLOWER_THAN_MS.value(), 0, LIMITS.maxDurationMs)),
      tokens_above: read("TRACE_KEEP_TOKENS_ABOVE", () => checkWhole("TRACE_KEEP_TOKENS_ABOVE", TRACE_KEEP_TOKENS_ABOVE.value(), 0, Number.MAX_SAFE_INTEGER)),
      cost_above_usd: read("TRACE_KEEP_COST_ABOVE_USD", () => parseCostAbove(TRACE_KEEP_COST_ABOVE_USD.value())),
    }),
    prices: pricesOrDefault(TRACE_PRICES.value(), ignored),
  });
  return check.ok && ignored.length > 0 ? { ...check, ignored } : check;
}

/** TRACE_PRICES parsed, or the shipped prices with the problem added to `ignored`. */
function pricesOrDefault(text: string, ignored: ParamProblem[]): PriceTable {
  try {
    return parsePrices(text);
  } catch (error) {
    ignored.push({ param: "TRACE_PRICES", problem: error instanceof Error ? error.message : String(error) });
    return mergePrices(undefined);
  }
}

/** The keep rules the TRACE_KEEP_* params set: a threshold of 0 (or one that did not parse) is no rule. */
function keepRules(params: { failed_tool: boolean | undefined; slower_than_ms: number | undefined; tokens_above: number | undefined; cost_above_usd: number | undefined }): KeepRules {
  return {
    failed_tool: params.failed_tool ?? false,
    ...(params.slower_than_ms ? { slower_than_ms: params.slower_than_ms } : {}),
    ...(params.tokens_above ? { tokens_above: params.tokens_above } : {}),
    ...(params.cost_above_usd ? { cost_above_usd: params.cost_above_usd } : {}),
  };
}

/** TRACE_KEEP_COST_ABOVE_USD: a number of USD >= 0 (0 or empty: the rule is off). */
export function parseCostAbove(text: string): number {
  if (text.trim() === "") return 0;
  const usd = Number(text);
  if (!/^\s*\d+(\.\d+)?\s*$/.test(text) || !Number.isFinite(usd)) throw new Error(`TRACE_KEEP_COST_ABOVE_USD must be a number of USD >= 0 (0 turns the rule off), got "${text}"`);
  return usd;
}

/** TRACE_PRICES: JSON of a price table (core's priceTableSchema), merged over DEFAULT_PRICES; empty or `{}` for the defaults alone. */
export function parsePrices(text: string): PriceTable {
  if (text.trim() === "") return mergePrices(undefined);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`TRACE_PRICES must be JSON (a price table), got text that does not parse: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const table = priceTableSchema.safeParse(json);
  if (!table.success) throw new Error(`TRACE_PRICES is not a price table: ${describeInvalid("price table", table.error.issues).message.replace(/^Invalid price table: /, "")}`);
  return mergePrices(table.data);
}

let recordTraceCheck: ConfigCheck<RecordTraceConfig> | undefined;

/**
 * Reads recordTrace's memory and concurrency and derives the bytes of calls an instance may hold under
 * way (memoryPerInstance.ts); a concurrency whose worst case leaves no room in the memory for one call
 * of MAX_CALL_BYTES under way is reported.
 */
export function checkRecordTraceCallBudget(): ConfigCheck<RecordTraceCallBudget> {
  const { read, result } = paramReader();
  const memoryMiB = read("RECORD_TRACE_MEMORY_MIB", () => checkMemory(RECORD_TRACE_MEMORY_MIB.value()));
  const concurrency = read("RECORD_TRACE_CONCURRENCY", () => checkWhole("RECORD_TRACE_CONCURRENCY", RECORD_TRACE_CONCURRENCY.value(), 1, 1000));
  let bytesInFlight = 0;
  if (memoryMiB !== undefined && concurrency !== undefined) {
    bytesInFlight = inFlightBudgetBytes(memoryMiB, concurrency);
    if (bytesInFlight < MAX_CALL_BYTES) {
      read("RECORD_TRACE_CONCURRENCY", () => {
        throw new Error(
          `RECORD_TRACE_CONCURRENCY ${concurrency} is more requests at once than RECORD_TRACE_MEMORY_MIB ${memoryMiB} can hold at worst: at most ${maxConcurrencyFor(memoryMiB)} at ${memoryMiB} MiB (docs/scaling.md, Memory per instance)`,
        );
      });
    }
  }
  return result({ memoryMiB, concurrency, bytesInFlight });
}

let callBudgetCheck: ConfigCheck<RecordTraceCallBudget> | undefined;

/**
 * recordTrace's call budget, checked once per instance (at cold start: see index.ts) with a bad param
 * logged once; while one is bad, every call answers `failed-precondition` naming it.
 */
export function recordTraceCallBudget(): RecordTraceCallBudget {
  callBudgetCheck ??= logged("recordTrace", checkRecordTraceCallBudget());
  if (!callBudgetCheck.ok) throw misconfigured("recordTrace", callBudgetCheck.problems);
  return callBudgetCheck.config;
}

/**
 * The recordTrace settings, checked once per instance (at cold start: see index.ts) with any bad param
 * logged once; while one is bad, every call answers `failed-precondition` naming it.
 */
export function recordTraceConfig(): RecordTraceConfig {
  recordTraceCheck ??= logged("recordTrace", checkRecordTraceConfig());
  if (!recordTraceCheck.ok) throw misconfigured("recordTrace", recordTraceCheck.problems);
  return recordTraceCheck.config;
}

/**
 * Checks recordTrace's params now, once per instance, logging any that is bad (index.ts runs it at cold
 * start). The report's are checked when it first runs: they include a secret bound to it alone.
 */
export function checkConfigOnce(): void {
  recordTraceCheck ??= logged("recordTrace", checkRecordTraceConfig());
  callBudgetCheck ??= logged("recordTrace", checkRecordTraceCallBudget());
}

export function parseSampleRate(text: string): number {
  const rate = Number(text);
  if (text.trim() === "" || !Number.isFinite(rate) || rate < 0 || rate > 1) {
    throw new Error(`TRACE_SAMPLE_RATE must be a number from 0 to 1, got "${text}"`);
  }
  return rate;
}

function checkMemory(memoryMiB: number): number {
  if (!(MEMORY_OPTIONS_MIB as readonly number[]).includes(memoryMiB)) throw new Error(`RECORD_TRACE_MEMORY_MIB must be one of ${MEMORY_OPTIONS_MIB.join(", ")}, got ${memoryMiB}`);
  return memoryMiB;
}

function checkDays(name: string, days: number): number {
  return checkWhole(name, days, 1, 3650);
}

/** Reads params one by one, collecting what is wrong with each instead of stopping at the first. */
function paramReader(): { read: <T>(param: string, parse: () => T) => T; result: <C>(config: C) => ConfigCheck<C> } {
  const problems: ParamProblem[] = [];
  return {
    read<T>(param: string, parse: () => T): T {
      try {
        return parse();
      } catch (error) {
        problems.push({ param, problem: error instanceof Error ? error.message : String(error) });
        return undefined as T;
      }
    },
    result: <C>(config: C): ConfigCheck<C> => (problems.length === 0 ? { ok: true, config } : { ok: false, problems }),
  };
}

function logged<T>(functionName: string, check: ConfigCheck<T>): ConfigCheck<T> {
  if (!check.ok) logs.configInvalid(functionName, check.problems);
  else if (check.ignored) logs.configIgnored(functionName, check.ignored);
  return check;
}

function misconfigured(functionName: string, problems: readonly ParamProblem[]): HttpsError {
  const params = problems.map((problem) => problem.param);
  return new HttpsError("failed-precondition", `${functionName} is misconfigured: ${problems.map((problem) => problem.problem).join("; ")}`, { params });
}

// Error report (reportTraceErrors).

/**
 * The schedule must be a literal when functions are discovered, so it comes from the environment
 * (functions/.env files are loaded then) rather than from a param. Windows are of committed_at (the
 * commit's own time), so any run after the hour sees every trace the hour will ever hold.
 */
export const REPORT_SCHEDULE = process.env.REPORT_SCHEDULE ?? "5 * * * *";
export const REPORT_TIME_ZONE = defineString("REPORT_TIME_ZONE", {
  default: "UTC",
  description: "Time zone the report schedule runs in (IANA name).",
});
export const REPORT_WINDOW_HOURS = defineInt("REPORT_WINDOW_HOURS", {
  default: 1,
  description:
    "Hours each report covers: the full hours before the run, of commit time (committed_at), so every stored trace is counted once, in the window its write landed in, however long it ran or however late it landed.",
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
export const REPORT_MAX_USAGE_READ = defineInt("REPORT_MAX_USAGE_READ", {
  default: 2000,
  description: "Successful traces with token usage read per report for the usage estimate (the newest ones beyond it are left out, and the report says so).",
});
/** A Slack-compatible incoming-webhook URL; set it to "none" to post nowhere. */
export const REPORT_WEBHOOK_URL = defineSecret("REPORT_WEBHOOK_URL");

export interface ErrorReportConfig {
  windowHours: number;
  errorThreshold: number;
  ttlDays: number;
  maxFailuresRead: number;
  maxUsageRead: number;
  webhookUrl: string | undefined;
}

/** Reads and checks the report's settings. */
export function checkErrorReportConfig(): ConfigCheck<ErrorReportConfig> {
  const { read, result } = paramReader();
  return result({
    windowHours: read("REPORT_WINDOW_HOURS", () => checkWhole("REPORT_WINDOW_HOURS", REPORT_WINDOW_HOURS.value(), 1, 24 * 31)),
    errorThreshold: read("REPORT_ERROR_THRESHOLD", () => checkWhole("REPORT_ERROR_THRESHOLD", REPORT_ERROR_THRESHOLD.value(), 0, Number.MAX_SAFE_INTEGER)),
    ttlDays: read("REPORT_TTL_DAYS", () => checkDays("REPORT_TTL_DAYS", REPORT_TTL_DAYS.value())),
    maxFailuresRead: read("REPORT_MAX_FAILURES_READ", () => checkWhole("REPORT_MAX_FAILURES_READ", REPORT_MAX_FAILURES_READ.value(), 1, 20_000)),
    maxUsageRead: read("REPORT_MAX_USAGE_READ", () => checkWhole("REPORT_MAX_USAGE_READ", REPORT_MAX_USAGE_READ.value(), 1, 20_000)),
    webhookUrl: read("REPORT_WEBHOOK_URL", () => parseWebhookUrl(REPORT_WEBHOOK_URL.value())),
  });
}

let errorReportCheck: ConfigCheck<ErrorReportConfig> | undefined;

/** The report's settings, checked once per instance with any bad param logged once; while one is bad, a run fails naming it. */
export function errorReportConfig(): ErrorReportConfig {
  errorReportCheck ??= logged("reportTraceErrors", checkErrorReportConfig());
  if (!errorReportCheck.ok) throw misconfigured("reportTraceErrors", errorReportCheck.problems);
  return errorReportCheck.config;
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

// Erasure (onUserDeleted, eraseTraces).

export const ERASE_ON_USER_DELETE = defineBoolean("ERASE_ON_USER_DELETE", {
  default: true,
  description: "When a Firebase Auth user is deleted, erase every trace recorded by or naming them and their rate-limit counter (a receipt in trace_erasures). false: nothing is erased.",
});
export const ERASE_BATCHES_PER_RUN = defineInt("ERASE_BATCHES_PER_RUN", {
  default: 50,
  description: "Batches of up to 400 deletions one eraseTraces run commits before it hands over to the next run (each run also stops at half its timeout).",
});
/** Deploy-time: eraseTraces' timeout, the most an event-triggered function may have. */
export const ERASE_TRACES_TIMEOUT_SECONDS = 540;
/** The share of its timeout an eraseTraces run spends starting batches: a batch under way when it ends still finishes in time. */
const ERASE_TIME_BUDGET_SHARE = 0.5;

export interface ErasureConfig {
  eraseOnUserDelete: boolean;
  batchesPerRun: number;
  /** How long a run starts batches for, in ms. */
  timeBudgetMs: number;
}

/** Reads and checks the erasure settings. */
export function checkErasureConfig(): ConfigCheck<ErasureConfig> {
  const { read, result } = paramReader();
  return result({
    eraseOnUserDelete: read("ERASE_ON_USER_DELETE", () => ERASE_ON_USER_DELETE.value()),
    batchesPerRun: read("ERASE_BATCHES_PER_RUN", () => checkWhole("ERASE_BATCHES_PER_RUN", ERASE_BATCHES_PER_RUN.value(), 1, 10_000)),
    timeBudgetMs: ERASE_TRACES_TIMEOUT_SECONDS * 1000 * ERASE_TIME_BUDGET_SHARE,
  });
}

let erasureCheck: ConfigCheck<ErasureConfig> | undefined;

/** The erasure settings, checked once per instance with any bad param logged once; while one is bad, a run fails naming it (and is retried). */
export function erasureConfig(functionName: string): ErasureConfig {
  erasureCheck ??= logged(functionName, checkErasureConfig());
  if (!erasureCheck.ok) throw misconfigured(functionName, erasureCheck.problems);
  return erasureCheck.config;
}
