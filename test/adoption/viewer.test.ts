/**
 * The issue's end point, in the user's project test/adoption/run.ts made and ran `agent-traces init`
 * in: a person's app stores a failed run through recordTrace, and the person opens the viewer (the
 * Hosting site init added, served by the launcher at VIEWER_URL) and sees it, while the user's own
 * Hosting site still serves their own public/index.html.
 *
 * Runs inside the launcher, which exports VIEWER_URL and FIREBASE_EMULATOR_HUB (firebase-tools' hub,
 * whose /emulators says where the Hosting emulator serves the project's first site: the user's).
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "puppeteer-core";
import { LOCAL_ADMIN } from "../../viewer/src/localAdmin.js";
import { launchBrowser, openPage, waitForReady, type BrowserPage } from "../integration/support/browser.js";
import { clientSession } from "../integration/support/emulators.js";
import { aTrace } from "../integration/support/traces.js";
import { assertHealthy, closeViewerTab, ROWS, waitForRun } from "../integration/viewer/viewerPage.js";
import { adoptionPaths } from "./support/paths.js";

/** Generous for a loaded 2-core machine: a cold viewer load signs in, then lists over a live query. */
const PAGE_TIMEOUT_MS = 60_000;
const ERROR_MESSAGE = "refund tool failed: payment provider unavailable";

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is unset: run the adoption tests inside the launcher (npm run test:adoption).`);
  return value;
}

async function fetchText(url: string): Promise<{ status: number; type: string; text: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  return { status: response.status, type: response.headers.get("content-type") ?? "", text: await response.text() };
}

describe("the viewer in the user's project", function () {
  const { projectDir } = adoptionPaths();
  let browser: Browser | undefined;
  let trace: ReturnType<typeof aTrace>;
  let viewerUrl: string;

  before(async function () {
    this.timeout(120_000);
    viewerUrl = requiredEnv("VIEWER_URL");
    const session = await clientSession();
    try {
      trace = aTrace({
        user_id: session.uid!,
        status: "error",
        final_output: "",
        metadata: { error: ERROR_MESSAGE },
        tool_traces: [
          { name: "refund", input: { order: "A-17" }, output: ERROR_MESSAGE, duration_ms: 80, is_error: true, timestamp: new Date(Date.now() - 4_000).toISOString() },
        ],
      });
      const result = (await session.callRecordTrace(trace)) as { stored: boolean };
      assert.equal(result.stored, true, "recordTrace stored the failed run");
    } finally {
      await session.close();
    }
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
  });

  it("serves the user's project's web config at /__/firebase/init.json", async () => {
    const { status, text } = await fetchText(new URL("/__/firebase/init.json", viewerUrl).href);
    assert.equal(status, 200);
    assert.equal((JSON.parse(text) as { projectId?: unknown }).projectId, "demo-adoption");
  });

  it("lists the stored failed run for the local admin, and opens it", async () => {
    const tab: BrowserPage = await openPage(browser!);
    try {
      const { page } = tab;
      await page.goto(new URL("/", viewerUrl).href, { timeout: PAGE_TIMEOUT_MS });
      await waitForReady(page, "list", PAGE_TIMEOUT_MS);
      assert.match(await page.$eval("[data-testid=signed-in-as]", (el) => el.textContent ?? ""), new RegExp(LOCAL_ADMIN.email.replace(/[.]/g, "\\.")));

      const rowSelector = `${ROWS}[data-trace-id="${trace.trace_id}"]`;
      try {
        await page.waitForSelector(rowSelector, { timeout: PAGE_TIMEOUT_MS });
      } catch {
        const listed = await page.$$eval(ROWS, (rows) => rows.map((row) => row.getAttribute("data-trace-id")));
        assert.fail(`the list never showed ${trace.trace_id}; it shows ${JSON.stringify(listed)}`);
      }
      const row = await page.$eval(rowSelector, (tr) => ({
        status: tr.getAttribute("data-status"),
        cells: Object.fromEntries(Array.from(tr.querySelectorAll("td[data-col]")).map((td) => [td.getAttribute("data-col"), (td.textContent ?? "").trim()])),
      }));
      assert.equal(row.status, "error");
      assert.equal(row.cells.status, "error");
      assert.equal(row.cells.user, trace.user_id);
      assert.equal(row.cells.skill, "planning");
      assert.equal(row.cells.tools, "1");
      assert.equal(row.cells.failed, "1");
      assert.equal(row.cells.preview, ERROR_MESSAGE);

      await page.click(`${rowSelector} td[data-col=when] a`);
      await waitForRun(page, trace.trace_id, PAGE_TIMEOUT_MS);
      assert.equal(new URL(page.url()).pathname, `/traces/${trace.trace_id}`);
      assert.equal(await page.$eval("[data-testid=trace-id]", (el) => el.textContent), trace.trace_id);
      assert.match(await page.$eval("[data-testid=run-error]", (el) => el.textContent ?? ""), new RegExp(ERROR_MESSAGE));
      await assertHealthy(tab);
    } finally {
      await closeViewerTab(tab);
    }
  });

  it("leaves the user's own Hosting site serving their public/index.html, not the viewer", async () => {
    const hub = await fetchText(`http://${requiredEnv("FIREBASE_EMULATOR_HUB")}/emulators`);
    assert.equal(hub.status, 200);
    const hosting = (JSON.parse(hub.text) as { hosting?: { host: string; port: number } }).hosting;
    assert.ok(hosting, "the emulator hub lists a Hosting emulator");
    const userSite = `http://${hosting.host}:${hosting.port}`;
    assert.notEqual(userSite, viewerUrl, "the user's site and the viewer are served apart");

    const own = readFileSync(join(projectDir, "public/index.html"), "utf8");
    const served = await fetchText(`${userSite}/`);
    assert.equal(served.status, 200);
    assert.match(served.type, /^text\/html/);
    assert.equal(served.text, own, "the user's site serves their public/index.html as written");

    const viewerIndex = readFileSync(join(projectDir, "agent-traces/viewer/index.html"), "utf8");
    assert.notEqual(own, viewerIndex);
    assert.equal((await fetchText(viewerUrl)).text, viewerIndex, "the viewer's site serves the viewer");
  });
});
