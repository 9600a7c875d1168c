import { strict as assert } from "node:assert";
import type { Page } from "puppeteer-core";
import type { KeptFor } from "@agent-traces/core";
import { formatDuration } from "@agent-traces/store";
import { TRACES_COLLECTION } from "@agent-traces/admin";
import { adminFirestore, clearFirestore } from "../support/emulators.js";
import { documentOf, expectedIds, minutesAfter, seedRuns, traceIdFor, type ViewerSeed } from "./fixtures.js";
import { openPage } from "../support/browser.js";
import { assertHealthy, closeViewerTab, pathOf, screenshotIfAsked, useBrowser, viewerUrl, waitForListedIds, waitForRun } from "./viewerPage.js";

const BASE = new Date("2026-11-21T09:00:00.000Z");
const RUN_MS = 10_000;
const LONG_FINAL_OUTPUT = `Partial answer. ${"More detail. ".repeat(100)}`;

/**
 * The run under test: four tool calls stored out of time order (the waterfall sorts them), the third
 * stored one failing, one output over the stored limit (cut), and a final output over its limit
 * (cut); the sender dropped 2 calls and shortened 1.
 */
const RUN: ViewerSeed = {
  id: traceIdFor(0x300),
  startedAt: minutesAfter(BASE, 10),
  durationMs: RUN_MS,
  status: "error",
  skill: "research",
  user: "dana",
  iterations: 4,
  tools: [
    { name: "fetch_page", offsetMs: 2_500, durationMs: 5_000, input: { page: "example page a" }, output: '{"status":200,"title":"Example"}' },
    { name: "web_search", offsetMs: 0, durationMs: 2_000, input: { query: "agent tracing" }, output: "3 results" },
    { name: "summarize", offsetMs: 8_000, durationMs: 2_000, isError: true, input: { text: "draft" }, output: "model overloaded" },
    { name: "long_output", offsetMs: 9_000, durationMs: 1_000, input: { size: "large" }, output: "y".repeat(700) },
  ],
  finalOutput: LONG_FINAL_OUTPUT,
  error: "summarize failed: model overloaded",
  metadata: { model: "gemini-2.5-flash" },
  toolTracesDropped: 2,
  toolTracesShortened: 1,
  usage: [
    { model: "gemini-2.5-flash", input_tokens: 12_345, cached_input_tokens: 2_345, output_tokens: 678, reasoning_tokens: 178 },
    { model: "gemini-2.5-pro", input_tokens: 2_000, output_tokens: 0 },
    { model: "in-house-llm", input_tokens: 300, output_tokens: 30 },
    { model: "claude-sonnet-4-5", input_tokens: 10_000, cached_input_tokens: 6_000, cache_write_tokens: 2_000, output_tokens: 1_000 },
  ],
};

/**
 * RUN's usage as its page shows it (model; input incl. cached; cached; cache writes; output incl.
 * reasoning; reasoning; cost), priced by hand at DEFAULT_PRICES (USD per million tokens):
 * gemini-2.5-flash 10,000 × 0.30 + 2,345 cached × 0.03 + 678 × 2.50 (reasoning billed as output) = $0.00476535;
 * gemini-2.5-pro 2,000 × 1.25 = $0.0025; in-house-llm has no price;
 * claude-sonnet-4-5 2,000 × 3 + 6,000 cached × 0.30 + 2,000 written × 3.75 + 1,000 × 15 = $0.0303.
 * Priced in all: $0.03756535.
 */
const USAGE_ROWS = [
  ["gemini-2.5-flash", "12,345", "2,345", "0", "678", "178", "$0.0048"],
  ["gemini-2.5-pro", "2,000", "0", "0", "0", "0", "$0.0025"],
  ["in-house-llm", "300", "0", "0", "30", "0", "unpriced"],
  ["claude-sonnet-4-5", "10,000", "6,000", "2,000", "1,000", "0", "$0.0303"],
  ["Total", "24,645", "8,345", "2,000", "1,708", "178", "$0.0376 + unpriced"],
];

/** Around RUN, newest first: A, B, C, RUN, D, E, F. The errors are A, C, RUN and F, so j/k within `?status=error` skip B, D and E. */
const run = (name: number, minutes: number, status: ViewerSeed["status"]): ViewerSeed => ({
  id: traceIdFor(0x200 + name),
  startedAt: minutesAfter(BASE, minutes),
  durationMs: 1_000,
  status,
  skill: "research",
  user: "dana",
  ...(status === "error" ? { error: `neighbour ${name} failed` } : {}),
});
const [A, B, C, D, E, F] = [run(1, 40, "error"), run(2, 30, "success"), run(3, 20, "error"), run(4, 0, "success"), run(5, -10, "timeout"), run(6, -20, "error")];
const RUNS = [A!, B!, C!, RUN, D!, E!, F!];

/** Successes kept for other reasons than the sampler, older than F: a keep rule on both sides (weight 1), the server's rule over the sender's 0.5 sampler (weight 2), negative feedback (weight 0). */
const kept = (name: number, minutes: number, keptFor: KeptFor, sampleRate: number): ViewerSeed => ({ ...run(name, minutes, "success"), keptFor, sampleRate });
const [FAILED_TOOL, SLOW, FEEDBACK] = [kept(7, -30, "failed_tool", 1), kept(8, -40, "slow", 0.5), kept(9, -50, "feedback", 0.1)];

describe("viewer: the run page", () => {
  const viewer = useBrowser();

  before(async () => {
    await clearFirestore();
    await seedRuns([...RUNS, FAILED_TOOL!, SLOW!, FEEDBACK!]);
  });

  it("shows every stored field", async () => {
    const stored = (await adminFirestore().collection(TRACES_COLLECTION).doc(RUN.id).get()).data()!;
    const tab = await viewer.open(`/traces/${RUN.id}`, "run");
    const { page } = tab;
    await waitForRun(page, RUN.id);
    const fields = await page.$$eval("dl[data-testid=fields] > dt", (dts) =>
      dts.map((dt) => {
        let dd = dt.nextElementSibling;
        while (dd && dd.tagName !== "DD") dd = dd.nextElementSibling;
        return [(dt.textContent ?? "").trim(), (dd?.textContent ?? "").trim()] as const;
      }),
    );
    const shown = new Map(fields);
    // Every stored field has its dt/dd, but the tool calls (the waterfall), the token usage and the final output (sections of their own).
    const expected = Object.keys(stored).filter((key) => key !== "tool_traces" && key !== "final_output" && key !== "usage");
    assert.deepEqual(expected.filter((key) => !shown.has(key)), [], "stored fields missing from the field list");
    for (const [key, text] of shown) assert.notEqual(text, "", `${key} shows a value`);

    const field = (key: string) => shown.get(key) ?? "";
    assert.ok(field("trace_id").includes(RUN.id));
    assert.match(field("status"), /\berror\b/);
    assert.equal(field("skill"), "research");
    assert.equal(field("user_id"), "dana");
    assert.equal(field("iterations"), "4");
    assert.equal(field("tool_error_count"), "1");
    assert.equal(field("tool_traces_dropped"), "2");
    assert.equal(field("tool_traces_shortened"), "1");
    assert.equal(field("sample_rate"), "0.1");
    assert.equal(field("recorded_by"), RUN.user, "sent by the user it names (the seed's default)");
    assert.ok(field("duration_ms").includes(formatDuration(RUN_MS)), `duration_ms: ${field("duration_ms")}`);
    for (const key of ["started_at", "ended_at", "received_at", "expire_at"]) {
      const iso = (stored[key] as { toDate(): Date }).toDate().toISOString();
      assert.ok(field(key).includes(iso), `${key} shows ${iso}: "${field(key)}"`);
    }
    assert.ok(field("metadata").includes("gemini-2.5-flash"), "metadata is shown");
    assert.ok(field("failed_tools").includes("summarize"), "failed_tools is shown");
    const usageRows = await page.$$eval("[data-testid=usage] tbody tr", (rows) => rows.map((row) => Array.from(row.children, (cell) => (cell.textContent ?? "").trim())));
    assert.deepEqual(usageRows, USAGE_ROWS);
    const usageHead = await page.$$eval("[data-testid=usage] thead th", (ths) => ths.map((th) => (th.textContent ?? "").trim()));
    assert.deepEqual(usageHead, ["Model", "Input (incl. cached)", "Cached", "Cache writes", "Output (incl. reasoning)", "Reasoning", "Cost"]);
    const runCost = await page.$eval("[data-testid=run-cost]", (p) => (p.textContent ?? "").trim());
    assert.match(runCost, /^Cost of the run: \$0\.0376 \+ unpriced \(no price for in-house-llm: its tokens are left out of the sum, not counted as free\)$/);
    assert.equal(field("cost_usd"), String(stored.cost_usd), "the stored cost is in the field list");
    assert.equal(field("unpriced_models"), JSON.stringify(["in-house-llm"], null, 2));

    const runText = await page.$eval("[data-testid=run]", (el) => el.textContent ?? "");
    assert.ok(runText.includes("Partial answer. More detail."), "the final output is shown");
    assert.ok((await page.$eval("[data-testid=run-error]", (el) => el.textContent ?? "")).includes(RUN.error!), "the run's error is shown");
    await screenshotIfAsked(page, "viewer-run.png");
    await assertHealthy(tab);
  });

  it("says why each run was kept and the runs it stands for", async () => {
    const tab = await viewer.open(`/traces/${RUN.id}`, "run");
    const { page } = tab;
    const cases: [ViewerSeed, string][] = [
      [RUN, "Kept because it failed: every failed run is kept; it stands for itself (1 run)."],
      [E!, "Kept because it timed out: every timed-out run is kept; it stands for itself (1 run)."],
      [B!, "Kept because the sampler picked it (successes kept at 10.0%); it stands for 10 runs (1 / the rate it was kept at)."],
      [FAILED_TOOL!, "Kept because a tool call failed (keep rule: failed tool); it stands for itself (1 run)."],
      [SLOW!, "Kept because it was slower than the keep threshold (keep rule: slow); it stands for 2 runs (1 / the rate it was kept at)."],
      [FEEDBACK!, "Kept because a user rated it thumbs-down after the sampler had dropped it; it stands for no run in the estimates (the sampled runs' weights already count it)."],
    ];
    for (const [seed, text] of cases) {
      await page.goto(new URL(`/traces/${seed.id}`, page.url()).href);
      await waitForRun(page, seed.id);
      assert.equal(await page.$eval("[data-testid=kept-for]", (p) => (p.textContent ?? "").trim()), text, `${seed.id} (${seed.keptFor ?? seed.status})`);
    }
    await assertHealthy(tab);
  });

  it("shows a run stored before costs and keep reasons were: no cost made up, no reason", async () => {
    const older: ViewerSeed = { ...run(10, -60, "success"), usage: [{ model: "gemini-2.5-flash", input_tokens: 1_000, output_tokens: 100 }] };
    const { cost_usd: _cost, unpriced_models: _unpriced, kept_for: _keptFor, weight: _weight, weight_variance: _variance, ...document } = documentOf(older);
    document.usage = document.usage?.map(({ cost_usd: _entryCost, ...entry }) => entry);
    assert.ok(Math.abs((_cost ?? 0) - 0.00055) < 1e-12, `the seed is priced when stored now (so the fields really are left out): ${_cost}`);
    await adminFirestore().collection(TRACES_COLLECTION).doc(older.id).set(document);
    const tab = await viewer.open(`/traces/${older.id}`, "run");
    const { page } = tab;
    await waitForRun(page, older.id);
    const rows = await page.$$eval("[data-testid=usage] tbody tr", (trs) => trs.map((tr) => Array.from(tr.children, (cell) => (cell.textContent ?? "").trim())));
    assert.deepEqual(rows, [["gemini-2.5-flash", "1,000", "0", "0", "100", "0", "—"]]);
    assert.equal(await page.$eval("[data-testid=run-cost]", (p) => (p.textContent ?? "").trim()), "Cost of the run: — (not priced: stored before costs were computed)");
    assert.equal(await page.$("[data-testid=kept-for]"), null, "no reason is made up");
    await assertHealthy(tab);
  });

  it("draws the tool calls as a waterfall: ordered by start, bars at offset and duration over the run, the failing call marked", async () => {
    const tab = await viewer.open(`/traces/${RUN.id}`, "run");
    const { page } = tab;
    const rows = await page.$$eval("[data-testid=waterfall] [data-testid=tool-call]", (calls) =>
      calls.map((call) => {
        const bar = call.querySelector<HTMLElement>("[data-testid=bar]");
        return { index: Number(call.getAttribute("data-index")), error: call.getAttribute("data-error"), left: bar?.style.left ?? "", width: bar?.style.width ?? "" };
      }),
    );
    // Stored order is fetch_page(2.5 s), web_search(0 s), summarize(8 s), long_output(9 s): shown by start.
    assert.deepEqual(
      rows.map((row) => row.index),
      [1, 0, 2, 3],
    );
    for (const row of rows) {
      const tool = RUN.tools![row.index]!;
      assert.equal(row.error, String(tool.isError === true), `call ${row.index}: data-error`);
      assert.match(row.left, /%$/, `call ${row.index}: left in percent`);
      assert.match(row.width, /%$/, `call ${row.index}: width in percent`);
      assertClose(parseFloat(row.left), (tool.offsetMs / RUN_MS) * 100, `call ${row.index}: left`);
      assertClose(parseFloat(row.width), (tool.durationMs / RUN_MS) * 100, `call ${row.index}: width`);
    }
    await assertHealthy(tab);
  });

  it("shows each call's input and output readably", async () => {
    const tab = await viewer.open(`/traces/${RUN.id}`, "run");
    const { page } = tab;
    for (const [index, input, output] of [
      [1, "agent tracing", "3 results"],
      [0, "example page a", "Example"],
      [2, "draft", "model overloaded"],
    ] as const) {
      const call = (await page.$(`[data-testid=tool-call][data-index="${index}"]`))!;
      const io = (await call.$("[data-testid=tool-io]"))!;
      assert.ok(io, `call ${index} has its details`);
      // A collapsed call opens with one click on it (checkVisibility: content of a closed <details> is not rendered).
      if (!(await io.evaluate((el) => el.checkVisibility()))) await call.click();
      await page.waitForFunction((el) => el.checkVisibility(), { timeout: 5_000 }, io);
      const blocks = await io.$$eval("pre", (pres) => pres.map((pre) => pre.textContent ?? ""));
      assert.ok(blocks.some((text) => text.includes(input)), `call ${index}: a pre block shows the input "${input}" (${JSON.stringify(blocks)})`);
      assert.ok(blocks.some((text) => text.includes(output)), `call ${index}: a pre block shows the output "${output}"`);
    }
    await assertHealthy(tab);
  });

  it("says plainly what was cut, dropped and shortened, and nothing on a run that lost nothing", async () => {
    const tab = await viewer.open(`/traces/${RUN.id}`, "run");
    const { page } = tab;
    const notices = await page.$eval("[data-testid=notices]", (el) => (el as HTMLElement).innerText);
    const lines = notices.split("\n").filter((line) => line.trim());
    const has = (pattern: RegExp) => assert.ok(lines.some((line) => pattern.test(line)), `a notice matches ${pattern}:\n${notices}`);
    has(/\b2\b.*\bdropped\b/i);
    has(/\b1\b.*\bshortened\b/i);
    has(/final output.*\bcut\b.*\b1316\b/i);
    has(/\b1\b.*output.*\bcut\b/i);

    await page.goto(new URL(`/traces/${B!.id}`, page.url()).href);
    await waitForRun(page, B!.id);
    const quiet = await page.$eval("body", (body) => (body.querySelector("[data-testid=notices]")?.textContent ?? "").trim());
    assert.equal(quiet, "", "no notices on a run stored whole");
    await assertHealthy(tab);
  });

  it("copies the id and downloads the run as JSON", async () => {
    const tab = await viewer.open(`/traces/${RUN.id}`, "run");
    const { page, context } = tab;
    await context.setPermission(new URL(page.url()).origin, { permission: { name: "clipboard-read" }, state: "granted" }, { permission: { name: "clipboard-write" }, state: "granted" });
    await page.click("button[data-testid=copy-id]");
    await page.waitForFunction((id: string) => navigator.clipboard.readText().then((text) => text === id), { timeout: 5_000 }, RUN.id).catch(async () => {
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), RUN.id, "the clipboard holds the trace id");
    });

    const link = await page.$eval("a[data-testid=download-json]", (a) => ({ href: (a as HTMLAnchorElement).href, download: a.getAttribute("download") }));
    assert.notEqual(link.download, null, "the link downloads (has a download attribute)");
    const downloaded = (await page.evaluate((href: string) => fetch(href).then((response) => response.json()), link.href)) as Record<string, unknown>;
    assert.equal(downloaded.trace_id, RUN.id);
    assert.equal(downloaded.status, "error");
    assert.equal((downloaded.tool_traces as unknown[]).length, 4, "the JSON holds the tool calls");
    await assertHealthy(tab);
  });

  it("moves with j (older) and k (newer) within the list it came from", async () => {
    const tab = await viewer.open("/?status=error", "list");
    const { page } = tab;
    await waitForListedIds(page, expectedIds(RUNS, { status: "error" }));
    assert.deepEqual(expectedIds(RUNS, { status: "error" }), [A!.id, C!.id, RUN.id, F!.id]);
    await page.click(`tr[data-trace-id="${RUN.id}"] td[data-col=skill]`);
    await waitForRun(page, RUN.id);
    assert.deepEqual(pathOf(page), { pathname: `/traces/${RUN.id}`, search: "?status=error" }, "the run page keeps the list's query");
    assert.equal(await hrefOf(page, "prev-run"), `/traces/${C!.id}?status=error`);
    assert.equal(await hrefOf(page, "next-run"), `/traces/${F!.id}?status=error`);

    // j: the next older error (F), skipping the success D and the timeout E that sit between.
    await page.keyboard.press("j");
    await waitForRun(page, F!.id);
    assert.deepEqual(pathOf(page), { pathname: `/traces/${F!.id}`, search: "?status=error" });
    await page.keyboard.press("k");
    await waitForRun(page, RUN.id);
    await page.keyboard.press("k");
    await waitForRun(page, C!.id);
    assert.deepEqual(pathOf(page), { pathname: `/traces/${C!.id}`, search: "?status=error" });
    await assertHealthy(tab);
  });

  it("says not found for an unknown id", async () => {
    const unknown = traceIdFor(0xdead);
    const tab = await viewer.open(`/traces/${unknown}`, "not-found");
    assert.ok(await tab.page.$("[data-testid=not-found]"), "the not-found message is shown");
    assert.equal(await tab.page.$("[data-testid=run]"), null, "no run is shown");
    await assertHealthy(tab);
  });

  it("says Firestore has not answered, never 'not found', while it is offline; shows the run once Firestore answers", async function () {
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
      await page.goto(viewerUrl(`/traces/${RUN.id}`));
      await page.waitForSelector("[data-testid=load-state][data-state=offline]", { timeout: 60_000 });
      assert.match(await page.$eval("[data-testid=load-state]", (el) => el.textContent ?? ""), /^Firestore has not answered yet/);
      assert.equal(await page.$("[data-testid=not-found]"), null, "not 'not found': Firestore has not said so");
      assert.equal(await page.$("[data-testid=run]"), null);
      assert.equal(await page.evaluate(() => document.body.dataset.ready ?? null), null, "not ready: nothing is known yet");

      offline = false;
      await waitForRun(page, RUN.id, 120_000);
      // Reconnected, the SDK may show the run from its cache (offline) before the server confirms it.
      await page.waitForSelector("[data-testid=load-state][data-state=live]", { timeout: 120_000 });
      assert.equal(await page.$eval("[data-testid=load-state]", (el) => el.getAttribute("data-state")), "live");
      // The SDK logs its failed connection attempts as console errors (expected here); no error is shown on the page.
      assert.equal(await page.$("[data-testid=error]"), null);
    } finally {
      await closeViewerTab(tab);
    }
  });
});

async function hrefOf(page: Page, testid: string): Promise<string | null> {
  return page.$eval(`a[data-testid=${testid}]`, (a) => a.getAttribute("href"));
}

function assertClose(actual: number, expected: number, message: string): void {
  assert.ok(Math.abs(actual - expected) <= 0.05, `${message}: ${actual}% should be ${expected}%`);
}
