import { strict as assert } from "node:assert";
import type { HTTPRequest, Page } from "puppeteer-core";
import { compareHref } from "../../../viewer/src/view/compareHref.js";
import { OFFLINE_TEXT } from "../../../viewer/src/view/loadState.js";
import { openPage } from "../support/browser.js";
import { clearFirestore } from "../support/emulators.js";
import { expectedIds, minutesAfter, seedRuns, traceIdFor, type SeedTool, type ViewerSeed } from "./fixtures.js";
import { assertHealthy, closeViewerTab, pathOf, ROWS, useBrowser, viewerUrl, waitForListedIds } from "./viewerPage.js";

const BASE = new Date("2026-11-24T12:00:00.000Z");
const ok = (name: string): SeedTool => ({ name, offsetMs: 100, durationMs: 200, output: "fine" });
const failing = (name: string): SeedTool => ({ name, offsetMs: 400, durationMs: 200, isError: true, output: `${name} refused` });

/** Eight runs a minute apart: db_query fails in some, web_search in others, both in one; db_query succeeds in others. */
const TOOLS: SeedTool[][] = [
  [ok("web_search"), failing("db_query")],
  [failing("web_search")],
  [ok("db_query")],
  [failing("db_query"), failing("web_search")],
  [],
  [ok("db_query"), ok("web_search")],
  [failing("db_query"), failing("db_query")],
  [failing("send_mail")],
];
const RUNS: ViewerSeed[] = TOOLS.map((tools, i) => ({
  id: traceIdFor(0x700 + i),
  startedAt: minutesAfter(BASE, -i),
  durationMs: 1_000,
  status: tools.some((tool) => tool.isError) ? "error" : "success",
  skill: "states",
  user: "ann",
  tools,
}));

/** The ids of the runs where a call of `tool` failed, newest first: what `/?tool=<tool>` must list. */
function failedWith(tool: string): string[] {
  return expectedIds(RUNS.filter((run) => run.tools!.some((call) => call.name === tool && call.isError)));
}

/** The list's status line: its state and text. */
const loadStateOf = (page: Page) => page.$eval("[data-testid=load-state]", (el) => ({ state: el.getAttribute("data-state"), text: (el.textContent ?? "").trim() }));
/** Whether the "no runs" message is shown. */
const emptyShown = (page: Page) => page.$eval("[data-testid=empty]", (el) => (el as HTMLElement).offsetParent !== null);

/**
 * Runs in the page before its scripts: records every `data-state` the list's status line takes and
 * whether the "no runs" message was ever shown, so a passing glimpse of a wrong state is caught.
 */
const RECORD_STATES = `(() => {
  window.__listStates = [];
  window.__emptyEverShown = false;
  new MutationObserver(() => {
    const state = document.querySelector("[data-testid=load-state]")?.getAttribute("data-state");
    if (state && window.__listStates.at(-1) !== state) window.__listStates.push(state);
    const empty = document.querySelector("[data-testid=empty]");
    if (empty && !empty.hidden) window.__emptyEverShown = true;
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-state", "hidden"] });
})();`;

describe("viewer: the list says what it knows (loading, offline, empty, live), filters by failing tool, picks two runs to compare", () => {
  const viewer = useBrowser();

  describe("with no run stored", () => {
    before(async () => {
      await clearFirestore();
    });

    it("says there are no runs only once the server answered so", async () => {
      const tab = await viewer.open("/", "list");
      const { page } = tab;
      assert.deepEqual(await loadStateOf(page), { state: "empty", text: "No runs stored yet" });
      assert.equal(await emptyShown(page), true, "the 'no runs' message is shown");
      assert.equal(await page.$$eval(ROWS, (rows) => rows.length), 0);
      await assertHealthy(tab);
    });
  });

  describe("with runs stored", () => {
    before(async () => {
      await clearFirestore();
      await seedRuns(RUNS);
    });

    it("offline (Firestore unreachable): says the cache answered, never 'no runs', and shows the runs once Firestore answers", async function () {
      // The SDK gives up connecting after ~10 s (sooner when requests fail) and then answers from its cache; recovery waits out its backoff.
      this.timeout(180_000);
      const tab = await openPage(viewer.browser());
      const { page } = tab;
      try {
        let unreachable = true;
        await page.setRequestInterception(true);
        page.on("request", (request: HTTPRequest) => {
          if (request.isInterceptResolutionHandled()) return;
          const firestore = /google\.firestore\.v1\.Firestore\/(Listen|Write)/.test(request.url());
          void (unreachable && firestore ? request.abort("connectionrefused") : request.continue());
        });
        await page.evaluateOnNewDocument(RECORD_STATES);
        await page.goto(viewerUrl("/"));

        await page.waitForSelector("[data-testid=load-state][data-state=offline]", { timeout: 60_000 });
        assert.deepEqual(await loadStateOf(page), { state: "offline", text: OFFLINE_TEXT });
        assert.equal(await emptyShown(page), false, "no 'no runs' message while Firestore has not answered");
        assert.notEqual(await page.evaluate(() => document.body.dataset.ready), "list", "not ready: an empty answer from the cache is not the list");

        unreachable = false;
        await waitForListedIds(page, expectedIds(RUNS), 120_000);
        // Reconnected, the SDK may list the runs from its cache (offline) before the server confirms them.
        await page.waitForSelector("[data-testid=load-state][data-state=live]", { timeout: 120_000 });
        assert.deepEqual(await loadStateOf(page), { state: "live", text: `● live: ${RUNS.length} newest runs` });
        const seen = await page.evaluate(() => ({ states: (window as unknown as { __listStates: string[] }).__listStates, empty: (window as unknown as { __emptyEverShown: boolean }).__emptyEverShown }));
        assert.deepEqual(seen, { states: ["loading", "offline", "live"], empty: false }, "loading, then offline, then live: never 'empty'");
        assert.equal(await page.$("[data-testid=error]"), null, "no error shown");
        assert.deepEqual(
          tab.problems.filter((problem) => problem.kind === "pageerror"),
          [],
          "no uncaught error (console errors about the refused requests are expected)",
        );
      } finally {
        await closeViewerTab(tab);
      }
    });

    it("the 'Failed tool' filter lists exactly the runs where that tool failed, and turns off the filters it cannot combine with", async () => {
      const tab = await viewer.open("/", "list");
      const { page } = tab;
      await waitForListedIds(page, expectedIds(RUNS));
      const form = "form[data-testid=filters]";
      const disabled = () => page.$$eval(`${form} select[name=status], ${form} input[name=skill], ${form} input[name=user], ${form} input[name=feedback]`, (fields) => fields.map((field) => (field as HTMLInputElement).disabled));
      assert.deepEqual(await disabled(), [false, false, false, false]);
      await page.type(`${form} input[name=tool]`, "db_query");
      assert.deepEqual(await disabled(), [true, true, true, true], "status, skill, user and negative feedback are off while a tool is named");
      await page.click(`${form} [type=submit]`);

      await page.waitForFunction(() => location.search.includes("tool="));
      assert.equal(pathOf(page).search, "?tool=db_query");
      const expected = failedWith("db_query");
      assert.deepEqual(expected, [RUNS[0]!.id, RUNS[3]!.id, RUNS[6]!.id], "a run where db_query failed twice is listed once; where it succeeded, not at all");
      await waitForListedIds(page, expected);
      assert.match(await page.$eval("[data-testid=tool-filter-note]", (el) => el.textContent ?? ""), /stored before failed tool names were stored/);

      // Opened as a link would (in the app: no reload leaving a listener behind), with a filter it cannot combine with.
      await page.evaluate(() => {
        history.pushState(null, "", "/?tool=send_mail&status=error");
        dispatchEvent(new PopStateEvent("popstate"));
      });
      await waitForListedIds(page, failedWith("send_mail"));
      assert.match(await page.$eval("div.warning", (el) => el.textContent ?? ""), /status: the failed-tool filter combines only with the start time/);
      assert.equal(await page.$eval(`${form} input[name=tool]`, (input) => (input as HTMLInputElement).value), "send_mail");
      await assertHealthy(tab);
    });

    it("checking two rows links to their comparison (first checked as a); a check does not open the run, and survives live updates", async () => {
      const tab = await viewer.open("/", "list");
      const { page } = tab;
      await waitForListedIds(page, expectedIds(RUNS));
      const check = (id: string) => page.click(`tr[data-trace-id="${id}"] input[data-testid=compare-check]`);
      const link = () =>
        page.$eval("[data-testid=compare-selected]", (a) => ({ href: a.getAttribute("href"), disabled: a.getAttribute("aria-disabled"), hint: document.querySelector("[data-testid=compare-hint]")?.textContent ?? "" }));
      const [older, newer, third] = [RUNS[5]!.id, RUNS[1]!.id, RUNS[2]!.id];

      assert.deepEqual(await link(), { href: null, disabled: "true", hint: "(check two runs)" });
      assert.equal(await page.$eval(`tr[data-trace-id="${older}"] input[data-testid=compare-check]`, (box) => box.getAttribute("aria-label")), `Select ${older} to compare`);
      await check(older);
      assert.equal(pathOf(page).pathname, "/", "checking a row does not open its run");
      assert.deepEqual(await link(), { href: null, disabled: "true", hint: "(check one more)" });
      await check(newer);
      assert.deepEqual(await link(), { href: compareHref(older, newer), disabled: null, hint: "" }, "a is the first checked");

      await check(third);
      assert.deepEqual(await link(), { href: null, disabled: "true", hint: "(3 checked: select two)" });
      await check(third);

      // A run stored now re-renders every row: the two checks stay.
      const arrived: ViewerSeed = { id: traceIdFor(0x7ff), startedAt: minutesAfter(BASE, 1), durationMs: 500, status: "success", skill: "states", user: "ann" };
      await seedRuns([arrived]);
      await waitForListedIds(page, expectedIds([...RUNS, arrived]));
      const checked = await page.$$eval(`${ROWS} input[data-testid=compare-check]`, (boxes) => boxes.filter((box) => (box as HTMLInputElement).checked).map((box) => box.closest("tr")!.getAttribute("data-trace-id")));
      assert.deepEqual(checked, [newer, older], "the same two rows are checked after the update");
      assert.equal((await link()).href, compareHref(older, newer));
      assert.equal(pathOf(page).pathname, "/");
      await assertHealthy(tab);
    });
  });
});
