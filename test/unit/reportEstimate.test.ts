import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { estimateError, SKILL_ESTIMATES, skillEstimate, skillEstimatesReport, skillsToEstimate, type SkillBreakdown } from "@agent-traces/admin";
import { decideRecording, DEFAULT_KEEP_RULES, runWeight, TraceIdRatioBasedSampler, type KeepRules, type RecordingFacts } from "@agent-traces/core";
import { decideKeep } from "../../functions/src/recordTrace/keepDecision.js";

/** The server's rules in this population: the defaults and a slow threshold (as functions/.env.demo-agent-traces sets). */
const SERVER_RULES: KeepRules = { ...DEFAULT_KEEP_RULES, slower_than_ms: 30_000 };
const RATE = 0.1;
const START = "2026-12-01T10:00:00.000Z";

type Kind = "error" | "timeout" | "failed_tool" | "slow" | "plain";
/** A run and how it reached the server: sent by a tracer sampling at RATE with the default rules, or sent whole (no sample_rate). */
interface Run {
  facts: RecordingFacts;
  viaTracer: boolean;
}

/** 32 hex digits, fixed by (seed, index): the same population every run. */
function traceId(seed: number, index: number): string {
  return createHash("sha256").update(`report-estimate:${seed}:${index}`).digest("hex").slice(0, 32);
}

function facts(kind: Kind, id: string): RecordingFacts {
  const endedAt = kind === "slow" ? "2026-12-01T10:00:45.000Z" : "2026-12-01T10:00:02.000Z";
  const status = kind === "error" || kind === "timeout" ? kind : "success";
  return { trace_id: id, status, started_at: START, ended_at: endedAt, tool_traces: [{ is_error: kind === "failed_tool" }] };
}

/** The mixed population of the integration test's kind: failures, successes whose tool failed, slow ones and plain ones, half of each sent through a tracer. */
function population(seed: number, counts: Record<Kind, number>): Run[] {
  const runs: Run[] = [];
  for (const [kind, count] of Object.entries(counts) as [Kind, number][]) {
    for (let index = 0; index < count; index++) runs.push({ facts: facts(kind, traceId(seed, runs.length)), viaTracer: index % 2 === 0 });
  }
  return runs;
}

/**
 * What the report computes for a population after the tracer's and the server's decisions: failures
 * (exact), the stored successes' summed weight and weight_variance (as the server stores them), the
 * estimated runs and the margin.
 */
function estimate(runs: readonly Run[]): { truth: number; estimatedRuns: number; margin: number; storedSuccesses: number } {
  const tracer = { sampler: new TraceIdRatioBasedSampler(RATE), rules: DEFAULT_KEEP_RULES };
  let failures = 0;
  let weights = 0;
  let variance = 0;
  let storedSuccesses = 0;
  for (const { facts: run, viaTracer } of runs) {
    // A tracer sends only what it keeps, with its rate and rules.
    if (viaTracer && !decideRecording(run, tracer).store) continue;
    const decision = decideKeep(run, { serverRate: RATE, serverRules: SERVER_RULES, ...(viaTracer ? { senderRate: RATE, senderRules: DEFAULT_KEEP_RULES } : {}) });
    if (!decision.store) continue;
    if (run.status !== "success") {
      failures++;
      continue;
    }
    const weight = runWeight(run.status, decision.sampleRate);
    storedSuccesses++;
    weights += weight;
    variance += weight * (weight - 1);
  }
  return { truth: runs.length, estimatedRuns: failures + Math.round(weights), margin: estimateError(variance).margin_95, storedSuccesses };
}

describe("report: the estimate's margin at 95%", () => {
  const counts: Record<Kind, number> = { error: 15, timeout: 5, failed_tool: 30, slow: 20, plain: 300 };

  it("is 1.96 standard errors, the standard error the square root of the summed weight × (weight − 1)", () => {
    assert.deepEqual(estimateError(0), { standard_error: 0, margin_95: 0 });
    assert.deepEqual(estimateError(31 * 90), { standard_error: 52.8, margin_95: 103.5 });
    assert.deepEqual(estimateError(-1e-12), { standard_error: 0, margin_95: 0 }, "float noise below 0 is 0");
  });

  it("keeps every failure, every success whose tool failed and every slow run sent whole, at weight 1", () => {
    const runs = population(1, { ...counts, plain: 0 });
    // Only the slow runs a tracer sent are random: its sampler at 0.1 decides them (the tracer has no slow rule).
    const tracerSlow = runs.filter((run) => run.viaTracer && run.facts.ended_at!.endsWith("45.000Z"));
    const kept = tracerSlow.filter((run) => new TraceIdRatioBasedSampler(RATE).shouldSample(run.facts.trace_id)).length;
    const { estimatedRuns, storedSuccesses } = estimate(runs);
    assert.equal(storedSuccesses, 30 + 10 + kept);
    assert.equal(estimatedRuns, 20 + 30 + 10 + kept * 10);
  });

  it("covers the true number of runs in about 95% of 400 seeded populations (each of 370 runs)", () => {
    const results = Array.from({ length: 400 }, (_, seed) => estimate(population(seed, counts)));
    const covered = results.filter(({ truth, estimatedRuns, margin }) => Math.abs(estimatedRuns - truth) <= margin).length;
    const share = covered / results.length;
    assert.ok(share >= 0.9 && share <= 0.99, `covered ${covered} of ${results.length}`);
    // The estimate is unbiased: its mean over the populations is near the truth (370), within 3 of its standard errors over 400.
    const mean = results.reduce((sum, { estimatedRuns }) => sum + estimatedRuns, 0) / results.length;
    assert.ok(Math.abs(mean - 370) < 3 * (Math.sqrt(310 * 0.9 / 0.1) / Math.sqrt(400)), `mean estimate ${mean}`);
  });

  it("would catch a margin that ignores the weights: 1.96 × sqrt(stored successes) covers far less", () => {
    const results = Array.from({ length: 400 }, (_, seed) => estimate(population(seed, counts)));
    const covered = results.filter(({ truth, estimatedRuns, storedSuccesses }) => Math.abs(estimatedRuns - truth) <= 1.96 * Math.sqrt(storedSuccesses)).length;
    assert.ok(covered / results.length < 0.5, `covered ${covered} of ${results.length}`);
  });
});

describe("report: the per-skill estimate", () => {
  const entry = (skill: string, errors: number, timeouts = 0, negative = 0): SkillBreakdown => ({ skill, errors, timeouts, negative_feedback: negative });

  it("is the skill's exact failures plus its successes' summed weight, rounded, and their error rate to 4 digits", () => {
    assert.deepEqual(skillEstimate(3, 26.6), { estimated_runs: 30, estimated_error_rate: 0.1 });
    assert.deepEqual(skillEstimate(1, 2), { estimated_runs: 3, estimated_error_rate: 0.3333 });
    assert.deepEqual(skillEstimate(0, 0), { estimated_runs: 0, estimated_error_rate: null });
    assert.deepEqual(skillEstimate(0, 10), { estimated_runs: 10, estimated_error_rate: 0 });
  });

  it(`is made for the ${SKILL_ESTIMATES} skills with the most failures, in the breakdown's order, never for one with ratings only`, () => {
    const bySkill = [...Array.from({ length: SKILL_ESTIMATES + 2 }, (_, index) => entry(`s${index}`, 20 - index)), entry("rated-only", 0, 0, 5)];
    assert.deepEqual(skillsToEstimate(bySkill), bySkill.slice(0, SKILL_ESTIMATES).map((line) => line.skill));
    assert.deepEqual(skillsToEstimate([entry("rated-only", 0, 0, 3), entry("timeouts", 0, 2)]), ["timeouts"]);
    assert.deepEqual(skillsToEstimate([]), []);
  });

  it("is marked in the report: how many skills were estimated, or null with the error's first line when they could not be read", () => {
    const made = skillEstimatesReport({ ok: true, skills: 3 });
    assert.deepEqual([made.skills, made.max_skills], [3, SKILL_ESTIMATES]);
    assert.match(made.label, new RegExp(`^Estimate per skill, .* for the ${SKILL_ESTIMATES} skills with the most failures at most`));
    assert.deepEqual(skillEstimatesReport({ ok: true, skills: 0 }).skills, 0, "a window without failures: made, for no skill");
    const failed = skillEstimatesReport({ ok: false, error: new Error(`9 FAILED_PRECONDITION: The query requires an index.\n${"x".repeat(300)}`) });
    assert.deepEqual(failed, { label: "Per-skill estimates could not be read (9 FAILED_PRECONDITION: The query requires an index.)", skills: null, max_skills: SKILL_ESTIMATES });
    assert.equal(skillEstimatesReport({ ok: false, error: "unavailable" }).label, "Per-skill estimates could not be read (unavailable)");
  });
});
