/**
 * What the browser suite's tests share: one headless Chromium and one page server per describe
 * block, pages opened in browser contexts of their own (or a second page in the same context, which
 * shares its localStorage and IndexedDB: the next visit to the site), every page error and console
 * error recorded, everything closed after each test.
 */
import type { Browser, BrowserContext, Page } from "puppeteer-core";
import { KNOWN_HARMLESS, launchBrowser, recordPageProblems, waitForReady, type PageProblem } from "../../support/browser.js";
import { servePages, type PageServer } from "./pageServer.js";

export interface Tab {
  page: Page;
  context: BrowserContext;
  /** Every uncaught page error and console error seen so far. */
  problems: PageProblem[];
  /** Fails naming each problem that is neither in KNOWN_HARMLESS nor `expected` (the test's own). */
  assertNoProblems(expected?: (problem: PageProblem) => boolean): void;
}

export interface BrowserSuite {
  server(): PageServer;
  /** A fresh browser context (its own storage), or `context`'s next page, at `path` of the page server, ready. */
  open(path: string, options?: { context?: BrowserContext; beforeLoad?: (tab: Tab) => Promise<void> }): Promise<Tab>;
  /** A page (fresh context, or `context`'s) not yet navigated, for tests that drive the navigation. */
  newTab(context?: BrowserContext): Promise<Tab>;
}

/** Registers the describe block's hooks: the browser and page server before, every context closed after each test. */
export function useBrowserSuite(pages: readonly string[]): BrowserSuite {
  let browser: Browser | undefined;
  let server: PageServer | undefined;
  const contexts: BrowserContext[] = [];

  before(async function () {
    this.timeout(60_000);
    [browser, server] = await Promise.all([launchBrowser(), servePages(pages)]);
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close().catch(() => undefined)));
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const newTab = async (context?: BrowserContext): Promise<Tab> => {
    if (!context) {
      context = await browser!.createBrowserContext();
      contexts.push(context);
    }
    const page = await context.newPage();
    // tsx compiles this file with esbuild's keepNames, which wraps named functions in a `__name(...)`
    // helper; functions sent to the page with evaluate() carry those calls (see support/browser.ts).
    await page.evaluateOnNewDocument("globalThis.__name = globalThis.__name || ((target) => target);");
    return track(page, context);
  };
  return {
    server: () => server!,
    newTab,
    async open(path, options = {}) {
      const tab = await newTab(options.context);
      await options.beforeLoad?.(tab);
      await tab.page.goto(server!.url(path));
      await waitForReady(tab.page, "ready");
      return tab;
    },
  };
}

function track(page: Page, context: BrowserContext): Tab {
  const problems = recordPageProblems(page);
  return {
    page,
    context,
    problems,
    assertNoProblems(expected = () => false) {
      const unexpected = problems.filter((problem) => !expected(problem) && !KNOWN_HARMLESS.some((known) => known.matches(problem)));
      if (unexpected.length > 0) {
        throw new Error(`The page reported ${unexpected.length} error(s):\n${unexpected.map((problem) => `  ${problem.kind}: ${problem.text}${problem.url ? ` (${problem.url})` : ""}`).join("\n")}`);
      }
    },
  };
}

/** `body` polled every 100 ms until it returns something other than `undefined`, for at most `timeoutMs`; on timeout, fails with `what`. */
export async function eventually<T>(what: string, body: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await body();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
