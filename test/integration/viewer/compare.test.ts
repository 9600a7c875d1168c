import { strict as assert } from "node:assert";
import type { Page } from "puppeteer-core";
import { clearFirestore } from "../support/emulators.js";
import { compareHref } from "../../../viewer/src/view/compareHref.js";
import { minutesAfter, seedRuns, traceIdFor, type ViewerSeed } from "./fixtures.js";
import { assertHealthy, pathOf, screenshotIfAsked, useBrowser, waitForRun } from "./viewerPage.js";

const BASE = new Date("2026-11-23T09:00:00.000Z");

/**
 * The failed run: plan, search (fails), retry_search (a call the success has not), answer (10× slower).
 * The latest success of the same skill: plan, search (answers), answer.
 */
const FAILED: ViewerSeed = {
  id: traceIdFor(0xc01),
  startedAt: minutesAfter(BASE, 20),
  durationMs: 9_000,
  status: "error",
  skill: "triage",
  user: "ivy",
  iterations: 3,
  tools: [
    { name: "plan", offsetMs: 0, durationMs: 300, input: { goal: "route ticket 42" }, output: "steps: search, answer" },
    { name: "search", offsetMs: 400, durationMs: 1_000, isError: true, input: { q: "ticket 42" }, output: "index unavailable" },
    { name: "retry_search", offsetMs: 1_500, durationMs: 1_000, input: { q: "ticket 42" }, output: "0 hits" },
    { name: "answer", offsetMs: 2_600, durationMs: 6_000, input: { hits: "0" }, output: "I could not find the ticket." },
  ],
  finalOutput: "I could not find the ticket.",
  error: "search failed: index unavailable",
};
const SUCCESS: ViewerSeed = {
  id: traceIdFor(0xc02),
  startedAt: minutesAfter(BASE, 10),
  durationMs: 2_000,
  status: "success",
  skill: "triage",
  user: "ivy",
  iterations: 2,
  tools: [
    { name: "plan", offsetMs: 0, durationMs: 300, input: { goal: "route ticket 42" }, output: "steps: search, answer" },
    { name: "search", offsetMs: 400, durationMs: 900, input: { q: "ticket 42" }, output: "3 hits" },
    { name: "answer", offsetMs: 1_400, durationMs: 600, input: { hits: "0" }, output: "Ticket 42 goes to billing." },
  ],
  finalOutput: "Ticket 42 goes to billing.",
};
/** An older success of the same skill (not the latest) and a newer success of another skill: neither is "the latest success of triage". */
const OLDER_SUCCESS: ViewerSeed = { ...SUCCESS, id: traceIdFor(0xc03), startedAt: minutesAfter(BASE, 0) };
const OTHER_SKILL: ViewerSeed = { ...SUCCESS, id: traceIdFor(0xc04), startedAt: minutesAfter(BASE, 30), skill: "billing" };

/** The aligned rows as shown: "A name|B name differences" ("-" for a gap). */
async function callRows(page: Page): Promise<string[]> {
  return page.$$eval("[data-testid=compare-calls] [data-testid=call-row]", (rows) =>
    rows.map((row) => {
      const name = (side: string) => row.querySelector(`td[data-side=${side}] .call-name`)?.textContent ?? "-";
      const differences = row.getAttribute("data-differences") ?? "";
      return `${name("a")}|${name("b")}${differences ? ` ${differences}` : ""}`;
    }),
  );
}

/** The run fields marked as different, by their data-field key. */
async function differingFields(page: Page): Promise<string[]> {
  return page.$$eval("[data-testid=compare-fields] tr[data-differs=true]", (rows) => rows.map((row) => row.getAttribute("data-field") ?? ""));
}

describe("viewer: comparing two runs", () => {
  const viewer = useBrowser();

  before(async () => {
    await clearFirestore();
    await seedRuns([FAILED, SUCCESS, OLDER_SUCCESS, OTHER_SKILL]);
  });

  it("aligns the tool calls by name, marks each difference by text and outline, and swaps the sides", async () => {
    const tab = await viewer.open(compareHref(FAILED.id, SUCCESS.id), "compare");
    const { page } = tab;
    assert.deepEqual(await page.$eval("[data-testid=compare]", (el) => [el.getAttribute("data-a"), el.getAttribute("data-b")]), [FAILED.id, SUCCESS.id]);
    assert.equal(await page.$eval("[data-testid=load-state]", (el) => el.getAttribute("data-state")), "live");
    // The extra retry_search is a gap on B's side; answer still pairs with answer (6 s against 0.6 s: marked).
    assert.deepEqual(await callRows(page), ["plan|plan", "search|search status output", "retry_search|- only-a", "answer|answer duration output"]);
    const marks = await page.$$eval("[data-testid=call-row] [data-testid=call-differences]", (cells) => cells.map((cell) => (cell.textContent ?? "").trim()));
    assert.equal(marks[0], "", "an identical pair is not marked");
    assert.match(marks[1]!, /≠ status.*≠ output/);
    assert.equal(marks[2], "only in A");
    assert.match(marks[3]!, /≠ duration -5\.40s \(10\.0× faster\).*≠ output/);
    assert.match(await page.$eval("[data-testid=call-row]:nth-child(3) td[data-side=b]", (td) => td.textContent ?? ""), /no call in B/);
    // Not colour alone: the differing parts are outlined and bold, the others not.
    const styles = await page.$$eval("[data-testid=call-row]:nth-child(2) td[data-side=b] .part", (parts) =>
      parts.map((part) => {
        const style = getComputedStyle(part);
        return `${part.getAttribute("data-part")}:${style.outlineStyle}:${Number(style.fontWeight) >= 600 ? "bold" : "normal"}:${part.querySelector(".diff-mark")?.textContent ?? ""}`;
      }),
    );
    assert.deepEqual(styles, ["status:solid:bold:≠", "duration:none:normal:", "input:none:normal:", "output:solid:bold:≠"]);

    assert.deepEqual(await differingFields(page), ["status", "duration", "iterations", "tool_count", "failed_tools", "error", "final_output"]);
    // 7 fields + 2 (search) + 1 (retry_search) + 2 (answer).
    assert.equal(await page.$eval("[data-testid=difference-count] strong", (el) => el.textContent), "12 differences");
    assert.equal(await page.$eval("[data-testid=run-link-a]", (a) => a.getAttribute("href")), `/traces/${FAILED.id}`);
    assert.equal(await page.$eval("[data-testid=run-link-b]", (a) => a.getAttribute("href")), `/traces/${SUCCESS.id}`);
    await screenshotIfAsked(page, "compare.png", { fullPage: true });

    await page.click("a[data-testid=swap]");
    await page.waitForFunction((a: string) => document.body.dataset.ready === "compare" && document.querySelector("[data-testid=compare]")?.getAttribute("data-a") === a, { timeout: 20_000 }, SUCCESS.id);
    assert.deepEqual(pathOf(page), { pathname: "/compare", search: `?a=${SUCCESS.id}&b=${FAILED.id}` });
    assert.deepEqual(await callRows(page), ["plan|plan", "search|search status output", "-|retry_search only-b", "answer|answer duration output"]);
    assert.equal(await page.$eval("[data-testid=difference-count] strong", (el) => el.textContent), "12 differences");
    await assertHealthy(tab);
  });

  it("is reached from a failed run's page: the latest success of its skill, or any run id", async () => {
    const tab = await viewer.open(`/traces/${FAILED.id}`, "run");
    const { page } = tab;
    await page.waitForSelector("a[data-testid=compare-latest-success]", { timeout: 20_000 });
    const link = await page.$eval("a[data-testid=compare-latest-success]", (a) => ({ href: a.getAttribute("href"), text: a.textContent }));
    assert.deepEqual(link, { href: compareHref(FAILED.id, SUCCESS.id), text: "Compare with the latest success of triage" });
    await page.click("a[data-testid=compare-latest-success]");
    await page.waitForFunction(() => document.body.dataset.ready === "compare" && document.querySelector("[data-testid=compare]") !== null, { timeout: 20_000 });
    assert.deepEqual(pathOf(page), { pathname: "/compare", search: `?a=${FAILED.id}&b=${SUCCESS.id}` });

    // A success offers no "latest success" link, and its form takes any run id.
    await page.goto(new URL(`/traces/${SUCCESS.id}`, page.url()).href);
    await waitForRun(page, SUCCESS.id);
    assert.equal(await page.$("[data-testid=compare-latest]"), null, "no latest-success link on a success");
    await page.type("input[data-testid=compare-id]", ` ${OLDER_SUCCESS.id} `);
    await page.click("form[data-testid=compare-form] button[type=submit]");
    await page.waitForFunction(() => document.body.dataset.ready === "compare" && document.querySelector("[data-testid=compare]") !== null, { timeout: 20_000 });
    assert.deepEqual(pathOf(page), { pathname: "/compare", search: `?a=${SUCCESS.id}&b=${OLDER_SUCCESS.id}` });
    assert.equal(await page.$eval("[data-testid=difference-count] strong", (el) => el.textContent), "0 differences", "two runs alike in all but id and start");
    await assertHealthy(tab);
  });

  it("says which run is missing from the address or not found", async () => {
    const unknown = traceIdFor(0xcdead);
    const tab = await viewer.open(compareHref(FAILED.id, unknown), "compare");
    const { page } = tab;
    assert.equal(await page.$("[data-testid=compare]"), null, "no comparison is shown");
    assert.equal(await page.$eval("[data-testid=side-a]", (el) => el.getAttribute("data-state")), "found");
    assert.equal(await page.$eval("[data-testid=side-b]", (el) => el.getAttribute("data-state")), "not-found");
    assert.match(await page.$eval("[data-testid=side-b]", (el) => el.textContent ?? ""), new RegExp(`^Run B not found: no stored run has the id ${unknown}`));

    await page.goto(new URL(`/compare?a=${FAILED.id}`, page.url()).href);
    await page.waitForSelector("[data-testid=compare-missing]", { timeout: 20_000 });
    assert.equal(await page.$eval("[data-testid=compare-missing]", (el) => el.getAttribute("data-missing")), "b");
    await assertHealthy(tab);
  });
});
