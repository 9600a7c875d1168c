/** Opening the viewer served by the Hosting emulator (`VIEWER_URL`) and reading its DOM contract. */
import { strict as assert } from "node:assert";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "puppeteer-core";
import { launchBrowser, openPage, waitForReady, type BrowserPage, type OpenPageOptions } from "../support/browser.js";

export const ROWS = "table[data-testid=trace-list] tbody tr[data-trace-id]";

/** Where the stack's Hosting emulator serves the viewer. */
export function viewerUrl(path = "/"): string {
  const base = process.env.VIEWER_URL;
  if (!base) throw new Error("VIEWER_URL is unset: run the viewer tests through `tsx scripts/stack.ts exec`, which serves the viewer.");
  return new URL(path, base).href;
}

/**
 * One browser for a describe block, and every page it opens closed after each test (pages of a
 * test that failed early included).
 */
export function useBrowser(): { browser(): Browser; open(path: string, ready: string, options?: OpenPageOptions): Promise<BrowserPage> } {
  let browser: Browser | undefined;
  const open: BrowserPage[] = [];
  before(async function () {
    this.timeout(60_000);
    browser = await launchBrowser();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((tab) => closeViewerTab(tab)));
  });
  after(async () => {
    await browser?.close();
  });
  return {
    browser: () => browser!,
    /** Opens `path` of the viewer in a fresh page and waits for `data-ready` to be `ready`. */
    async open(path, ready, options) {
      const tab = await openPage(browser!, options);
      open.push(tab);
      await tab.page.goto(viewerUrl(path));
      await waitForReady(tab.page, ready);
      return tab;
    },
  };
}

/**
 * Closes a viewer page after ending its Firestore listeners. The Firestore emulator keeps the listen
 * targets of a closed page for minutes and re-runs their queries on every write: a few left behind
 * make seeding 10-20 times slower. Routing the app to a page without listeners (as the browser's
 * back button would) makes it unsubscribe; the unlisten request is awaited before the page goes.
 */
export async function closeViewerTab(tab: BrowserPage): Promise<void> {
  const { page } = tab;
  try {
    if (!page.isClosed() && page.url().startsWith(viewerUrl("/"))) {
      const listening = ["/", "/reports"].includes(new URL(page.url()).pathname);
      const unlistened = listening
        ? page.waitForResponse((response) => response.request().method() === "POST" && response.url().includes("/Listen/channel"), { timeout: 5_000 }).catch(() => undefined)
        : undefined;
      await page.evaluate(() => {
        history.pushState(null, "", "/viewer-test-closing");
        dispatchEvent(new PopStateEvent("popstate"));
      });
      await unlistened;
    }
  } catch {
    // closing anyway
  }
  await tab.close().catch(() => undefined);
}

/** The end of every test: no uncaught page error, no console error, no error shown by the viewer. */
export async function assertHealthy(tab: BrowserPage): Promise<void> {
  const shownError = await tab.page.$eval("body", (body) => body.querySelector("[data-testid=error]")?.textContent?.trim() ?? "");
  assert.equal(shownError, "", "the viewer shows no error");
  tab.assertNoProblems();
}

/** The trace ids of the list's rows, top to bottom. */
export async function listedIds(page: Page): Promise<string[]> {
  return page.$$eval(ROWS, (rows) => rows.map((row) => row.getAttribute("data-trace-id") ?? ""));
}

/**
 * Waits until the list is rendered (`data-ready=list`) and shows exactly `expected`, in order; on
 * timeout, fails showing what it showed. For moves within the list (paging, filters, live
 * updates), where `data-ready` may already be "list" before the new rows are in.
 */
export async function waitForListedIds(page: Page, expected: readonly string[], timeoutMs = 20_000): Promise<void> {
  try {
    await page.waitForFunction(
      (selector: string, ids: string) => document.body?.dataset.ready === "list" && JSON.stringify(Array.from(document.querySelectorAll(selector)).map((row) => row.getAttribute("data-trace-id"))) === ids,
      { timeout: timeoutMs },
      ROWS,
      JSON.stringify(expected),
    );
  } catch {
    const ready = await page.evaluate(() => document.body?.dataset.ready ?? "(absent)");
    assert.deepEqual(await listedIds(page), [...expected], `the list (data-ready=${ready}, ${page.url()}) shows these rows`);
  }
}

/** Waits until the run page is rendered (`data-ready=run`) and shows `traceId`. */
export async function waitForRun(page: Page, traceId: string, timeoutMs = 20_000): Promise<void> {
  try {
    await page.waitForFunction(
      (id: string) => document.body?.dataset.ready === "run" && document.querySelector("[data-testid=run]")?.getAttribute("data-trace-id") === id,
      { timeout: timeoutMs },
      traceId,
    );
  } catch {
    const shown = await page.evaluate(() => ({ ready: document.body?.dataset.ready ?? "(absent)", id: document.querySelector("[data-testid=run]")?.getAttribute("data-trace-id") ?? "(no run)" }));
    assert.fail(`expected the run page of ${traceId}; ${page.url()} has data-ready=${shown.ready} and shows ${shown.id}`);
  }
}

/** The path and query of the page's URL. */
export function pathOf(page: Page): { pathname: string; search: string } {
  const url = new URL(page.url());
  return { pathname: url.pathname, search: url.search };
}

/** Saves a screenshot of the page (its first 1280×800, or all of it with `fullPage`) as `name` in VIEWER_SCREENSHOTS_DIR, when set. */
export async function screenshotIfAsked(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  const dir = process.env.VIEWER_SCREENSHOTS_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.setViewport({ width: 1280, height: 800 });
  await page.screenshot({ path: join(dir, name) as `${string}.png`, fullPage: options.fullPage === true });
}

/**
 * Runs in the page before its own scripts: records `performance.now()` (milliseconds since
 * navigation start) the moment the list is interactive: `data-ready="list"` with a first row.
 */
const RECORD_LIST_INTERACTIVE = `(() => {
  const observer = new MutationObserver(() => {
    if (document.body && document.body.dataset.ready === "list" && document.querySelector(${JSON.stringify(ROWS)})) {
      window.__listInteractiveMs = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-ready"] });
})();`;

/**
 * Cold loads of the list (each in a fresh browser context: nothing cached, signed out): the
 * milliseconds from navigation start to an interactive list, each after `check` has looked at the page.
 */
export async function timeListLoads(browser: Browser, loads: number, check: (tab: BrowserPage) => Promise<void> = async () => undefined): Promise<number[]> {
  const measured: number[] = [];
  for (let load = 0; load < loads; load++) {
    const tab = await openPage(browser);
    try {
      await tab.page.evaluateOnNewDocument(RECORD_LIST_INTERACTIVE);
      await tab.page.goto(viewerUrl("/"));
      await tab.page.waitForFunction(() => (window as unknown as { __listInteractiveMs?: number }).__listInteractiveMs !== undefined, { timeout: 30_000 });
      measured.push(Math.round(await tab.page.evaluate(() => (window as unknown as { __listInteractiveMs: number }).__listInteractiveMs)));
      await check(tab);
    } finally {
      await closeViewerTab(tab);
    }
  }
  return measured;
}

