/**
 * axe-core on every page of the viewer: a list with runs, a list filtered to nothing, a failed run,
 * a session, the reports with their plots, a comparison and not-found. A serious or critical
 * violation fails the test, named with its rule, help and the first elements it found.
 */
import { strict as assert } from "node:assert";
import { createRequire } from "node:module";
import type { Page } from "puppeteer-core";
import type { AxeResults } from "axe-core";
import { buildErrorReport, windowStartingAt, writeErrorReport } from "@agent-traces/admin";
import { openPage, waitForReady, type BrowserPage } from "../support/browser.js";
import { adminFirestore, clearFirestore } from "../support/emulators.js";
import { minutesAfter, seedRuns, traceIdFor, type ViewerSeed } from "./fixtures.js";
import { assertHealthy, closeViewerTab, useBrowser, viewerUrl, waitForRun } from "./viewerPage.js";

const AXE_SCRIPT = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const HOUR_MS = 3_600_000;
/** A full hour that ended at least an hour ago: inside the Reports page's last 7 days. */
const WINDOW = windowStartingAt(new Date(Math.floor(Date.now() / HOUR_MS) * HOUR_MS - 2 * HOUR_MS), 1);
const SESSION = "a11y-session";

/** A success with usage in a session, a failed run (its tool failed) in the same session, a timeout and an expired success. */
const RUNS: ViewerSeed[] = [
  {
    id: traceIdFor(0xa110),
    startedAt: minutesAfter(WINDOW.start, 5),
    durationMs: 4_000,
    status: "success",
    skill: "search",
    user: "ada",
    session: SESSION,
    tools: [{ name: "web_search", offsetMs: 100, durationMs: 1_500, input: { query: "accessible charts" }, output: "3 results" }],
    usage: [{ model: "gpt-4o", input_tokens: 1_200, output_tokens: 300 }],
    feedback: { up: 1, down: 0 },
  },
  {
    id: traceIdFor(0xa111),
    startedAt: minutesAfter(WINDOW.start, 10),
    durationMs: 6_000,
    status: "error",
    skill: "search",
    user: "ada",
    session: SESSION,
    tools: [
      { name: "web_search", offsetMs: 100, durationMs: 1_000, input: { query: "contrast ratio" }, output: "2 results" },
      { name: "fetch_page", offsetMs: 1_200, durationMs: 3_000, isError: true, input: { url: "https://example.com/a" }, output: "HTTP 503" },
    ],
    error: "fetch_page failed: HTTP 503",
    usage: [{ model: "gpt-4o", input_tokens: 900, output_tokens: 0 }],
    feedback: { up: 0, down: 1 },
  },
  { id: traceIdFor(0xa112), startedAt: minutesAfter(WINDOW.start, 20), durationMs: 30_000, status: "timeout", skill: "planning", user: "bo", tools: [{ name: "plan", offsetMs: 0, durationMs: 30_000, isError: true, output: "deadline exceeded" }] },
  { id: traceIdFor(0xa113), startedAt: minutesAfter(WINDOW.start, 30), durationMs: 1_000, status: "success", skill: "planning", user: "bo", expired: true },
];
const FAILED = RUNS[1]!;

/** Impacts that fail the test. */
const BLOCKING = new Set(["serious", "critical"]);

interface Violation {
  id: string;
  impact: string;
  help: string;
  targets: string[];
  nodes: number;
}

/** Runs axe on the page (injecting it once per document) and returns its serious and critical violations. */
async function blockingViolations(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ path: AXE_SCRIPT });
  const violations = await page.evaluate(async () => {
    const { axe } = window as unknown as { axe: { run(context: Document, options: object): Promise<AxeResults> } };
    const results = await axe.run(document, { resultTypes: ["violations"] });
    return results.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact ?? "unknown",
      help: violation.help,
      targets: violation.nodes.slice(0, 3).map((node) => node.target.join(" ")),
      nodes: violation.nodes.length,
    }));
  });
  return violations.filter((violation) => BLOCKING.has(violation.impact));
}

/** Fails naming each serious or critical violation axe finds on the page as it is now. */
async function assertAccessible(page: Page): Promise<void> {
  const found = await blockingViolations(page);
  const described = found.map((v) => `  ${v.id} (${v.impact}): ${v.help}; ${v.nodes} element(s), e.g. ${v.targets.join(" | ")}`);
  assert.equal(found.length, 0, `axe found serious or critical violations on ${page.url()}:\n${described.join("\n")}`);
}

/** Moves the open app to `path` as a same-origin link does (no reload), and waits for `ready`. */
async function go(page: Page, path: string, ready: string): Promise<void> {
  await page.evaluate((target: string) => {
    history.pushState(null, "", target);
    dispatchEvent(new PopStateEvent("popstate"));
  }, path);
  await waitForReady(page, ready);
}

describe("viewer: accessibility (axe-core, no serious or critical violation)", () => {
  const viewer = useBrowser();
  let tab: BrowserPage;

  before(async function () {
    this.timeout(120_000);
    await clearFirestore();
    await seedRuns(RUNS);
    const db = adminFirestore();
    await writeErrorReport(db, await buildErrorReport(db, { window: WINDOW, maxFailuresRead: 100, now: WINDOW.end }), 90);
    // One tab for every page: the app routes between them as its links do.
    tab = await openPage(viewer.browser());
    await tab.page.goto(viewerUrl("/"));
    await waitForReady(tab.page, "list");
  });

  after(async () => {
    if (tab) await closeViewerTab(tab);
  });

  afterEach(async () => {
    await assertHealthy(tab);
  });

  it("the list of runs", async () => {
    await tab.page.waitForFunction((count: number) => document.querySelectorAll("table[data-testid=trace-list] tbody tr[data-trace-id]").length === count, { timeout: 20_000 }, RUNS.length);
    await assertAccessible(tab.page);
  });

  it("the list filtered by a tool that never failed: nothing (the server said so)", async () => {
    await go(tab.page, "/?tool=no_such_tool", "list");
    await tab.page.waitForSelector("[data-testid=empty]", { visible: true, timeout: 20_000 });
    await assertAccessible(tab.page);
  });

  it("a failed run", async () => {
    await go(tab.page, `/traces/${FAILED.id}`, "run");
    await waitForRun(tab.page, FAILED.id);
    await assertAccessible(tab.page);
  });

  it("a session", async () => {
    await go(tab.page, `/sessions/${encodeURIComponent(SESSION)}`, "session");
    await assertAccessible(tab.page);
  });

  it("the reports, with their plots", async () => {
    await go(tab.page, "/reports", "reports");
    await tab.page.waitForSelector("[data-testid=report]", { timeout: 20_000 });
    await tab.page.waitForSelector("[data-testid=plots] svg.chart", { timeout: 20_000 });
    await assertAccessible(tab.page);
  });

  it("the comparison of two runs", async () => {
    await go(tab.page, `/compare?a=${RUNS[0]!.id}&b=${FAILED.id}`, "compare");
    await tab.page.waitForSelector("[data-testid=compare] [data-testid=compare-calls]", { timeout: 20_000 });
    await assertAccessible(tab.page);
  });

  it("not found", async () => {
    await go(tab.page, "/no-such-page", "not-found");
    await assertAccessible(tab.page);
  });
});
