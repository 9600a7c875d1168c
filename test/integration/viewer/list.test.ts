import { strict as assert } from "node:assert";
import type { Page } from "puppeteer-core";
import type { ModelUsage } from "@agent-traces/core";
import { formatDuration } from "@agent-traces/store";
import { LOCAL_ADMIN } from "../../../viewer/src/localAdmin.js";
import { clearFirestore, clientSession } from "../support/emulators.js";
import { aTrace } from "../support/traces.js";
import { expectedIds, listQueryOf, minutesAfter, seedRuns, traceIdFor, type Status, type ViewerSeed } from "./fixtures.js";
import { assertHealthy, pathOf, ROWS, screenshotIfAsked, useBrowser, viewerUrl, waitForListedIds, waitForRun } from "./viewerPage.js";

const BASE = new Date("2026-11-20T12:00:00.000Z");

/**
 * The usage of the first four runs and the cost their row shows, priced by hand at DEFAULT_PRICES
 * (USD per million tokens): gemini-2.5-flash 0.30 in / 2.50 out; gpt-4o 2.50 in, 1.25 cached, 10 out;
 * in-house-llm has no price. The other runs have no usage: "—".
 */
const FLASH = { model: "gemini-2.5-flash", input_tokens: 10_000, output_tokens: 2_000 }; // 0.003 + 0.005
const IN_HOUSE = { model: "in-house-llm", input_tokens: 500, output_tokens: 50 };
const COSTS: { usage: ModelUsage[]; text: string }[] = [
  { usage: [FLASH], text: "$0.0080" },
  { usage: [IN_HOUSE], text: "unpriced" },
  { usage: [FLASH, IN_HOUSE], text: "$0.0080 + unpriced" },
  // 6,000 uncached at 2.50, 4,000 cached at 1.25, 1,000 out at 10: 0.015 + 0.005 + 0.010.
  { usage: [{ model: "gpt-4o", input_tokens: 10_000, cached_input_tokens: 4_000, output_tokens: 1_000 }], text: "$0.0300" },
];

/** Twelve runs, one every 10 minutes back from BASE (12:00Z newest, 10:10Z oldest), of mixed status, skill and user; two expired. */
const RUNS: ViewerSeed[] = (
  [
    ["success", "planning", "ann"],
    ["error", "search", "bob"],
    ["success", "search", "cy"],
    ["timeout", "planning", "ann"],
    ["success", "summarize", "bob"],
    ["error", "planning", "cy"],
    ["success", "search", "ann"],
    ["error", "search", "ann"],
    ["success", "planning", "bob"],
    ["timeout", "search", "cy"],
    ["success", "summarize", "ann"],
    ["error", "summarize", "bob"],
  ] as [Status, string, string][]
).map(([status, skill, user], i): ViewerSeed => ({
  id: traceIdFor(0x100 + i),
  startedAt: minutesAfter(BASE, -10 * i),
  durationMs: 1_500 + 1_000 * i,
  status,
  skill,
  user,
  iterations: 1 + (i % 4),
  tools: [
    { name: "web_search", offsetMs: 100, durationMs: 300, input: { query: `question ${i}` }, output: "3 results" },
    ...(status === "error" ? [{ name: "db_query", offsetMs: 500, durationMs: 200, isError: true, input: { table: "runs" }, output: "permission denied" }] : []),
  ],
  finalOutput: `Final answer number ${i}.`,
  ...(status === "error" ? { error: `Run ${i} failed: tool db_query refused` } : {}),
  expired: i === 4 || i === 11,
  ...(COSTS[i] ? { usage: COSTS[i].usage } : {}),
}));

const byId = new Map(RUNS.map((run) => [run.id, run]));

describe("viewer: the list of runs", () => {
  const viewer = useBrowser();

  before(async () => {
    await clearFirestore();
    await seedRuns(RUNS);
  });

  it("shows every run newest first, one row each, with every column filled in", async () => {
    const tab = await viewer.open("/", "list");
    const { page } = tab;
    await waitForListedIds(page, expectedIds(RUNS));
    // Signed in automatically as the emulator-only admin.
    assert.match(await page.$eval("[data-testid=signed-in-as]", (el) => el.textContent ?? ""), new RegExp(LOCAL_ADMIN.email.replace(/[.]/g, "\\.")));
    assert.deepEqual(
      await page.$eval("[data-testid=load-state]", (el) => ({ state: el.getAttribute("data-state"), text: el.textContent })),
      { state: "live", text: `● live: ${RUNS.length} newest runs` },
      "the list says it is live, with how many runs it shows",
    );

    const rows = await page.$$eval(ROWS, (trs) =>
      trs.map((tr) => ({
        id: tr.getAttribute("data-trace-id")!,
        status: tr.getAttribute("data-status"),
        expired: tr.getAttribute("data-expired"),
        cells: Object.fromEntries(Array.from(tr.querySelectorAll("td[data-col]")).map((td) => [td.getAttribute("data-col"), (td.textContent ?? "").trim()])),
        link: tr.querySelector("td[data-col=when] a")?.getAttribute("href") ?? null,
      })),
    );
    for (const row of rows) {
      const run = byId.get(row.id)!;
      const label = `row ${row.id}`;
      assert.deepEqual(Object.keys(row.cells).sort(), ["cost", "duration", "failed", "iterations", "preview", "select", "session", "skill", "status", "tools", "user", "when"], `${label}: columns`);
      assert.equal(row.cells.select, "", `${label}: the compare checkbox's cell has no text`);
      assert.equal(row.status, run.status, `${label}: data-status`);
      // Expired runs (expire_at in the past) are marked; the others are not.
      assert.equal(row.expired === "true", run.expired === true, `${label}: data-expired`);
      assert.equal(row.cells.skill, run.skill, `${label}: skill`);
      assert.equal(row.cells.user, run.user, `${label}: user`);
      assert.ok(row.cells.status!.includes(run.status), `${label}: status "${row.cells.status}"`);
      assert.equal(row.cells.duration, formatDuration(run.durationMs), `${label}: duration`);
      assert.equal(row.cells.cost, COSTS[RUNS.indexOf(run)]?.text ?? "—", `${label}: cost`);
      assert.equal(row.cells.iterations, String(run.iterations), `${label}: iterations`);
      assert.equal(row.cells.tools, String(run.tools!.length), `${label}: tool calls`);
      assert.equal(row.cells.failed, String(run.tools!.filter((tool) => tool.isError).length), `${label}: failed calls`);
      // A failure previews its error, a success its final output.
      assert.ok(row.cells.preview!.includes(run.error ?? run.finalOutput!), `${label}: preview "${row.cells.preview}"`);
      assert.ok(row.cells.when, `${label}: when`);
      assert.equal(row.cells.session, "—", `${label}: no session`);
      assert.equal(row.link && new URL(row.link, page.url()).pathname, `/traces/${run.id}`, `${label}: links to its run`);
    }
    await screenshotIfAsked(page, "viewer-list.png");
    await assertHealthy(tab);
  });

  it("makes failures stand out: error and timeout rows are styled unlike success rows", async () => {
    const tab = await viewer.open("/", "list");
    const { page } = tab;
    await waitForListedIds(page, expectedIds(RUNS));
    const look = (id: string) =>
      page.$eval(`tr[data-trace-id="${id}"]`, (tr) => {
        const styles = (el: Element | null) => {
          if (!el) return "";
          const s = getComputedStyle(el);
          return [s.color, s.backgroundColor, s.borderLeftColor, s.borderLeftWidth, s.fontWeight].join("|");
        };
        return [styles(tr), styles(tr.querySelector("td[data-col=status]")), styles(tr.querySelector("td[data-col=status] *"))].join(" / ");
      });
    const success = await look(RUNS[0]!.id);
    assert.notEqual(await look(RUNS[1]!.id), success, "an error row looks different from a success row");
    assert.notEqual(await look(RUNS[3]!.id), success, "a timeout row looks different from a success row");
    await assertHealthy(tab);
  });

  it("opens a run by its link and by clicking anywhere on its row", async () => {
    const tab = await viewer.open("/", "list");
    const { page } = tab;
    await waitForListedIds(page, expectedIds(RUNS));
    const target = RUNS[2]!;
    await page.click(`tr[data-trace-id="${target.id}"] td[data-col=skill]`);
    await waitForRun(page, target.id);
    assert.equal(pathOf(page).pathname, `/traces/${target.id}`);

    await page.goBack();
    await waitForListedIds(page, expectedIds(RUNS));
    const other = RUNS[5]!;
    await page.click(`tr[data-trace-id="${other.id}"] td[data-col=when] a`);
    await waitForRun(page, other.id);
    assert.equal(pathOf(page).pathname, `/traces/${other.id}`);
    await assertHealthy(tab);
  });

  // Each filter given in the URL shows exactly the matching runs (boundaries avoided: no run starts on one).
  const urlFilters = [
    "?status=error",
    "?status=timeout",
    "?status=success",
    "?skill=search",
    "?user=bob",
    "?from=2026-11-20T11:05:00.000Z",
    "?to=2026-11-20T11:35:00.000Z",
    "?from=2026-11-20T10:45:00Z&to=2026-11-20T11:55:00Z&status=error",
    "?skill=planning&user=ann",
  ];
  for (const search of urlFilters) {
    it(`filters by the URL ${search}`, async () => {
      const expected = expectedIds(RUNS, listQueryOf(search));
      assert.ok(expected.length > 0 && expected.length < RUNS.length, "the filter keeps some runs and drops others");
      const tab = await viewer.open(`/${search}`, "list");
      await waitForListedIds(tab.page, expected);
      assert.equal(await tab.page.$eval("[data-testid=empty]", (el) => (el as HTMLElement).hidden || getComputedStyle(el).display === "none").catch(() => true), true, "no 'empty' message");
      await assertHealthy(tab);
    });
  }

  it("says so when no run matches", async () => {
    const tab = await viewer.open("/?user=nobody", "list");
    await waitForListedIds(tab.page, []);
    assert.equal(await tab.page.$eval("[data-testid=empty]", (el) => (el as HTMLElement).offsetParent !== null), true, "the 'empty' message is shown");
    assert.deepEqual(await tab.page.$eval("[data-testid=load-state]", (el) => ({ state: el.getAttribute("data-state"), text: el.textContent })), { state: "empty", text: "No run matches these filters" });
    await assertHealthy(tab);
  });

  it("submitting the filter form puts every filter in the URL (local times as ISO instants) and lists the matching runs", async () => {
    // Europe/Paris is UTC+1 in November: 11:45 local is 10:45Z.
    const tab = await viewer.open("/", "list", { timezone: "Europe/Paris" });
    const { page } = tab;
    await waitForListedIds(page, expectedIds(RUNS));
    const form = "form[data-testid=filters]";
    await page.select(`${form} select[name=status]`, "error");
    await page.type(`${form} input[name=skill]`, "search");
    await page.type(`${form} input[name=user]`, "ann");
    await setInputValue(page, `${form} input[name=from]`, "2026-11-20T11:45");
    await setInputValue(page, `${form} input[name=to]`, "2026-11-20T12:55");
    await page.click(`${form} [type=submit]`);

    await page.waitForFunction(() => location.search.includes("status="));
    const params = Object.fromEntries(new URLSearchParams(pathOf(page).search));
    assert.deepEqual(params, { status: "error", skill: "search", user: "ann", from: "2026-11-20T10:45:00.000Z", to: "2026-11-20T11:55:00.000Z" });
    assert.equal(pathOf(page).pathname, "/");
    const expected = expectedIds(RUNS, params);
    assert.deepEqual(expected, [RUNS[7]!.id], "the form's filter keeps exactly one run");
    await waitForListedIds(page, expected);
    await assertHealthy(tab);
  });

  it("leaves empty filters out of the URL", async () => {
    const tab = await viewer.open("/", "list");
    const { page } = tab;
    await waitForListedIds(page, expectedIds(RUNS));
    await page.select("form[data-testid=filters] select[name=status]", "timeout");
    await page.click("form[data-testid=filters] [type=submit]");
    await page.waitForFunction(() => location.search !== "");
    assert.equal(pathOf(page).search, "?status=timeout");
    await waitForListedIds(page, expectedIds(RUNS, { status: "timeout" }));
    await assertHealthy(tab);
  });
});

describe("viewer: paging through the list", () => {
  const viewer = useBrowser();
  const PAGE = 50;
  /** 120 runs a minute apart, every other one an error: 3 pages unfiltered, 2 of errors. */
  const MANY: ViewerSeed[] = Array.from({ length: 120 }, (_, i) => ({
    id: traceIdFor(0x1000 + i),
    startedAt: minutesAfter(new Date("2026-11-10T12:00:00.000Z"), -i),
    durationMs: 800,
    status: i % 2 === 0 ? "error" : "success",
    skill: "paging",
    user: `user-${i % 7}`,
  }));

  before(async () => {
    await clearFirestore();
    await seedRuns(MANY);
  });

  const isDisabled = (page: Page, testid: string) => page.$eval(`button[data-testid=${testid}]`, (button) => (button as HTMLButtonElement).disabled);

  it("shows 50 runs a page and moves with next and previous", async () => {
    const tab = await viewer.open("/", "list");
    const { page } = tab;
    const all = expectedIds(MANY);
    await waitForListedIds(page, all.slice(0, PAGE));
    assert.equal(await isDisabled(page, "prev-page"), true, "no previous page on the first");
    assert.equal(await isDisabled(page, "next-page"), false);

    await page.click("button[data-testid=next-page]");
    await waitForListedIds(page, all.slice(PAGE, 2 * PAGE));
    assert.equal(await isDisabled(page, "prev-page"), false);
    assert.equal(await page.$eval("[data-testid=load-state][data-state=live]", (el) => el.textContent), "● live: runs 51–100");

    await page.click("button[data-testid=next-page]");
    await waitForListedIds(page, all.slice(2 * PAGE));
    assert.equal(await isDisabled(page, "next-page"), true, "no next page after the last run");

    await page.click("button[data-testid=prev-page]");
    await waitForListedIds(page, all.slice(PAGE, 2 * PAGE));
    await page.click("button[data-testid=prev-page]");
    await waitForListedIds(page, all.slice(0, PAGE));
    assert.equal(await isDisabled(page, "prev-page"), true);
    await assertHealthy(tab);
  });

  it("pages a filtered list within the filter", async () => {
    const tab = await viewer.open("/?status=error", "list");
    const { page } = tab;
    const errors = expectedIds(MANY, { status: "error" });
    assert.equal(errors.length, 60);
    await waitForListedIds(page, errors.slice(0, PAGE));
    await page.click("button[data-testid=next-page]");
    await waitForListedIds(page, errors.slice(PAGE));
    assert.equal(await isDisabled(page, "next-page"), true);
    await assertHealthy(tab);
  });
});

describe("viewer: live list", () => {
  const viewer = useBrowser();

  before(async () => {
    await clearFirestore();
    await seedRuns(RUNS);
  });

  it("shows a run sent through the real recordTrace callable while the list is open, without reloading", async () => {
    const tab = await viewer.open("/", "list");
    const { page } = tab;
    await waitForListedIds(page, expectedIds(RUNS));
    // A marker on the window survives only if the page is not reloaded.
    await page.evaluate(() => ((window as unknown as { viewerTestMarker: string }).viewerTestMarker = "still here"));

    const client = await clientSession();
    try {
      const trace = aTrace({ status: "error", skill: "live", user_id: "live-user", metadata: { error: "sent while watching" } });
      assert.deepEqual(await client.callRecordTrace(trace), { trace_id: trace.trace_id, stored: true, reason: "error" });
      // It started seconds ago, so it is the newest run: on top, above the others.
      await waitForListedIds(page, [trace.trace_id, ...expectedIds(RUNS)]);
      assert.equal(await page.$eval(`tr[data-trace-id="${trace.trace_id}"]`, (tr) => tr.getAttribute("data-status")), "error");
      assert.equal(await page.evaluate(() => (window as unknown as { viewerTestMarker?: string }).viewerTestMarker), "still here", "the page was not reloaded");
    } finally {
      await client.close();
    }
    await assertHealthy(tab);
  });
});

describe("viewer: who sent a run that names another user", () => {
  const viewer = useBrowser();
  const at = new Date("2026-11-22T12:00:00.000Z");
  const seed = (n: number, user: string, recordedBy: string): ViewerSeed => ({ id: traceIdFor(0x500 + n), startedAt: minutesAfter(at, -n), durationMs: 1_000, status: "success", skill: "provenance", user, recordedBy });
  /** Sent by mallory, naming ann; sent by ann herself; and names written as markup, which must stay text. */
  const [byOther, byItself, markup] = [seed(0, "ann", "mallory"), seed(1, "ann", "ann"), seed(2, "<i>ann</i>", "<b>eve</b><img src=x>")];
  const SEEDS = [byOther!, byItself!, markup!];

  before(async () => {
    await clearFirestore();
    await seedRuns(SEEDS);
  });

  /** The user cell of a row or the user_id field of a run: its own text, and the sender note's text, tooltip and look beside the element holding it. */
  const userShown = (page: Page, selector: string) =>
    page.$eval(selector, (cell) => {
      const note = cell.querySelector("[data-testid=sender]");
      const style = (el: Element) => getComputedStyle(el);
      return {
        text: (cell.textContent ?? "").trim(),
        note: note ? { text: note.textContent, title: note.getAttribute("title"), subdued: style(note).color !== style(cell).color && parseFloat(style(note).fontSize) < parseFloat(style(cell).fontSize) } : null,
        elements: Array.from(cell.querySelectorAll("*"), (el) => el.tagName.toLowerCase()),
      };
    });

  it("the list says 'sent by' the sender beside the user, subdued, with a tooltip; nothing when they are the same", async () => {
    const tab = await viewer.open("/", "list");
    const { page } = tab;
    await waitForListedIds(page, expectedIds(SEEDS));
    const other = await userShown(page, `tr[data-trace-id="${byOther!.id}"] td[data-col=user]`);
    assert.equal(other.text, "ann sent by mallory");
    assert.equal(other.note?.text, "sent by mallory");
    assert.match(other.note?.title ?? "", /names the user "ann", but it was sent by the signed-in user "mallory"/);
    assert.equal(other.note?.subdued, true, "the note is greyer and smaller than the user");

    const itself = await userShown(page, `tr[data-trace-id="${byItself!.id}"] td[data-col=user]`);
    assert.deepEqual(itself, { text: "ann", note: null, elements: [] }, "a run sent by the user it names shows the user only");

    const hostile = await userShown(page, `tr[data-trace-id="${markup!.id}"] td[data-col=user]`);
    assert.equal(hostile.text, "<i>ann</i> sent by <b>eve</b><img src=x>", "names are shown as text");
    assert.deepEqual(hostile.elements, ["span"], "no element made of a name: only the note's span");
    await assertHealthy(tab);
  });

  it("the run page says it beside the user, in its header and its user_id field; nothing when they are the same", async () => {
    const tab = await viewer.open(`/traces/${byOther!.id}`, "run");
    const { page } = tab;
    await waitForRun(page, byOther!.id);
    const header = await userShown(page, "[data-testid=run-user]");
    assert.equal(header.text, "User ann sent by mallory");
    assert.match(header.note?.title ?? "", /"ann".*"mallory"/);
    assert.equal(header.note?.subdued, true);
    const field = await userShown(page, "dd[data-field=user_id]");
    assert.equal(field.text, "ann sent by mallory");
    assert.equal(field.note?.subdued, true);
    assert.equal(await page.$eval("dd[data-field=recorded_by]", (dd) => (dd.textContent ?? "").trim()), "mallory");
    await assertHealthy(tab);

    await page.goto(viewerUrl(`/traces/${byItself!.id}`));
    await waitForRun(page, byItself!.id);
    assert.equal(await page.$("[data-testid=sender]"), null, "no sender note");
    assert.equal(await page.$("[data-testid=run-user]"), null, "no header line");
    assert.deepEqual(await userShown(page, "dd[data-field=user_id]"), { text: "ann", note: null, elements: [] });

    await page.goto(viewerUrl(`/traces/${markup!.id}`));
    await waitForRun(page, markup!.id);
    const hostile = await userShown(page, "[data-testid=run-user]");
    assert.equal(hostile.text, "User <i>ann</i> sent by <b>eve</b><img src=x>");
    assert.deepEqual(hostile.elements, ["span"], "names are shown as text, not markup");
    assert.equal(await page.$("[data-testid=run] img, [data-testid=run] b, [data-testid=run] i"), null, "no element made of a name anywhere on the page");
    await assertHealthy(tab);
  });
});

/** Sets an input's value as a user's edit would (input and change events), for inputs puppeteer cannot type into portably (datetime-local). */
async function setInputValue(page: Page, selector: string, value: string): Promise<void> {
  await page.$eval(
    selector,
    (input, text) => {
      (input as HTMLInputElement).value = text;
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.dispatchEvent(new Event("change", { bubbles: true }));
    },
    value,
  );
  assert.equal(await page.$eval(selector, (input) => (input as HTMLInputElement).value.slice(0, 16)), value, `${selector} accepted ${value}`);
}
