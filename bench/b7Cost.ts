/**
 * B7: what a million agent runs cost at 5% errors, from the project's real configuration: the sample
 * rate and TTL defaults of functions/src/config.ts, the indexes and exemptions of firestore.indexes.json,
 * the tracer's own pre-sampling (the real `withTrace` over simulated runs, the real server decision) and
 * the average stored document size measured in B6. Prices are the named list prices of pricing.ts.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { decideRecording, DEFAULT_KEEP_RULES, DEFAULT_PRICES, NO_KEEP_RULES, randomTraceId, storedSize, TraceIdRatioBasedSampler, type KeepRules, type SanitizedTrace } from "@agent-traces/core";
import { utf8Length } from "../packages/core/src/storedSize.js";
import { TRACES_COLLECTION } from "@agent-traces/admin";
import { createTracer, DEFAULT_SAMPLE_RATE, type TraceExporter, type TracerOptions } from "@agent-traces/tracer";
import { ERROR_TRACE_TTL_DAYS, parseSampleRate, TRACE_SAMPLE_RATE, TRACE_TTL_DAYS } from "../functions/src/config.js";
import type { RealisticSizes } from "./b6Size.js";
import { functionsEnv, FUNCTIONS_ENV_FILE } from "./lib/config.js";
import { formatNumber, formatRatio, type Row } from "./lib/row.js";
import * as price from "./pricing.js";

const RUNS_SIMULATED = 100_000;
const ERROR_EVERY = 20; // 5% of runs fail
/** Of every 100 runs, these succeed after a tool call failed (3%): what the default keep rule keeps. */
const FAILED_TOOL_RUNS = new Set([1, 2, 3]);
/** Of every 100 runs, these take 45 s (2%): what a 30 s slow rule keeps, in the "every rule" scenario. */
const SLOW_RUNS = new Set([4, 5]);
const SLOW_RULE_MS = 30_000;
const PER = 1_000_000;
/** Firestore deletes expired documents "typically within 24 hours" of expire_at: counted as one more day stored. */
const TTL_SWEEP_DAYS = 1;

interface IndexFile {
  indexes: { collectionGroup: string; fields: { fieldPath: string }[] }[];
  fieldOverrides: { collectionGroup: string; fieldPath: string; indexes: unknown[] }[];
}

interface IndexModel {
  entries: number;
  singleField: number;
  composite: number;
  bytes: number;
  indexedFields: string[];
}

/**
 * Index entries Firestore keeps for one stored document: ascending and descending single-field entries
 * for every field not exempted (array-contains for arrays, subfields for maps), one entry per composite
 * index. Sizes per the storage-size page: document name + field name + value + 32 bytes (single-field),
 * document name + values + 32 bytes (composite); the parent-document term is left out (root collection).
 */
function indexModel(document: Record<string, unknown>, file: IndexFile): IndexModel {
  const path = `${TRACES_COLLECTION}/${String(document.trace_id)}`;
  const nameSize = 16 + path.split("/").reduce((sum, segment) => sum + utf8Length(segment) + 1, 0);
  const exempt = new Set(file.fieldOverrides.filter((entry) => entry.collectionGroup === TRACES_COLLECTION && entry.indexes.length === 0).map((entry) => entry.fieldPath));
  const model: IndexModel = { entries: 0, singleField: 0, composite: 0, bytes: 0, indexedFields: [] };
  const visit = (value: unknown, fieldPath: string) => {
    if (exempt.has(fieldPath)) return;
    const fieldBytes = utf8Length(fieldPath) + 1;
    if (Array.isArray(value)) {
      for (const item of new Set(value.map((entry) => JSON.stringify(entry)))) {
        model.singleField++;
        model.bytes += nameSize + fieldBytes + storedSize(JSON.parse(item)) + 32;
      }
    } else if (isMap(value)) {
      for (const [key, item] of Object.entries(value)) visit(item, `${fieldPath}.${key}`);
      return;
    } else {
      model.singleField += 2;
      model.bytes += 2 * (nameSize + fieldBytes + storedSize(value) + 32);
    }
    model.indexedFields.push(fieldPath);
  };
  for (const [key, value] of Object.entries(document)) visit(value, key);
  for (const index of file.indexes.filter((entry) => entry.collectionGroup === TRACES_COLLECTION)) {
    if (!index.fields.every((field) => field.fieldPath in document)) continue;
    model.composite++;
    model.bytes += nameSize + index.fields.reduce((sum, field) => sum + storedSize(document[field.fieldPath]), 0) + 32;
  }
  model.entries = model.singleField + model.composite;
  return model;
}

function isMap(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  return !("seconds" in value && "nanoseconds" in value); // a Timestamp is a value, not a map
}

interface Counts {
  /** recordTrace calls (batches). */
  calls: number;
  /** Calls that store at least one trace: each reads and writes its caller's rate-limit counter once. */
  callsStoring: number;
  sent: number;
  stored: { success: number; error: number };
}

/** How a scenario's tracer and server keep runs: the tracer's `keep` and the server's rules (the same, as the README advises). */
interface KeepSetting {
  tracer: TracerOptions["keep"];
  server: KeepRules;
  /** Whether 2% of runs are slow (45 s) in this scenario's population. */
  slowRuns: boolean;
}

const DEFAULT_RULES: KeepSetting = { tracer: undefined, server: DEFAULT_KEEP_RULES, slowRuns: false };

/**
 * Runs the real tracer (`createTracer`, default batching, or one call per run with `maxBatchSize: 1`)
 * over simulated runs (5% failing, 3% succeeding after a failed tool call, 2% slow when the setting
 * says) and the real server decision (decideRecording with the server's keep rules) on what it sends.
 */
async function simulate(clientRate: number | undefined, serverRate: number, maxBatchSize?: number, keep: KeepSetting = DEFAULT_RULES): Promise<Counts> {
  const serverSampler = new TraceIdRatioBasedSampler(serverRate);
  const counts: Counts = { calls: 0, callsStoring: 0, sent: 0, stored: { success: 0, error: 0 } };
  const failures: Error[] = [];
  const exporter: TraceExporter = {
    export: async (traces: readonly SanitizedTrace[]) => {
      counts.calls++;
      counts.sent += traces.length;
      const answers = traces.map((trace) => {
        const decision = decideRecording(trace, { sampler: serverSampler, rules: keep.server, prices: DEFAULT_PRICES });
        if (decision.store) counts.stored[trace.status === "success" ? "success" : "error"]++;
        return { trace_id: trace.trace_id, stored: decision.store, reason: decision.reason };
      });
      if (answers.some((answer) => answer.stored)) counts.callsStoring++;
      return answers;
    },
  };
  const tracer = createTracer({ exporter, sampleRate: clientRate, maxBatchSize, keep: keep.tracer, onError: (error) => failures.push(error) });
  for (let run = 0; run < RUNS_SIMULATED; run++) {
    if (keep.slowRuns && SLOW_RUNS.has(run % 100)) {
      // A finished run recorded as a whole (as the adapters do), so that it can have taken 45 s.
      const startedAt = Date.now() - 45_000;
      tracer.record({
        trace_id: randomTraceId(),
        status: "success",
        started_at: new Date(startedAt).toISOString(),
        ended_at: new Date(startedAt + 45_000).toISOString(),
        tool_traces: [{ name: "web_search", input: { query: "firestore ttl" }, output: "3 results", duration_ms: 44_000, is_error: false, timestamp: new Date(startedAt).toISOString() }],
      });
      continue;
    }
    await tracer.withTrace({}, async (trace) => {
      if (FAILED_TOOL_RUNS.has(run % 100)) await trace.tool("web_search", { query: "firestore ttl" }, () => Promise.reject(new Error("search timed out"))).catch(() => "answered without search");
      else await trace.tool("web_search", { query: "firestore ttl" }, () => "3 results");
      if (run % ERROR_EVERY === 0) throw new Error("the model call failed");
    }).catch(() => undefined);
  }
  await tracer.shutdown();
  if (failures.length > 0) throw new Error(`B7: the tracer could not send ${failures.length} simulated runs: ${failures[0]!.message}`);
  return counts;
}

interface Scenario {
  name: string;
  invocations: number;
  stored: { success: number; error: number };
  indexEntries: number;
  gibDays: number;
  cost: { invocations: number; compute: number; writes: number; rateLimit: number; deletes: number; storage: number; total: number };
}

export async function benchCost(sizes: RealisticSizes, log: (line: string) => void): Promise<{ row: Row; detail: string[] }> {
  const defaults = {
    sampleRate: parseSampleRate(String(TRACE_SAMPLE_RATE.options.default)),
    ttlDays: Number(TRACE_TTL_DAYS.options.default),
    errorTtlDays: Number(ERROR_TRACE_TTL_DAYS.options.default),
  };
  const demoEnv = functionsEnv();
  const envMatches = Number(demoEnv.TRACE_SAMPLE_RATE) === defaults.sampleRate && Number(demoEnv.TRACE_TTL_DAYS) === defaults.ttlDays && Number(demoEnv.ERROR_TRACE_TTL_DAYS) === defaults.errorTtlDays;
  if (DEFAULT_SAMPLE_RATE !== defaults.sampleRate) log(`  B7 note: the tracer's default sample rate ${DEFAULT_SAMPLE_RATE} differs from the function's ${defaults.sampleRate}`);
  const indexFile = JSON.parse(readFileSync(fileURLToPath(new URL("../firestore.indexes.json", import.meta.url)), "utf8")) as IndexFile;
  const index = { success: indexModel(sizes.sample.success, indexFile), error: indexModel(sizes.sample.error, indexFile) };

  const scenario = async (name: string, clientRate: number | undefined, serverRate: number, maxBatchSize?: number, keep?: KeepSetting): Promise<Scenario> => {
    const counts = await simulate(clientRate, serverRate, maxBatchSize, keep);
    const scale = PER / RUNS_SIMULATED;
    const invocations = counts.calls * scale;
    const stored = { success: counts.stored.success * scale, error: counts.stored.error * scale };
    const docs = stored.success + stored.error;
    const gibDays =
      (stored.success * (sizes.success + index.success.bytes) * (defaults.ttlDays + TTL_SWEEP_DAYS) +
        stored.error * (sizes.error + index.error.bytes) * (defaults.errorTtlDays + TTL_SWEEP_DAYS)) /
      2 ** 30;
    const cost = {
      invocations: (invocations / 1e6) * price.INVOCATIONS_PER_MILLION,
      compute: invocations * price.BILLED_SECONDS_PER_INVOCATION * (price.FUNCTION_VCPU * price.VCPU_SECOND + price.FUNCTION_MEMORY_GIB * price.GIB_SECOND),
      writes: (docs / 1e5) * price.FIRESTORE_WRITES_PER_100K,
      rateLimit: ((counts.callsStoring * scale) / 1e5) * (price.FIRESTORE_READS_PER_100K + price.FIRESTORE_WRITES_PER_100K),
      deletes: (docs / 1e5) * price.FIRESTORE_DELETES_PER_100K,
      storage: (gibDays / price.DAYS_PER_MONTH) * price.FIRESTORE_STORAGE_PER_GIB_MONTH,
      total: 0,
    };
    cost.total = cost.invocations + cost.compute + cost.writes + cost.rateLimit + cost.deletes + cost.storage;
    log(`  B7 ${name}: ${formatNumber(invocations)} invocations, ${formatNumber(docs)} documents stored, $${cost.total.toFixed(2)} per million runs`);
    return { name, invocations, stored, indexEntries: stored.success * index.success.entries + stored.error * index.error.entries, gibDays, cost };
  };
  const onDefault = await scenario("defaults (batches, client pre-sampling, failed-tool rule)", undefined, defaults.sampleRate);
  const rulesOff = await scenario("keep rules off (sampling only)", undefined, defaults.sampleRate, undefined, { tracer: false, server: NO_KEEP_RULES, slowRuns: false });
  const everyRule = await scenario(`failed-tool and slow (> ${SLOW_RULE_MS / 1000} s) rules, 2% slow runs`, undefined, defaults.sampleRate, undefined, {
    tracer: { failedTool: true, slowerThanMs: SLOW_RULE_MS },
    server: { failed_tool: true, slower_than_ms: SLOW_RULE_MS },
    slowRuns: true,
  });
  const unbatched = await scenario("one call per run", undefined, defaults.sampleRate, 1);
  const preSamplingOff = await scenario("client pre-sampling off", 1, defaults.sampleRate);
  const storeAll = await scenario("store every trace", 1, 1);
  const scenarios = [onDefault, rulesOff, everyRule, unbatched, preSamplingOff, storeAll];

  const money = (value: number) => `$${value < 0.01 ? value.toFixed(4) : value.toFixed(2)}`;
  const line = (label: string, pick: (s: Scenario) => string) => `| ${label} | ${scenarios.map(pick).join(" | ")} |`;
  const detail = [
    `Per million agent runs, 5% of them failing and 3% succeeding after a tool call failed (kept by the default failed-tool rule, on the tracer and the server), sample rate ${defaults.sampleRate} (\`TRACE_SAMPLE_RATE\` default in functions/src/config.ts${envMatches ? `, same in ${FUNCTIONS_ENV_FILE}` : `; ${FUNCTIONS_ENV_FILE} differs`}), successes kept ${defaults.ttlDays} days and failures ${defaults.errorTtlDays} (+${TTL_SWEEP_DAYS} day for the TTL sweep). Counts come from ${RUNS_SIMULATED.toLocaleString("en-US")} simulated runs through the real tracer (\`createTracer\`, default sample rate ${DEFAULT_SAMPLE_RATE}, batches of up to 50) and the server's \`decideRecording\`, scaled to a million. Compute bills each call the same, batch or not (the writes of a batch go out in one commit).`,
    "",
    `| per million runs | ${scenarios.map((s) => s.name).join(" | ")} |`,
    `| --- | ${scenarios.map(() => "---:").join(" | ")} |`,
    line("function invocations", (s) => formatNumber(s.invocations)),
    line("documents written (successes + failures)", (s) => `${formatNumber(s.stored.success + s.stored.error)} (${formatNumber(s.stored.success)} + ${formatNumber(s.stored.error)})`),
    line("index entries written", (s) => formatNumber(s.indexEntries)),
    line("stored GiB-days (documents + index entries)", (s) => formatNumber(s.gibDays, 2)),
    line("invocations", (s) => money(s.cost.invocations)),
    line(`compute (${price.BILLED_SECONDS_PER_INVOCATION * 1000} ms x ${price.FUNCTION_VCPU} vCPU, ${price.FUNCTION_MEMORY_GIB * 1024} MiB per call)`, (s) => money(s.cost.compute)),
    line("Firestore writes", (s) => money(s.cost.writes)),
    line("rate-limit counter (1 read + 1 write per call that stores)", (s) => money(s.cost.rateLimit)),
    line("TTL deletes", (s) => money(s.cost.deletes)),
    line("Firestore storage", (s) => money(s.cost.storage)),
    line("**total**", (s) => `**${money(s.cost.total)}**`),
    "",
    `Stored document: ${formatNumber(sizes.success)} B per success and ${formatNumber(sizes.error)} B per failure on average (measured in B6). Index entries per document: ${index.success.entries} (${index.success.singleField} single-field on ${index.success.indexedFields.join(", ")}; ${index.success.composite} composite), about ${formatNumber(index.success.bytes)} B; every other field is exempted in firestore.indexes.json.`,
    "",
    `Prices (taken ${price.PRICES_TAKEN}, bench/pricing.ts): Firestore $${price.FIRESTORE_WRITES_PER_100K} per 100k writes, $${price.FIRESTORE_DELETES_PER_100K} per 100k deletes, $${price.FIRESTORE_STORAGE_PER_GIB_MONTH} per GiB-month (multi-region nam5); Cloud Functions 2nd gen as Cloud Run request-based Tier 1: $${price.INVOCATIONS_PER_MILLION} per million requests, $${price.VCPU_SECOND} per vCPU-second, $${price.GIB_SECOND} per GiB-second. Free tiers are left out. Compute assumes each call bills ${price.BILLED_SECONDS_PER_INVOCATION * 1000} ms (Cloud Run's rounding; an upper bound, since concurrent calls share an instance's billed time). Sources:`,
    ...price.SOURCES.map((source) => `- ${source}`),
  ];
  const ratio = onDefault.cost.total / storeAll.cost.total;
  return {
    detail,
    row: {
      id: "B7",
      name: "Cost per million runs (5% errors, 3% failed tools, default sampling and keep rules)",
      ours: `${money(onDefault.cost.total)} (${formatNumber(onDefault.invocations)} calls, ${formatNumber(onDefault.stored.success + onDefault.stored.error)} docs)`,
      anchor: `${money(storeAll.cost.total)} storing every trace`,
      ratio: formatRatio(ratio),
      target: "computed (no target)",
      met: null,
      notes: [
        `Keep rules: the failed-tool rule stores ${formatNumber(onDefault.stored.success - rulesOff.stored.success)} more successes than sampling alone (${money(rulesOff.cost.total)} with rules off, +${money(onDefault.cost.total - rulesOff.cost.total)}); adding a ${SLOW_RULE_MS / 1000} s slow rule with 2% of runs slow: ${formatNumber(everyRule.stored.success)} successes stored, ${money(everyRule.cost.total)}. Batching: ${formatNumber(onDefault.invocations)} invocations instead of ${formatNumber(unbatched.invocations)} with one call per run (${money(unbatched.cost.total)}). With client pre-sampling off (every success sent, sampled out by the function): ${money(preSamplingOff.cost.total)} per million runs, so pre-sampling saves ${money(preSamplingOff.cost.total - onDefault.cost.total)}; sampling itself saves ${money(storeAll.cost.total - preSamplingOff.cost.total)} more. Breakdown below.`,
      ],
    },
  };
}
