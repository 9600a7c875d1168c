import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { Timestamp } from "firebase-admin/firestore";
import { buildErrorReport, estimateError, TRACES_COLLECTION, windowStartingAt, type ReportWindow, type TraceErrorReport } from "@agent-traces/admin";
import {
  decideRecording,
  DEFAULT_KEEP_RULES,
  DEFAULT_PRICES,
  runWeight,
  TraceIdRatioBasedSampler,
  usageCost,
  type KeepRules,
  type RecordTraceBatchResult,
  type TraceInput,
} from "@agent-traces/core";
import { decideKeep } from "../../functions/src/recordTrace/keepDecision.js";
import { adminFirestore, clearFirestore, clientSession, type ClientSession } from "./support/emulators.js";
import { aTrace } from "./support/traces.js";

/** functions/.env.demo-agent-traces: TRACE_SAMPLE_RATE and the keep rules (the default failed_tool, TRACE_KEEP_SLOWER_THAN_MS). */
const SERVER_RATE = 0.1;
const SERVER_RULES: KeepRules = { ...DEFAULT_KEEP_RULES, slower_than_ms: 30_000 };
/** What the tracer-like sender samples at and keeps by. */
const TRACER_RATE = 0.1;
const HOUR = 3_600_000;

type Kind = "error" | "timeout" | "failed_tool" | "slow" | "plain";
/** The known population: 370 runs, half of each kind sent as a tracer sends (only what it keeps, with its rate and rules), half sent whole. */
const COUNTS: Record<Kind, number> = { error: 15, timeout: 5, failed_tool: 30, slow: 20, plain: 300 };
const TOTAL = Object.values(COUNTS).reduce((sum, count) => sum + count, 0);
/** Every run used this model (priced by default): its cost is known per run. */
const USAGE = { model: "gpt-4o-mini", input_tokens: 1_000, output_tokens: 100 };

interface Run {
  trace: TraceInput;
  viaTracer: boolean;
}

/** The run at `index`: its trace id fixed (so the samplers' decisions are too), its kind's status, tools and duration. */
function runOf(kind: Kind, index: number, endedAt: number): Run {
  const traceId = createHash("sha256").update(`report-estimate-population:${index}`).digest("hex").slice(0, 32);
  const durationMs = kind === "slow" ? 45_000 : 2_000;
  const startedAt = new Date(endedAt - durationMs).toISOString();
  const base = aTrace({ trace_id: traceId, skill: "estimate", started_at: startedAt, ended_at: new Date(endedAt).toISOString(), usage: [USAGE] });
  const tool = { name: "web_search", input: { query: "estimate" }, output: "ok", duration_ms: 10, timestamp: startedAt, is_error: kind === "failed_tool" };
  const status = kind === "error" || kind === "timeout" ? kind : "success";
  return { trace: { ...base, status, tool_traces: [tool], metadata: status === "error" ? { error: "boom" } : {} }, viaTracer: index % 2 === 0 };
}

function population(endedAt: number): Run[] {
  const runs: Run[] = [];
  for (const [kind, count] of Object.entries(COUNTS) as [Kind, number][]) for (let index = 0; index < count; index++) runs.push(runOf(kind, runs.length, endedAt));
  return runs;
}

/** What the tracer sends: the runs its sampler or its rules keep. */
function keptByTracer(runs: readonly Run[]): TraceInput[] {
  const tracer = { sampler: new TraceIdRatioBasedSampler(TRACER_RATE), rules: DEFAULT_KEEP_RULES };
  return runs.filter((run) => run.viaTracer && decideRecording(run.trace, tracer).store).map((run) => run.trace);
}

async function sendAll(client: ClientSession, traces: readonly TraceInput[], wire: { sample_rate?: number; keep_rules?: KeepRules }): Promise<void> {
  for (let start = 0; start < traces.length; start += 100) {
    const batch = traces.slice(start, start + 100);
    const { results } = (await client.callRecordTrace({ traces: batch, ...wire })) as RecordTraceBatchResult;
    assert.equal(results.length, batch.length);
    for (const result of results) assert.ok("stored" in result, JSON.stringify(result));
  }
}

/** The window of whole hours around every stored trace's commit (one hour, or two when the commits straddle an hour). */
async function windowAround(): Promise<ReportWindow> {
  const times = (await adminFirestore().collection(TRACES_COLLECTION).select("committed_at").get()).docs.map((doc) => (doc.get("committed_at") as Timestamp).toMillis());
  const start = Math.floor(Math.min(...times) / HOUR) * HOUR;
  return windowStartingAt(new Date(start), Math.floor(Math.max(...times) / HOUR) * HOUR === start ? 1 : 2);
}

describe("the report's estimate over a known mixed population, written through recordTrace on the functions emulator", function () {
  this.timeout(180_000);
  let runs: Run[];
  let report: TraceErrorReport;

  before(async () => {
    await clearFirestore();
    runs = population(Date.now() - 1_000);
    const [tracerClient, wholeClient] = [await clientSession(), await clientSession()];
    try {
      await sendAll(tracerClient, keptByTracer(runs), { sample_rate: TRACER_RATE, keep_rules: DEFAULT_KEEP_RULES });
      await sendAll(wholeClient, runs.filter((run) => !run.viaTracer).map((run) => run.trace), {});
    } finally {
      await Promise.all([tracerClient.close(), wholeClient.close()]);
    }
    report = await buildErrorReport(adminFirestore(), { window: await windowAround(), maxFailuresRead: 2000 });
  });

  it(`estimates the ${TOTAL} runs within its stated margin at 95%`, () => {
    assert.equal(report.failures, COUNTS.error + COUNTS.timeout, "failures are exact");
    assert.ok(report.estimate.margin_95 > 0, "plain successes were sampled: the estimate has an error");
    assert.match(report.estimate.label, /± margin at 95%/);
    const error = Math.abs(report.estimated_runs - TOTAL);
    assert.ok(error <= report.estimate.margin_95, `estimated ${report.estimated_runs} ± ${report.estimate.margin_95}, true ${TOTAL}`);
  });

  it("stores and weighs each run as the tracer's and the server's decisions say: the estimate and its error follow from them exactly", () => {
    const tracer = { sampler: new TraceIdRatioBasedSampler(TRACER_RATE), rules: DEFAULT_KEEP_RULES };
    let stored = 0;
    let weights = 0;
    let variance = 0;
    for (const { trace, viaTracer } of runs) {
      if (trace.status !== "success" || (viaTracer && !decideRecording(trace, tracer).store)) continue;
      const decision = decideKeep(trace, { serverRate: SERVER_RATE, serverRules: SERVER_RULES, ...(viaTracer ? { senderRate: TRACER_RATE, senderRules: DEFAULT_KEEP_RULES } : {}) });
      if (!decision.store) continue;
      const weight = runWeight("success", decision.sampleRate);
      stored++;
      weights += weight;
      variance += weight * (weight - 1);
    }
    assert.equal(report.estimate.stored_successes, stored);
    assert.equal(report.estimate.estimated_successes, Math.round(weights));
    assert.deepEqual({ standard_error: report.estimate.standard_error, margin_95: report.estimate.margin_95 }, estimateError(variance));
    // Every success whose tool failed and every slow one sent whole is kept at weight 1: the rest of the error is the sampled ones'.
    assert.ok(stored >= COUNTS.failed_tool + COUNTS.slow / 2, `stored ${stored}`);
  });

  it("sums cost like the runs: the failures exact, each stored success by its weight", () => {
    const perRun = usageCost(USAGE, DEFAULT_PRICES["gpt-4o-mini"]!);
    const runsStoodFor = report.failures + report.estimate.estimated_successes;
    assert.deepEqual(report.usage.by_skill.map(({ skill, models }) => [skill, models.map((entry) => entry.model)]), [["estimate", ["gpt-4o-mini"]]]);
    // Every weight here is 1 or 10: the sums are whole runs, and the cost is theirs to the micro-dollar.
    assert.equal(report.usage.input_tokens, runsStoodFor * USAGE.input_tokens, "tokens are weighted like the runs");
    assert.ok(Math.abs(report.usage.cost_usd! - perRun * runsStoodFor) < 1e-6, `cost ${report.usage.cost_usd}, ${runsStoodFor} runs × ${perRun}`);
    assert.deepEqual(report.usage.unpriced_models, []);
  });
});
