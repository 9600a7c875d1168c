import { strict as assert } from "node:assert";
import type { HTTPRequest, Page } from "puppeteer-core";
import { OFFLINE_TEXT } from "../../../viewer/src/view/loadState.js";
import { openPage, waitForReady, type BrowserPage } from "../support/browser.js";
import { clearFirestore } from "../support/emulators.js";
import { minutesAfter, seedRuns, traceIdFor, type SeedTool, type ViewerSeed } from "./fixtures.js";
import { CAPPED_HOUR, HOUR_MS, MISSING_HOURS, SEARCH_QUIET_HOUR, seedReportWeek, UNREADABLE_ESTIMATES_HOUR, windowOf } from "./reportFixtures.js";
import { assertHealthy, closeViewerTab, pathOf, screenshotIfAsked, useBrowser, viewerUrl, waitForListedIds } from "./viewerPage.js";

interface Row {
  start: string;
  kind: string;
  cells: string[];
}

/** The rows of a plot's table (its text equivalent): each window's start, kind (report or gap) and cells. */
function tableRows(page: Page, figure: string): Promise<Row[]> {
  return page.$$eval(`${figure} table[data-testid=plot-table] tbody tr`, (trs) =>
    trs.map((tr) => ({ start: tr.getAttribute("data-start") ?? "", kind: tr.getAttribute("data-kind") ?? "", cells: Array.from(tr.children, (cell) => (cell.textContent ?? "").trim()) })),
  );
}

const failing = (name: string): SeedTool => ({ name, offsetMs: 100, durationMs: 200, isError: true, output: `${name} refused` });

/**
 * Stores the week of reports ending at `last` (an hour's start), and runs of its last two hours where
 * a tool failed (the reports are built by hand: these are only for the failing-tool link).
 */
async function seedWeek(last: number): Promise<void> {
  await clearFirestore();
  await seedReportWeek(last);
  const hour1 = windowOf(last, 1).start;
  const hour2 = windowOf(last, 2).start;
  const runs: ViewerSeed[] = [
    { id: traceIdFor(0x9100), startedAt: minutesAfter(hour1, 10), durationMs: 1_000, status: "error", skill: "planning", user: "ann", tools: [failing("web_fetch")] },
    { id: traceIdFor(0x9101), startedAt: minutesAfter(hour1, 20), durationMs: 1_000, status: "error", skill: "planning", user: "ann", tools: [failing("db_query")] },
    { id: traceIdFor(0x9102), startedAt: minutesAfter(hour2, 20), durationMs: 1_000, status: "error", skill: "planning", user: "ann", tools: [failing("web_fetch")] },
  ];
  await seedRuns(runs);
}

/** The end of the week the page plots (its last full hour when it loaded). */
async function plottedEnd(page: Page): Promise<number> {
  await waitForReady(page, "reports");
  await page.waitForSelector("[data-testid=plots]");
  return Date.parse((await page.$eval("[data-testid=plots]", (section) => section.getAttribute("data-end"))) ?? "");
}

describe("viewer: the reports page plots the last 7 days", () => {
  const viewer = useBrowser();
  let last: number;
  let tab: BrowserPage;
  let page: Page;
  /** The table row of hour `k` (1 = the last full hour). */
  const rowOf = (rows: Row[], k: number) => {
    const start = windowOf(last, k).start.toISOString();
    const row = rows.find((entry) => entry.start === start);
    assert.ok(row, `a row for the hour starting ${start}`);
    return row;
  };

  before(async function () {
    this.timeout(300_000);
    last = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
    await seedWeek(last);
    tab = await openPage(viewer.browser());
    page = tab.page;
    await page.goto(viewerUrl("/reports"));
    // The page's week ends at the last full hour when it loads: when an hour turned since seeding, seed
    // the week ending at the page's hour and load again (once is enough: an hour does not turn twice).
    const end = await plottedEnd(page);
    if (end !== last) {
      last = end;
      await seedWeek(last);
      await page.reload();
      assert.equal(await plottedEnd(page), last, "the page plots the week the fixture seeded");
    }
  });

  after(async () => {
    if (tab) await closeViewerTab(tab);
  });

  it("says it is live and covers the week before the last full hour", async () => {
    const period = await page.$eval("[data-testid=plots]", (section) => [section.getAttribute("data-start"), section.getAttribute("data-end")]);
    assert.deepEqual(period, [new Date(last - 168 * HOUR_MS).toISOString(), new Date(last).toISOString()]);
    const state = await page.$eval("[data-testid=load-state]", (el) => [el.getAttribute("data-state"), (el.textContent ?? "").trim()]);
    assert.deepEqual(state, ["live", `● live: ${168 - MISSING_HOURS.length} reports of the last 7 days`]);
    await screenshotIfAsked(page, "reports-plots.png");
    await assertHealthy(tab);
  });

  it("plots failed runs and the error rate per hour, with a table of each hour and the hours without a report as gaps, not zeros", async () => {
    const overall = "[data-testid=plot-overall]";
    const rows = await tableRows(page, overall);
    assert.equal(rows.length, 168 - MISSING_HOURS.length + 2, "a row per report, and one per run of missing hours (5-7 and 100)");
    assert.equal(rows[0]!.start, windowOf(last, 1).start.toISOString(), "newest first");
    // Hour 1: planning's 24 errors and 1 timeout, search's 1 error, of ~200 runs ± 10.
    assert.deepEqual(rowOf(rows, 1).cells.slice(1), ["26", "25", "1", "13.0%", "12.4% – 13.7%", "~200"]);
    assert.deepEqual(rowOf(rows, 30).cells.slice(1), ["3", "2", "1", "1.5%", "1.4% – 1.6%", "~200"]);
    const gap = rowOf(rows, 7);
    assert.equal(gap.kind, "gap");
    assert.match(gap.cells[0]!, /\(3 h\)$/, "hours 5 to 7 as one 3-hour gap");
    assert.deepEqual(gap.cells.slice(1), ["no report"]);
    assert.equal(rowOf(rows, 100).kind, "gap");
    for (const k of [5, 6]) assert.equal(rows.find((row) => row.start === windowOf(last, k).start.toISOString()), undefined, `no row of its own for hour ${k}`);

    // The charts: named images, the gaps drawn (hatched, titled) in each.
    const charts = await page.$$eval(`${overall} svg.chart`, (svgs) =>
      svgs.map((svg) => ({ role: svg.getAttribute("role"), label: svg.getAttribute("aria-label") ?? "", gaps: Array.from(svg.querySelectorAll("g.gap title"), (title) => title.textContent ?? ""), bars: svg.querySelectorAll("g.bar").length, points: svg.querySelectorAll("g.point").length })),
    );
    assert.equal(charts.length, 2, "failures as bars, the error rate as a line");
    for (const chart of charts) {
      assert.equal(chart.role, "img");
      assert.equal(chart.gaps.length, 2);
      assert.match(chart.gaps.join(" | "), /^no report: [^|]+ \| no report: [^|]+\(3 h\)$/, "oldest first: hour 100, then hours 7 to 5");
    }
    assert.match(charts[0]!.label, /^Failed runs per report window: \d+ in all/);
    assert.equal(charts[0]!.bars, 168 - MISSING_HOURS.length);
    assert.equal(charts[1]!.points, 168 - MISSING_HOURS.length);
    const legend = await page.$$eval(`${overall} ul.chart-legend li`, (items) => items.map((item) => (item.textContent ?? "").trim()));
    assert.deepEqual(legend.slice(0, 2), ["Errors", "Timeouts"]);
    await assertHealthy(tab);
  });

  it("plots each skill's failures and its error rate: the report's estimate, 'no failures' (a ring at 0) in an hour without, '—' and why where there is none", async () => {
    const skills = await page.$$eval("[data-testid=plot-skill]", (figures) => figures.map((figure) => figure.getAttribute("data-skill")));
    assert.deepEqual(skills, ["planning", "search"], "most failures first");
    const planning = await tableRows(page, "[data-testid=plot-skill][data-skill=planning]");
    // A Note column: the capped hour's breakdown covers 7 of its 57 failures.
    assert.deepEqual(rowOf(planning, 1).cells.slice(1), ["25", "24", "1", "25.0%", ""]);
    assert.deepEqual(rowOf(planning, 24).cells.slice(1), ["2", "1", "1", "2.0%", ""]);
    assert.deepEqual(rowOf(planning, CAPPED_HOUR).cells.slice(1), ["6", "5", "1", "6.0%", "breakdown covers the newest 7 of 57 failures only"]);
    assert.deepEqual(rowOf(planning, UNREADABLE_ESTIMATES_HOUR).cells.slice(1), ["2", "1", "1", "— could not be read", ""]);
    assert.deepEqual(rowOf(planning, 60).cells.slice(1), ["2", "1", "1", "— older report", ""], "a report without per-skill estimates: no rate, not 0");
    const search = await tableRows(page, "[data-testid=plot-skill][data-skill=search]");
    assert.deepEqual(rowOf(search, 1).cells.slice(1), ["1", "1", "0", "1.0%", ""]);
    assert.deepEqual(rowOf(search, SEARCH_QUIET_HOUR).cells.slice(1), ["0", "0", "0", "no failures", ""], "no failed run in a report that made estimates: no failures, not —");
    assert.deepEqual(rowOf(search, 60).cells.slice(1), ["1", "1", "0", "— older report", ""]);
    assert.equal(rowOf(search, 100).kind, "gap");
    assert.equal(await page.$$eval("[data-testid=plot-skill][data-skill=planning] svg.chart", (svgs) => svgs.length), 2, "failures and error rate");

    // search's rate: a diamond for each estimate (hours 1-47 with a report, but the unreadable one), a hollow ring at 0 in its quiet hour.
    const searchRate = await page.$eval("[data-testid=plot-skill][data-skill=search]", (figure) => {
      const rate = figure.querySelectorAll("svg.chart")[1]!;
      return {
        estimates: rate.querySelectorAll("g.point:not(.other)").length,
        quiet: Array.from(rate.querySelectorAll("g.point.other title"), (title) => title.textContent ?? ""),
        legend: Array.from(figure.querySelectorAll("ul.chart-legend")[1]!.querySelectorAll("li"), (item) => (item.textContent ?? "").trim()),
      };
    });
    const estimated = Array.from({ length: 47 }, (_, index) => index + 1).filter((k) => !MISSING_HOURS.includes(k) && k !== UNREADABLE_ESTIMATES_HOUR && k !== SEARCH_QUIET_HOUR);
    assert.equal(searchRate.estimates, estimated.length);
    assert.equal(searchRate.quiet.length, 1);
    assert.match(searchRate.quiet[0]!, /: search no failures \(0 failed; runs not estimated\)$/);
    assert.deepEqual(searchRate.legend, ["Error rate (estimate)", "No failures (0; runs not estimated)"]);
    assert.match(await page.$eval("[data-testid=skills-note]", (el) => el.textContent ?? ""), /hollow ring at 0 .*1 report's breakdown covers only the newest failures it read/);
    await assertHealthy(tab);
  });

  it("plots the failing tools per hour, each linking to the runs where it failed", async () => {
    const tools = await page.$$eval("[data-testid=plot-tool]", (figures) => figures.map((figure) => figure.getAttribute("data-tool")));
    assert.deepEqual(tools, ["db_query", "web_fetch"], "most failed calls over the week first");
    const webFetch = await tableRows(page, "[data-testid=plot-tool][data-tool=web_fetch]");
    assert.deepEqual(rowOf(webFetch, 1).cells.slice(1), ["3", "2", ""]);
    assert.deepEqual(rowOf(webFetch, 13).cells.slice(1), ["0", "0", ""], "before it started failing");
    assert.deepEqual(rowOf(webFetch, CAPPED_HOUR).cells.slice(1), ["0", "0", "breakdown covers the newest 7 of 57 failures only"]);
    const href = await page.$eval("[data-testid=plot-tool][data-tool=web_fetch] a[data-testid=tool-runs-link]", (a) => a.getAttribute("href"));
    const week = new URLSearchParams({ tool: "web_fetch", from: new Date(last - 168 * HOUR_MS).toISOString(), to: new Date(last).toISOString() });
    assert.equal(href, `/?${week.toString()}`);
    await assertHealthy(tab);
  });

  it("plots tokens and cost per hour, saying which hours have no price or no usage recorded", async () => {
    const rows = await tableRows(page, "[data-testid=plot-usage]");
    assert.deepEqual(rowOf(rows, 1).cells.slice(1), ["10,001", "1,000", "$0.0500"]);
    assert.deepEqual(rowOf(rows, 2).cells.slice(1), ["10,002", "1,000", "unpriced"], "no price: never $0");
    assert.deepEqual(rowOf(rows, 165).cells.slice(1), ["not recorded", "not recorded", "not recorded"], "a report written before usage was summed");
    const gaps = await page.$$eval("[data-testid=plot-usage] svg.chart", (svgs) => svgs.map((svg) => Array.from(svg.querySelectorAll("g.gap title"), (title) => (title.textContent ?? "").replace(/:.*/, ""))));
    assert.equal(gaps.length, 2, "tokens and cost");
    const count = (titles: string[], name: string) => titles.filter((title) => title === name).length;
    assert.deepEqual([count(gaps[0]!, "no report"), count(gaps[0]!, "no usage recorded")], [2, 168 - 160 + 1], "the tokens chart: the missing reports and those without usage as gaps, not zeros");
    assert.deepEqual([count(gaps[1]!, "no usage recorded"), count(gaps[1]!, "unpriced (no model had a price)")], [168 - 160 + 1, 1], "the cost chart: also the unpriced hour");
    await assertHealthy(tab);
  });

  it("links each failing tool of a report to the list of the window's runs where it failed", async () => {
    const window = windowOf(last, 1);
    const link = `[data-testid=report][data-window-start="${window.start.toISOString()}"] [data-testid=by-tool] a[data-testid=failing-tool-link]`;
    const links = await page.$$eval(link, (anchors) => anchors.map((a) => [(a.textContent ?? "").trim(), a.getAttribute("href")]));
    const expected = new URLSearchParams({ tool: "web_fetch", from: window.start.toISOString(), to: window.end.toISOString() });
    assert.deepEqual(links[0], ["web_fetch", `/?${expected.toString()}`]);
    await page.click(`${link}[href="/?${expected.toString()}"]`);
    await page.waitForFunction(() => location.pathname === "/");
    assert.equal(pathOf(page).search, `?${expected.toString()}`);
    // The hour's run where web_fetch failed; not its run where db_query failed, nor the hour before's.
    await waitForListedIds(page, [traceIdFor(0x9100)]);
    await assertHealthy(tab);
  });

  it("offline (Firestore unreachable): says the cache answered, never 'no reports'", async function () {
    // The SDK gives up connecting after ~10 s and then answers (empty) from its cache.
    this.timeout(120_000);
    const offline = await openPage(viewer.browser());
    try {
      await offline.page.setRequestInterception(true);
      offline.page.on("request", (request: HTTPRequest) => {
        if (request.isInterceptResolutionHandled()) return;
        void (/google\.firestore\.v1\.Firestore\/(Listen|Write)/.test(request.url()) ? request.abort("connectionrefused") : request.continue());
      });
      await offline.page.goto(viewerUrl("/reports"));
      await offline.page.waitForSelector("[data-testid=load-state][data-state=offline]", { timeout: 60_000 });
      assert.equal(await offline.page.$eval("[data-testid=load-state]", (el) => (el.textContent ?? "").trim()), OFFLINE_TEXT);
      assert.equal(await offline.page.$("[data-testid=empty]"), null, "no 'no reports' while Firestore has not answered");
      assert.equal(await offline.page.$("[data-testid=plots]"), null);
      assert.notEqual(await offline.page.evaluate(() => document.body.dataset.ready), "reports", "not ready: an empty answer from the cache is no answer");
      assert.deepEqual(
        offline.problems.filter((problem) => problem.kind === "pageerror"),
        [],
        "no uncaught error (console errors about the refused requests are expected)",
      );
    } finally {
      await offline.close();
    }
  });
});
