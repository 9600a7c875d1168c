import { strict as assert } from "node:assert";
import { buildErrorReport, windowStartingAt, writeErrorReport, type ReportWindow, type TraceErrorReport } from "@agent-traces/admin";
import { adminFirestore, clearFirestore } from "../support/emulators.js";
import { seedFeedback, type SeedFeedback } from "../support/seedFeedback.js";
import { expectedIds, listQueryOf, minutesAfter, seedRuns, traceIdFor, type Status, type ViewerSeed } from "./fixtures.js";
import { assertHealthy, pathOf, useBrowser, waitForListedIds } from "./viewerPage.js";

const HOUR_MS = 3_600_000;
/** Hours ago (the page shows the reports of the last 7 days): `hours` before the current hour's start. */
const hoursBack = (hours: number) => new Date(Math.floor(Date.now() / HOUR_MS) * HOUR_MS - hours * HOUR_MS);
const WINDOW = windowStartingAt(hoursBack(3), 1);
const PREVIOUS = windowStartingAt(hoursBack(4), 1);

let next = 0;
/** `count` runs of `status` in `window`, started (and received, a second later) well inside it. */
function runsIn(window: ReportWindow, count: number, status: Status, skill: string, extra: Partial<ViewerSeed> = {}): ViewerSeed[] {
  return Array.from({ length: count }, (_, i) => ({
    id: traceIdFor(0x5000 + next),
    // A minute apart from every other run (no ties), from 2 minutes into the window.
    startedAt: minutesAfter(window.start, 2 + (next++ % 50)),
    durationMs: 1_000,
    status,
    skill,
    user: `user-${i % 3}`,
    sampleRate: 0.1,
    ...(status === "error" ? { error: `boom ${i}` } : {}),
    ...extra,
  }));
}

/**
 * The window: 6 errors and 4 timeouts, 9 successes kept at rate 0.1 (standing for 90): 10 failures
 * of ~100 runs, 10.0 %. The hour before: 4 errors and 6 successes (60): 4 of ~64, 6.25 %. The
 * window's successes used 100 input and 10 output tokens of gpt-4o each: ~9,000 and ~900 over the 90
 * runs, at $2.50 and $10 per million $0.0315; its planning errors 50 and 5 of in-house-llm each
 * (exact: 100 and 10), which has no price.
 */
const RUNS: ViewerSeed[] = [
  ...runsIn(WINDOW, 4, "error", "search"),
  ...runsIn(WINDOW, 2, "error", "planning", { usage: [{ model: "in-house-llm", input_tokens: 50, output_tokens: 5 }] }),
  ...runsIn(WINDOW, 1, "timeout", "search"),
  ...runsIn(WINDOW, 3, "timeout", "planning"),
  ...runsIn(WINDOW, 9, "success", "search", { usage: [{ model: "gpt-4o", input_tokens: 100, output_tokens: 10 }] }),
  ...runsIn(PREVIOUS, 4, "error", "planning"),
  ...runsIn(PREVIOUS, 6, "success", "planning"),
];

/**
 * Ratings given in the window: thumbs-down on search ×2, planning ×1 and answer ×2 (a skill without
 * failures), and a thumbs-up (not counted); none in the hour before.
 */
const RATINGS: SeedFeedback[] = [
  ["search", "down", 5],
  ["search", "down", 6],
  ["planning", "down", 7],
  ["answer", "down", 8],
  ["answer", "down", 9],
  ["planning", "up", 10],
].map(([skill, rating, minutes], index) => ({
  traceId: traceIdFor(0x6000 + index),
  ratedBy: `rater-${index}`,
  rating: rating as "up" | "down",
  skill: skill as string,
  updatedAt: minutesAfter(WINDOW.start, minutes as number),
}));

describe("viewer: the reports page", () => {
  const viewer = useBrowser();
  let current: TraceErrorReport;
  let previous: TraceErrorReport;

  before(async () => {
    await clearFirestore();
    await seedRuns(RUNS);
    await seedFeedback(RATINGS);
    const db = adminFirestore();
    // The reports exactly as the scheduled function writes them.
    for (const window of [PREVIOUS, WINDOW]) {
      const report = await buildErrorReport(db, { window, maxFailuresRead: 1_000, now: window.end });
      await writeErrorReport(db, report, 90);
      if (window === WINDOW) current = report;
      else previous = report;
    }
    // The workload is what the assertions below read off the page.
    assert.deepEqual([current.failures, current.errors, current.timeouts, current.estimated_runs, current.estimated_error_rate], [10, 6, 4, 100, 0.1]);
    assert.deepEqual([current.change.failures, current.change.failures_percent, current.change.error_rate_points], [6, 150, 3.75]);
    assert.deepEqual([previous.failures, previous.estimated_runs, previous.estimated_error_rate, previous.change.failures_percent], [4, 64, 0.0625, null]);
    assert.deepEqual([current.negative_feedback.ratings, previous.negative_feedback.ratings], [5, 0]);
  });

  it("lists the reports newest first with their failures, error rate and change", async () => {
    const tab = await viewer.open("/reports", "reports");
    const { page } = tab;
    const reports = await page.$$eval("[data-testid=report]", (sections) =>
      sections.map((section) => ({
        windowStart: section.getAttribute("data-window-start"),
        failures: (section.querySelector("[data-field=failures]")?.textContent ?? "").trim(),
        errorRate: (section.querySelector("[data-field=error-rate]")?.textContent ?? "").trim(),
        change: (section.querySelector("[data-field=change]")?.textContent ?? "").trim(),
      })),
    );
    assert.deepEqual(
      reports.map((report) => report.windowStart),
      [WINDOW.start.toISOString(), PREVIOUS.start.toISOString()],
      "newest window first",
    );
    const [now, before] = reports;
    assert.match(now!.failures, /^10\b/, "10 failed runs");
    assert.match(now!.failures, /\b6 errors?\b.*\b4 timeouts?\b/);
    assert.match(now!.errorRate, /^10(\.0+)?\s?%/, "an error rate of 10 %");
    assert.match(now!.change, /^\+6\b/, "6 more failures than the hour before");
    assert.match(now!.change, /\+150(\.0+)?\s?%/);
    assert.match(now!.change, /\+3\.75\b/, "the error rate rose 3.75 points");
    assert.match(before!.failures, /^4\b/);
    assert.match(before!.errorRate, /^6\.(3|25)\s?%/);
    assert.match(before!.change, /^\+4\b/);
    await assertHealthy(tab);
  });

  it("shows the window's token usage and cost per skill and model, as an estimate, unpriced models named, and none for a window without", async () => {
    const tab = await viewer.open("/reports", "reports");
    const { page } = tab;
    const section = (window: ReportWindow) => `[data-testid=report][data-window-start="${window.start.toISOString()}"]`;
    const text = (selector: string) => page.$eval(selector, (element) => (element.textContent ?? "").trim());
    assert.equal(await text(`${section(WINDOW)} [data-field=tokens]`), "9,100 in / 910 out (estimate)");
    assert.equal(await text(`${section(WINDOW)} [data-field=cost]`), "$0.0315 + unpriced (estimate); no price for in-house-llm (left out of the cost, not counted as free)");
    const table = await page.$$eval(`${section(WINDOW)} [data-testid=usage] tr`, (trs) => trs.map((tr) => Array.from(tr.children, (cell) => (cell.textContent ?? "").trim())));
    assert.deepEqual(table, [
      ["Skill", "Input tokens", "Output tokens", "Cost", "By model (in / out, cost)"],
      ["search", "9,000", "900", "$0.0315", "gpt-4o 9,000 / 900 ($0.0315)"],
      ["planning", "100", "10", "unpriced", "in-house-llm 100 / 10 (unpriced)"],
    ]);
    assert.equal(await page.$(`${section(PREVIOUS)} [data-field=tokens]`), null);
    assert.equal(await page.$(`${section(PREVIOUS)} [data-field=cost]`), null);
    assert.equal(await page.$(`${section(PREVIOUS)} [data-testid=usage]`), null);
    await assertHealthy(tab);
  });

  it("shows the margin of the estimated runs at 95%", async () => {
    // 9 stored successes of weight 10, each adding 10 × 9 to the variance: a standard error of sqrt(810).
    assert.equal(current.estimate.margin_95, Math.round(1.96 * Math.sqrt(810) * 10) / 10);
    assert.equal(previous.estimate.margin_95, Math.round(1.96 * Math.sqrt(6 * 90) * 10) / 10);
    const tab = await viewer.open("/reports", "reports");
    const { page } = tab;
    const margin = (window: ReportWindow) => page.$eval(`[data-testid=report][data-window-start="${window.start.toISOString()}"] [data-field=error-rate]`, (dd) => (dd.textContent ?? "").trim());
    assert.equal(await margin(WINDOW), `10.0% of ~100 runs ± ${current.estimate.margin_95} runs at 95% (estimate)`);
    assert.equal(await margin(PREVIOUS), `6.3% of ~64 runs ± ${previous.estimate.margin_95} runs at 95% (estimate)`);
    await assertHealthy(tab);
  });

  it("links each report to the list of its failed runs", async () => {
    const tab = await viewer.open("/reports", "reports");
    const { page } = tab;
    const href = await page.$eval(`[data-testid=report][data-window-start="${WINDOW.start.toISOString()}"] a[data-testid=report-link]`, (a) => a.getAttribute("href")!);
    const link = new URL(href, page.url());
    const query = listQueryOf(link.search);
    assert.equal(link.pathname, "/");
    assert.equal(Date.parse(query.from!), WINDOW.start.getTime(), "from the window's start");
    assert.equal(Date.parse(query.to!), WINDOW.end.getTime(), "to the window's end");
    assert.ok(query.status === "error" || query.status === "timeout", `filtered to failures: status=${query.status}`);

    await page.click(`[data-testid=report][data-window-start="${WINDOW.start.toISOString()}"] a[data-testid=report-link]`);
    await page.waitForFunction(() => location.pathname === "/");
    assert.equal(pathOf(page).search, link.search);
    const expected = expectedIds(RUNS, query);
    assert.equal(expected.length, query.status === "error" ? 6 : 4, "exactly the window's failures of that status");
    await waitForListedIds(page, expected);
    await assertHealthy(tab);
  });

  it("shows the window's thumbs-down ratings, in all and per skill beside the failures", async () => {
    const tab = await viewer.open("/reports", "reports");
    const { page } = tab;
    const section = (window: ReportWindow) => `[data-testid=report][data-window-start="${window.start.toISOString()}"]`;
    const text = (selector: string) => page.$eval(selector, (element) => (element.textContent ?? "").trim());
    assert.match(await text(`${section(WINDOW)} [data-field=negative-feedback]`), /^5 thumbs-down ratings\b/);
    assert.match(await text(`${section(PREVIOUS)} [data-field=negative-feedback]`), /^0 thumbs-down ratings\b/);
    const table = (window: ReportWindow) =>
      page.$$eval(`${section(window)} [data-testid=by-skill] tr`, (trs) => trs.map((tr) => Array.from(tr.children, (cell) => (cell.textContent ?? "").trim())));
    assert.deepEqual(await table(WINDOW), [
      ["Skill", "Errors", "Timeouts", "Thumbs-down"],
      ["search", "4", "1", "2"],
      ["planning", "2", "3", "1"],
      ["answer", "0", "0", "2"],
    ]);
    assert.deepEqual(await table(PREVIOUS), [
      ["Skill", "Errors", "Timeouts", "Thumbs-down"],
      ["planning", "4", "0", "0"],
    ]);
    await assertHealthy(tab);
  });

  it("shows a report stored before ratings were counted without them", async () => {
    const older = windowStartingAt(new Date(PREVIOUS.start.getTime() - HOUR_MS), 1);
    const report = await buildErrorReport(adminFirestore(), { window: older, maxFailuresRead: 1_000, now: older.end });
    const { negative_feedback: _none, ...stored } = { ...report, by_skill: [{ skill: "planning", errors: 1, timeouts: 0 }] };
    await writeErrorReport(adminFirestore(), stored as unknown as TraceErrorReport, 90);
    const tab = await viewer.open("/reports", "reports");
    const { page } = tab;
    const section = `[data-testid=report][data-window-start="${older.start.toISOString()}"]`;
    await page.waitForSelector(section);
    assert.equal(await page.$(`${section} [data-field=negative-feedback]`), null);
    const header = await page.$$eval(`${section} [data-testid=by-skill] th`, (ths) => ths.map((th) => (th.textContent ?? "").trim()));
    assert.deepEqual(header, ["Skill", "Errors", "Timeouts"]);
    await assertHealthy(tab);
  });
});
