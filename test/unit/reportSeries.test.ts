import { strict as assert } from "node:assert";
import { dayStarts, niceTop } from "../../viewer/src/view/charts.js";
import { HOUR_MS as HOUR } from "@agent-traces/core";
import { hourStart, OTHER_SKILLS_SERIES, OTHER_TOOLS_SERIES, rateRange, reportSeries, SKILLS_SHOWN, TOOLS_SHOWN, type ReportSlot, type SeriesReport } from "../../viewer/src/view/reportSeries.js";
import { skillRateText, slotCostText, spanText } from "../../viewer/src/view/reportView.js";

/** Half past an hour: the last full hour ends at LAST. */
const NOW = Date.parse("2026-12-03T12:30:00.000Z");
const LAST = Date.parse("2026-12-03T12:00:00.000Z");
const WEEK_START = LAST - 7 * 24 * HOUR;

/** A stored report of the window [start, start + hours), with `failures` errors and nothing else unless given. */
function report(start: number, fields: Partial<SeriesReport> = {}, hours = 1): SeriesReport {
  const errors = fields.errors ?? fields.failures ?? 0;
  const timeouts = fields.timeouts ?? 0;
  return {
    window_start: new Date(start).toISOString(),
    window_end: new Date(start + hours * HOUR).toISOString(),
    failures: errors + timeouts,
    errors,
    timeouts,
    estimated_runs: 100,
    estimated_error_rate: (errors + timeouts) / 100,
    by_skill: [],
    by_tool: [],
    ...fields,
  };
}

const reports = (series: ReturnType<typeof reportSeries>) => series.slots.filter((slot): slot is ReportSlot => slot.kind === "report");

describe("viewer report series", () => {
  it("covers the 7 days before the last full hour: each report's window, and the hours without one as gaps (merged), not zeros", () => {
    const series = reportSeries([report(LAST - 2 * HOUR, { errors: 3 }), report(LAST - 5 * HOUR, { errors: 1 }), report(LAST - 4 * HOUR, { errors: 0 })], NOW);
    assert.equal(series.start, WEEK_START);
    assert.equal(series.end, LAST);
    assert.equal(hourStart(NOW), LAST);
    assert.deepEqual(
      series.slots.map((slot) => [slot.kind, (slot.start - LAST) / HOUR, (slot.end - LAST) / HOUR, slot.kind === "report" ? slot.failures : null]),
      [
        ["gap", -168, -5, null],
        ["report", -5, -4, 1],
        ["report", -4, -3, 0],
        ["gap", -3, -2, null],
        ["report", -2, -1, 3],
        ["gap", -1, 0, null],
      ],
    );
  });

  it("ignores reports outside the period, keeps a longer window as one point, and leaves out one that overlaps an earlier window", () => {
    const series = reportSeries(
      [
        report(WEEK_START - HOUR, { errors: 9 }), // before the period
        report(WEEK_START, { errors: 2 }, 3),
        report(WEEK_START + HOUR, { errors: 5 }), // inside the 3-hour window above
        report(WEEK_START + 3 * HOUR, { errors: 1 }),
      ],
      NOW,
    );
    assert.equal(series.overlapping, 1);
    assert.deepEqual(
      series.slots.map((slot) => [slot.kind, (slot.start - WEEK_START) / HOUR, (slot.end - WEEK_START) / HOUR]),
      [
        ["report", 0, 3],
        ["report", 3, 4],
        ["gap", 4, 168],
      ],
    );
    assert.deepEqual(reportSeries([], NOW).slots, [{ kind: "gap", start: WEEK_START, end: LAST }], "no report: one gap over the week");
  });

  it("gives the overall error rate with the range its margin implies, none without a margin", () => {
    const [withMargin, without] = reports(
      reportSeries([report(LAST - 2 * HOUR, { errors: 10, estimated_runs: 100, estimated_error_rate: 0.1, estimate: { margin_95: 20 } }), report(LAST - HOUR, { errors: 10 })], NOW),
    );
    assert.equal(withMargin!.errorRate, 0.1);
    assert.equal(withMargin!.marginRuns, 20);
    assert.deepEqual(withMargin!.errorRateRange, { low: 10 / 120, high: 10 / 80 });
    assert.equal(without!.errorRateRange, undefined);
    assert.deepEqual(rateRange(10, 12, 5), { low: 10 / 17, high: 1 }, "never fewer runs than failures");
    assert.equal(rateRange(0, 100, 5), undefined);
    assert.equal(rateRange(3, null, 5), undefined);
  });

  it("has a series for each skill with the most failures over the period, the rest summed, each rate where the report carries one", () => {
    const skills = Array.from({ length: SKILLS_SHOWN + 2 }, (_, index) => `skill-${index}`);
    const first = report(LAST - 3 * HOUR, {
      errors: 30,
      // skill-i has SKILLS_SHOWN + 2 - i failures: skill-0 most.
      by_skill: skills.map((skill, index) => ({ skill, errors: skills.length - index, timeouts: 0, ...(index === 0 ? { estimated_runs: 40, estimated_error_rate: 0.2 } : {}) })),
    });
    const second = report(LAST - 2 * HOUR, {
      errors: 2,
      timeouts: 1,
      by_skill: [
        { skill: "skill-1", errors: 0, timeouts: 1, estimated_runs: 10, estimated_error_rate: null },
        { skill: "skill-7", errors: 2, timeouts: 0 },
        { skill: "thumbs-only", errors: 0, timeouts: 0 },
      ],
    });
    const series = reportSeries([first, second], NOW);
    assert.deepEqual(series.skills, [...skills.slice(0, SKILLS_SHOWN), OTHER_SKILLS_SERIES]);
    const [one, two] = reports(series);
    assert.deepEqual(one!.skills["skill-0"], { failures: 8, errors: 8, timeouts: 0, rate: { kind: "estimate", rate: 0.2 } });
    assert.deepEqual(one!.skills["skill-1"], { failures: 7, errors: 7, timeouts: 0, rate: { kind: "none", reason: "beyond-cap" } }, "failed, not estimated where another skill was: beyond the cap");
    assert.deepEqual(one!.skills[OTHER_SKILLS_SERIES], { failures: 2 + 1, errors: 3, timeouts: 0, rate: { kind: "none", reason: "summed" } });
    assert.deepEqual(two!.skills["skill-0"], { failures: 0, errors: 0, timeouts: 0, rate: { kind: "no-failures" } }, "absent from a report that made estimates: no failures in it");
    assert.deepEqual(two!.skills["skill-1"], { failures: 1, errors: 0, timeouts: 1, rate: { kind: "none", reason: "no-runs" } });
    assert.deepEqual(two!.skills[OTHER_SKILLS_SERIES], { failures: 2, errors: 2, timeouts: 0, rate: { kind: "none", reason: "summed" } });
    assert.equal(two!.skills["thumbs-only"], undefined);

    const few = reportSeries([report(LAST - HOUR, { errors: 1, by_skill: [{ skill: "a", errors: 1, timeouts: 0 }, { skill: "b", errors: 0, timeouts: 0 }] })], NOW);
    assert.deepEqual(few.skills, ["a"], "no other-skills series when all fit; none for a skill without failures");
  });

  it("says why a skill has no rate: an older report, estimates that could not be read, beyond the cap, not among the failures read; and 'no failures' where estimates were made", () => {
    const skill = (name: string, errors: number, estimate?: number) => ({ skill: name, errors, timeouts: 0, ...(estimate === undefined ? {} : { estimated_runs: 100, estimated_error_rate: estimate }) });
    const hours = [
      // Before per-skill estimates: neither a marker nor any estimate.
      report(LAST - 6 * HOUR, { errors: 2, by_skill: [skill("a", 2)] }),
      // The marker says the estimates could not be read.
      report(LAST - 5 * HOUR, { errors: 2, by_skill: [skill("a", 2)], skill_estimates: { skills: null } }),
      // Estimated; b failed beyond the cap; c had no failure.
      report(LAST - 4 * HOUR, { errors: 3, by_skill: [skill("a", 2, 0.02), skill("b", 1)], skill_estimates: { skills: 1 } }),
      // Estimated (no marker: written before it), c had no failure.
      report(LAST - 3 * HOUR, { errors: 1, by_skill: [skill("a", 1, 0.01)] }),
      // Estimated, nothing failed at all: every skill "no failures".
      report(LAST - 2 * HOUR, { errors: 0, by_skill: [], skill_estimates: { skills: 0 } }),
      // The failures read were capped: a skill absent from them is not known to have none.
      report(LAST - HOUR, { errors: 900, by_skill: [skill("a", 500, 0.5)], skill_estimates: { skills: 1 }, truncated: true }),
      report(LAST - 8 * HOUR, { errors: 9, by_skill: [skill("c", 9, 0.09)], skill_estimates: { skills: 1 } }),
    ];
    const series = reportSeries(hours, NOW);
    assert.deepEqual(series.skills, ["a", "c", "b"]);
    const rates = (name: string) => reports(series).map((slot) => skillRateText(slot.skills[name]!.rate));
    assert.deepEqual(rates("a"), ["no failures", "— older report", "— could not be read", "2.0%", "1.0%", "no failures", "50.0%"]);
    assert.deepEqual(rates("b"), ["no failures", "— older report", "— could not be read", "— beyond the cap", "no failures", "no failures", "— not in the failures read"]);
    assert.deepEqual(rates("c"), ["9.0%", "— older report", "— could not be read", "no failures", "no failures", "no failures", "— not in the failures read"]);
    const failures = (name: string) => reports(series).map((slot) => slot.skills[name]!.failures);
    assert.deepEqual(failures("b"), [0, 0, 0, 1, 0, 0, 0], "no failures is a 0 bar, not a gap");

    const capped = reports(series).at(-1)!;
    assert.deepEqual([capped.truncated, capped.failuresRead, capped.failures], [true, 500, 900], "the breakdown covers the 500 failures read of 900");
    assert.deepEqual([reports(series)[0]!.truncated, reports(series)[0]!.failuresRead], [false, 9]);
  });

  it("has a series for each tool with the most failed calls, the rest summed", () => {
    const tools = Array.from({ length: TOOLS_SHOWN + 1 }, (_, index) => ({ tool: `tool-${index}`, failed_calls: 20 - index, runs: 1 }));
    const series = reportSeries([report(LAST - 2 * HOUR, { by_tool: tools }), report(LAST - HOUR, { by_tool: [{ tool: "tool-6", failed_calls: 30, runs: 4 }] })], NOW);
    assert.deepEqual(series.tools, ["tool-6", ...tools.slice(0, TOOLS_SHOWN - 1).map((entry) => entry.tool), OTHER_TOOLS_SERIES]);
    const [one, two] = reports(series);
    assert.deepEqual(one!.tools["tool-6"], { failedCalls: 14, runs: 1 });
    assert.deepEqual(one!.tools[OTHER_TOOLS_SERIES], { failedCalls: 15, runs: 1 }, "tool-5 summed");
    assert.deepEqual(two!.tools["tool-0"], { failedCalls: 0, runs: 0 });
    assert.deepEqual(two!.tools["tool-6"], { failedCalls: 30, runs: 4 });
  });

  it("gives tokens and cost, saying when a report has none recorded or no price, never $0", () => {
    const series = reportSeries(
      [
        report(LAST - 4 * HOUR),
        report(LAST - 3 * HOUR, { usage: { input_tokens: 100, output_tokens: 10 } }),
        report(LAST - 2 * HOUR, { usage: { input_tokens: 100, output_tokens: 10, cost_usd: null, unpriced_models: ["in-house"] } }),
        report(LAST - HOUR, { usage: { input_tokens: 9100, output_tokens: 910, cost_usd: 0.0315, unpriced_models: ["in-house"] } }),
      ],
      NOW,
    );
    const usage = reports(series).map((slot) => slot.usage);
    assert.deepEqual(usage, [
      undefined,
      { input: 100, output: 10, costUsd: undefined, unpriced: [] },
      { input: 100, output: 10, costUsd: null, unpriced: ["in-house"] },
      { input: 9100, output: 910, costUsd: 0.0315, unpriced: ["in-house"] },
    ]);
    assert.deepEqual(usage.map(slotCostText), ["not recorded", "not recorded", "unpriced", "$0.0315 + unpriced"]);
  });

  it("writes a span as an hour, or with its end when longer", () => {
    const start = new Date(2026, 11, 3, 10).getTime();
    assert.equal(spanText({ start, end: start + HOUR }), "2026-12-03 10:00");
    assert.equal(spanText({ start, end: start + 3 * HOUR }), "2026-12-03 10:00 → 13:00 (3 h)");
    assert.equal(spanText({ start, end: start + 26 * HOUR }), "2026-12-03 10:00 → 2026-12-04 12:00 (26 h)");
  });

  it("chart axes: a round top and the local midnights of the span", () => {
    assert.deepEqual([0, 0.03, 7, 12, 100, 101].map(niceTop), [1, 0.05, 10, 20, 100, 200]);
    assert.deepEqual([2.2, 24].map(niceTop), [2.5, 25]);
    const start = new Date(2026, 11, 1, 10).getTime();
    assert.deepEqual(dayStarts({ start, end: start + 48 * HOUR }), [new Date(2026, 11, 2).getTime(), new Date(2026, 11, 3).getTime()]);
  });
});
