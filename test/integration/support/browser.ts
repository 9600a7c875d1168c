/**
 * Headless Chromium for the integration tests, driven by puppeteer-core (which never downloads a
 * browser): the one installed on the machine is found and launched, each page in a browser context
 * of its own (no shared storage or cache), recording every uncaught page error and console error.
 */
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import puppeteer, { type Browser, type BrowserContext, type ConsoleMessage, type Page } from "puppeteer-core";

const BROWSER_NAMES = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];
const WELL_KNOWN_PATHS = [...BROWSER_NAMES.map((name) => `/usr/bin/${name}`), "/snap/bin/chromium"];

/** The browser to drive: `CHROME_PATH`, else the first of the usual names on PATH and the usual paths. */
export function findBrowser(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CHROME_PATH) {
    if (!isExecutable(env.CHROME_PATH)) throw new Error(`CHROME_PATH=${env.CHROME_PATH} is not an executable file.`);
    return env.CHROME_PATH;
  }
  const onPath = (env.PATH ?? "").split(delimiter).filter(Boolean);
  const candidates = [...BROWSER_NAMES.flatMap((name) => onPath.map((dir) => join(dir, name))), ...WELL_KNOWN_PATHS];
  const found = candidates.find(isExecutable);
  if (found) return found;
  throw new Error(
    `No Chromium or Chrome found for the browser tests (looked for ${BROWSER_NAMES.join(", ")} on PATH and ${WELL_KNOWN_PATHS.join(", ")}). ` +
      "Install one (Debian/Ubuntu: `apt-get install -y chromium`) or set CHROME_PATH to a Chrome/Chromium binary.",
  );
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Launches the installed browser headless; `--no-sandbox` because the tests may run as root. */
export async function launchBrowser(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: findBrowser(),
    headless: true,
    args: ["--no-sandbox", "--disable-dev-shm-usage"],
  });
}

/**
 * A console error the browser logs for no fault of the page, with the reason it is harmless.
 * Anything not listed here fails the test that saw it.
 */
export interface KnownHarmless {
  reason: string;
  matches(entry: PageProblem): boolean;
}

export interface PageProblem {
  kind: "pageerror" | "console.error";
  text: string;
  /** The URL the console message points at, when it has one. */
  url?: string;
}

/**
 * None so far: the viewer's pages log no console error on the emulators. (Firebase Hosting rewrites
 * every path to index.html, so even the browser's own /favicon.ico request gets no 404.) Add one
 * only with the reason it is harmless.
 */
export const KNOWN_HARMLESS: readonly KnownHarmless[] = [];

export interface OpenPageOptions {
  viewport?: { width: number; height: number };
  /** An IANA zone the page runs in (e.g. "Europe/Paris"); the machine's zone when absent. */
  timezone?: string;
}

export interface BrowserPage {
  page: Page;
  context: BrowserContext;
  /** Every uncaught page error and console error seen so far, harmless ones included. */
  problems: PageProblem[];
  /** Fails naming each problem seen that is not in KNOWN_HARMLESS. */
  assertNoProblems(): void;
  close(): Promise<void>;
}

/** Collects every uncaught page error and console error `page` reports from now on. */
export function recordPageProblems(page: Page): PageProblem[] {
  const problems: PageProblem[] = [];
  page.on("pageerror", (error: unknown) => {
    problems.push({ kind: "pageerror", text: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  });
  page.on("console", (message: ConsoleMessage) => {
    if (message.type() !== "error") return;
    const url = message.location().url;
    problems.push({ kind: "console.error", text: message.text(), ...(url ? { url } : {}) });
  });
  return problems;
}

/**
 * A fresh page in a browser context of its own (its own storage, cache and permissions) that
 * records every `pageerror` and console `error`.
 */
export async function openPage(browser: Browser, options: OpenPageOptions = {}): Promise<BrowserPage> {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  const problems = recordPageProblems(page);
  // tsx compiles these test files with esbuild's keepNames, which wraps named functions in a
  // `__name(...)` helper; functions sent to the page carry those calls, so the page needs a no-op one.
  await page.evaluateOnNewDocument("globalThis.__name = globalThis.__name || ((target) => target);");
  await page.setViewport(options.viewport ?? { width: 1280, height: 800 });
  if (options.timezone) await page.emulateTimezone(options.timezone);
  return {
    page,
    context,
    problems,
    assertNoProblems() {
      const unexpected = problems.filter((problem) => !KNOWN_HARMLESS.some((known) => known.matches(problem)));
      if (unexpected.length > 0) {
        throw new Error(`The page reported ${unexpected.length} error(s):\n${unexpected.map((problem) => `  ${problem.kind}: ${problem.text}${problem.url ? ` (${problem.url})` : ""}`).join("\n")}`);
      }
    },
    close: () => context.close(),
  };
}

/**
 * Waits until `document.body.dataset.ready` equals `value`. On timeout the error says what the
 * page showed instead: its URL, its ready state and any `[data-testid=error]` text.
 */
export async function waitForReady(page: Page, value: string, timeoutMs = 20_000): Promise<void> {
  try {
    await page.waitForFunction((expected: string) => document.body?.dataset.ready === expected, { timeout: timeoutMs }, value);
  } catch (error) {
    const state = await page
      .evaluate(() => ({
        url: location.href,
        ready: document.body?.dataset.ready ?? "(absent)",
        error: document.querySelector("[data-testid=error]")?.textContent?.trim() ?? "",
        text: (document.body?.innerText ?? "").replace(/\s+/g, " ").trim().slice(0, 300),
      }))
      .catch(() => undefined);
    const shown = state ? ` The page at ${state.url} has data-ready=${state.ready}${state.error ? `, error "${state.error}"` : ""}; it shows: "${state.text}"` : "";
    throw new Error(`Timed out after ${timeoutMs} ms waiting for body[data-ready="${value}"].${shown}`, { cause: error });
  }
}
