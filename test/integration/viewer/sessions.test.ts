import { strict as assert } from "node:assert";
import type { Page } from "puppeteer-core";
import { openPage } from "../support/browser.js";
import { clearFirestore } from "../support/emulators.js";
import { expectedIds, minutesAfter, seedFeedback, seedRuns, traceIdFor, type ViewerSeed } from "./fixtures.js";
import { assertHealthy, closeViewerTab, pathOf, ROWS, screenshotIfAsked, useBrowser, viewerUrl, waitForListedIds, waitForRun } from "./viewerPage.js";

const BASE = new Date("2026-11-22T09:00:00.000Z");
/** A session id with a slash, a space and non-ASCII: it must stay one path segment. */
const CHAT = "chat 2f1c/α";
const SHARED = "shared-session";

/** One conversation of erin's: five runs two minutes apart, the third failing in a tool; stored out of order. */
const CONVERSATION: ViewerSeed[] = [0, 1, 2, 3, 4].map((turn) => ({
  id: traceIdFor(0x500 + turn),
  startedAt: minutesAfter(BASE, 2 * turn),
  durationMs: 3_000,
  status: turn === 2 ? "error" : "success",
  skill: "support",
  user: "erin",
  session: CHAT,
  tools: [
    { name: `look_up_${turn}`, offsetMs: 900, durationMs: 400, input: { q: `turn ${turn}` }, output: `found ${turn}` },
    { name: `search_${turn}`, offsetMs: 100, durationMs: 500, isError: turn === 2, input: { q: `turn ${turn}` }, output: turn === 2 ? "index unavailable" : `hits ${turn}` },
  ],
  finalOutput: `Answer to turn ${turn}.`,
  ...(turn === 2 ? { error: "search_2 failed: index unavailable" } : {}),
  ...(turn === 1 ? { feedback: { up: 1, down: 1 } } : turn === 3 ? { feedback: { up: 1, down: 0 } } : {}),
}));

/** A session whose runs name two users. */
const SHARED_RUNS: ViewerSeed[] = [
  { id: traceIdFor(0x600), startedAt: minutesAfter(BASE, 30), durationMs: 1_000, status: "success", skill: "support", user: "finn", session: SHARED, finalOutput: "Hello finn." },
  { id: traceIdFor(0x601), startedAt: minutesAfter(BASE, 31), durationMs: 1_000, status: "timeout", skill: "support", user: "gus", session: SHARED, finalOutput: "" },
];

/** Runs in no session; one of them rated down. */
const LONE: ViewerSeed[] = [
  { id: traceIdFor(0x700), startedAt: minutesAfter(BASE, 40), durationMs: 1_000, status: "success", skill: "search", user: "hal", feedback: { up: 0, down: 2 } },
  { id: traceIdFor(0x701), startedAt: minutesAfter(BASE, 50), durationMs: 1_000, status: "error", skill: "search", user: "hal", error: "boom" },
];

const RUNS = [...CONVERSATION.slice().reverse(), ...SHARED_RUNS, ...LONE];
const RATED = CONVERSATION[1]!;

function sessionPath(id: string): string {
  return `/sessions/${encodeURIComponent(id)}`;
}

/** The session page's runs, top to bottom, as shown. */
async function sessionRuns(page: Page) {
  return page.$$eval("[data-testid=session-run]", (items) =>
    items.map((item) => ({
      id: item.getAttribute("data-trace-id"),
      status: item.getAttribute("data-status"),
      link: item.querySelector("a[data-testid=run-link]")?.getAttribute("href") ?? null,
      tools: Array.from(item.querySelectorAll("[data-testid=session-tool]"), (tool) => ({ name: tool.querySelector(".call-name")?.textContent ?? "", error: tool.getAttribute("data-error") })),
      toolCount: item.querySelector("[data-testid=tool-count]")?.textContent ?? "",
      output: item.querySelector("[data-testid=session-run-output]")?.textContent ?? "",
      error: item.querySelector("[data-testid=session-run-error]")?.textContent ?? null,
      ratings: item.querySelector("[data-testid=feedback-counts]")?.textContent ?? null,
      user: item.querySelector("[data-field=user]")?.textContent ?? null,
    })),
  );
}

describe("viewer: sessions and feedback", () => {
  const viewer = useBrowser();

  before(async () => {
    await clearFirestore();
    await seedRuns(RUNS);
    await seedFeedback([
      { run: RATED, ratedBy: "erin", rating: "down", value: 2, comment: "<b>Wrong</b> order number\n<img src=x onerror=alert(1)>", tags: ["wrong", "hallucination"], createdAt: minutesAfter(BASE, 3), updatedAt: minutesAfter(BASE, 5) },
      { run: RATED, ratedBy: "admin/uid 1", rating: "up", createdAt: minutesAfter(BASE, 4) },
      { run: LONE[0]!, ratedBy: "hal", rating: "down", createdAt: minutesAfter(BASE, 41) },
    ]);
  });

  it("the session page shows its runs oldest first, each with its status, tool calls, output and ratings", async () => {
    const tab = await viewer.open(sessionPath(CHAT), "session");
    const { page } = tab;
    assert.equal(await page.$eval("[data-testid=session]", (el) => el.getAttribute("data-session-id")), CHAT);
    const runs = await sessionRuns(page);
    assert.deepEqual(
      runs.map((run) => run.id),
      CONVERSATION.map((run) => run.id),
      "oldest first",
    );
    for (const [index, run] of runs.entries()) {
      const seed = CONVERSATION[index]!;
      const label = `run ${index + 1}`;
      assert.equal(run.status, seed.status, `${label}: status`);
      assert.equal(run.link, `/traces/${seed.id}`, `${label}: links to its run`);
      // Tool calls in order of start: search (0.1 s) before look_up (0.9 s), the failing one marked.
      assert.deepEqual(run.tools, [
        { name: `search_${index}`, error: String(index === 2) },
        { name: `look_up_${index}`, error: "false" },
      ]);
      assert.match(run.toolCount, index === 2 ? /^Tool calls: 2 \(1 failed\)$/ : /^Tool calls: 2$/, label);
      assert.ok(run.output.includes(seed.finalOutput!), `${label}: output "${run.output}"`);
      assert.equal(run.error === null, seed.status === "success", `${label}: an error section exactly on the failure`);
      if (seed.error) assert.ok(run.error!.includes(seed.error), `${label}: its error`);
      assert.equal(run.user, null, `${label}: one user: not repeated on each run`);
    }
    assert.deepEqual(
      runs.map((run) => run.ratings),
      [null, "👍 1 · 👎 1", null, "👍 1", null],
    );
    assert.equal(await page.$eval("[data-testid=session-user]", (el) => el.textContent), "erin");
    const summary = await page.$eval("[data-testid=session-summary]", (el) => el.textContent ?? "");
    // In the browser's time zone: 09:00 to 09:08 UTC, first and last start.
    assert.match(summary, /^5 runs · 1 error · \d{4}-\d\d-\d\d \d\d:\d0:00 → \d{4}-\d\d-\d\d \d\d:\d8:00 · user erin$/);
    assert.equal(await page.$("[data-testid=more-runs]:not([hidden])"), null, "no more runs to load");
    await screenshotIfAsked(page, "viewer-session.png");
    await assertHealthy(tab);
  });

  it("shows each run's user when the session's runs name more than one", async () => {
    const tab = await viewer.open(sessionPath(SHARED), "session");
    const runs = await sessionRuns(tab.page);
    assert.deepEqual(
      runs.map((run) => [run.id, run.status, run.user]),
      [
        [SHARED_RUNS[0]!.id, "success", "finn"],
        [SHARED_RUNS[1]!.id, "timeout", "gus"],
      ],
    );
    assert.match(await tab.page.$eval("[data-testid=session-summary]", (el) => el.textContent ?? ""), /2 users/);
    await assertHealthy(tab);
  });

  it("the run page links to its session and lists its ratings, newest first, as text", async () => {
    const tab = await viewer.open(`/traces/${RATED.id}`, "run");
    const { page } = tab;
    await page.waitForSelector("[data-testid=feedback][data-loaded=true]", { timeout: 20_000 });
    const ratings = await page.$$eval("[data-testid=rating]", (items) =>
      items.map((item) => ({
        rating: item.getAttribute("data-rating"),
        ratedBy: item.querySelector("[data-field=rated-by]")?.textContent,
        value: item.querySelector("[data-field=value]")?.textContent ?? null,
        tags: Array.from(item.querySelectorAll("[data-field=tag]"), (tag) => tag.textContent),
        comment: item.querySelector("[data-field=comment]")?.textContent ?? null,
        when: item.querySelector("[data-field=updated-at]")?.getAttribute("title"),
        text: item.textContent ?? "",
        html: item.querySelector("[data-field=comment]")?.innerHTML ?? "",
      })),
    );
    assert.equal(ratings.length, 2);
    const [down, up] = ratings;
    assert.deepEqual([down!.rating, down!.ratedBy, down!.value, down!.tags, down!.when], ["down", "erin", "value 2", ["wrong", "hallucination"], minutesAfter(BASE, 5).toISOString()]);
    assert.equal(down!.comment, "<b>Wrong</b> order number\n<img src=x onerror=alert(1)>", "the comment is shown as text");
    assert.ok(!down!.html.includes("<b>") && !down!.html.includes("<img"), "never parsed as HTML");
    assert.match(down!.text, /\(the run's sender\)/);
    assert.match(down!.text, /first rated /);
    assert.deepEqual([up!.rating, up!.ratedBy, up!.value, up!.tags, up!.comment], ["up", "admin/uid 1", null, [], null]);
    assert.match(up!.text, /not the run's sender: an admin/);
    assert.equal(await page.$eval("[data-testid=feedback] [data-testid=feedback-counts]", (el) => el.textContent?.trim()), "👍 1 · 👎 1");

    assert.equal(await page.$eval("a[data-testid=session-link]", (a) => a.getAttribute("href")), sessionPath(CHAT));
    await page.click("a[data-testid=session-link]");
    await page.waitForFunction(() => document.body.dataset.ready === "session" && document.querySelectorAll("[data-testid=session-run]").length === 5, { timeout: 20_000 });
    assert.deepEqual(pathOf(page), { pathname: sessionPath(CHAT), search: "" });
    // And back from the session to a run.
    await page.click(`[data-testid=session-run][data-trace-id="${CONVERSATION[4]!.id}"] a[data-testid=run-link]`);
    await waitForRun(page, CONVERSATION[4]!.id);
    await assertHealthy(tab);
  });

  it("a run in no session has no session link; a run never rated says so", async () => {
    const tab = await viewer.open(`/traces/${LONE[1]!.id}`, "run");
    const { page } = tab;
    await page.waitForSelector("[data-testid=feedback][data-loaded=true]", { timeout: 20_000 });
    assert.equal(await page.$("a[data-testid=session-link]"), null);
    assert.equal(await page.$eval("[data-testid=no-feedback]", (el) => el.textContent), "No ratings.");
    assert.equal(await page.$("[data-testid=rating]"), null);
    await assertHealthy(tab);
  });

  it("list rows link to their session and show their ratings", async () => {
    const tab = await viewer.open("/", "list");
    const { page } = tab;
    await waitForListedIds(page, expectedIds(RUNS));
    const cells = await page.$$eval(ROWS, (rows) =>
      rows.map((row) => ({
        id: row.getAttribute("data-trace-id"),
        session: row.querySelector("td[data-col=session] a")?.getAttribute("href") ?? null,
        ratings: row.querySelector("td[data-col=status] [data-testid=feedback-counts]")?.textContent ?? null,
      })),
    );
    const byId = new Map(RUNS.map((run) => [run.id, run]));
    for (const cell of cells) {
      const seed = byId.get(cell.id!)!;
      assert.equal(cell.session, seed.session === undefined ? null : sessionPath(seed.session), `${cell.id}: session link`);
    }
    assert.equal(cells.find((cell) => cell.id === RATED.id)!.ratings, "👍 1 · 👎 1");
    assert.equal(cells.find((cell) => cell.id === LONE[0]!.id)!.ratings, "👎 2");
    assert.equal(cells.find((cell) => cell.id === LONE[1]!.id)!.ratings, null);

    await page.click(`tr[data-trace-id="${SHARED_RUNS[0]!.id}"] td[data-col=session] a`);
    await page.waitForFunction(() => document.body.dataset.ready === "session", { timeout: 20_000 });
    assert.deepEqual(pathOf(page), { pathname: sessionPath(SHARED), search: "" });
    assert.equal((await sessionRuns(page)).length, 2);
    await assertHealthy(tab);
  });

  it("the negative-feedback filter lists the runs rated down, newest first", async () => {
    const negative = [LONE[0]!.id, RATED.id];
    const tab = await viewer.open("/", "list");
    const { page } = tab;
    await waitForListedIds(page, expectedIds(RUNS));
    await page.click("input[data-testid=negative-feedback]");
    assert.equal(await page.$eval("select[name=status]", (select) => (select as HTMLSelectElement).disabled), true, "status does not combine with it");
    await page.click("form[data-testid=filters] button[type=submit]");
    await waitForListedIds(page, negative);
    assert.deepEqual(pathOf(page), { pathname: "/", search: "?feedback=negative" });

    // Bounded by start time too; the range is served by the same index.
    const from = minutesAfter(BASE, 30).toISOString();
    await page.goto(new URL(`/?feedback=negative&from=${from}`, page.url()).href);
    await waitForListedIds(page, [LONE[0]!.id]);
    await assertHealthy(tab);
  });

  it("drops status, skill and user beside the negative-feedback filter, and says so", async () => {
    const tab = await viewer.open("/?feedback=negative&status=error&user=hal", "list");
    const { page } = tab;
    await waitForListedIds(page, [LONE[0]!.id, RATED.id]);
    assert.match(await page.$eval(".warning", (el) => el.textContent ?? ""), /Ignored: status, user: the negative-feedback filter combines only with the start time/);
    assert.equal(await page.$eval("input[data-testid=negative-feedback]", (box) => (box as HTMLInputElement).checked), true);
    await assertHealthy(tab);
  });

  it("opens the hash form #/session/<id> at the session's path, and says not found for an unknown session", async () => {
    const tab = await viewer.open(`/#/session/${encodeURIComponent(SHARED)}`, "session");
    assert.deepEqual(pathOf(tab.page), { pathname: sessionPath(SHARED), search: "" });
    assert.equal((await sessionRuns(tab.page)).length, 2);
    await assertHealthy(tab);

    const unknown = await viewer.open(sessionPath("no-such-session"), "not-found");
    assert.match(await unknown.page.$eval("[data-testid=not-found]", (el) => el.textContent ?? ""), /Session not found.*no-such-session/s);
    await assertHealthy(unknown);
  });

  it("says Firestore has not answered, never 'session not found', while it is offline; shows the runs once Firestore answers", async function () {
    this.timeout(180_000);
    const tab = await openPage(viewer.browser());
    const { page } = tab;
    try {
      // Offline: every Firestore stream request fails (the SDK gives its cached answer, here none, once it gives up connecting).
      let offline = true;
      await page.setRequestInterception(true);
      page.on("request", (request) => {
        const blocked = offline && /google\.firestore\.v1\.Firestore\/(Listen|Write)/.test(request.url());
        void (blocked ? request.abort() : request.continue());
      });
      await page.goto(viewerUrl(sessionPath(CHAT)));
      await page.waitForSelector("[data-testid=load-state][data-state=offline]", { timeout: 60_000 });
      assert.equal(await page.$("[data-testid=not-found]"), null, "not 'not found': Firestore has not said so");
      assert.equal(await page.evaluate(() => document.body.dataset.ready ?? null), null, "not ready: nothing is known yet");

      offline = false;
      await page.waitForFunction(() => document.body.dataset.ready === "session", { timeout: 120_000 });
      // Reconnected, the SDK may show the runs from its cache (offline, and ready) before the server confirms them.
      await page.waitForSelector("[data-testid=load-state][data-state=live]", { timeout: 120_000 });
      assert.equal((await sessionRuns(page)).length, CONVERSATION.length);
      assert.equal(await page.$eval("[data-testid=load-state]", (el) => el.getAttribute("data-state")), "live");
      assert.equal(await page.$("[data-testid=error]"), null);
    } finally {
      await closeViewerTab(tab);
    }
  });
});
