import { strict as assert } from "node:assert";
import { getTrace } from "@agent-traces/admin";
import type { Page } from "puppeteer-core";
import type { RecordTraceResult } from "@agent-traces/tracer";
import { adminFirestore, clearFirestore, functionsOrigin, projectId } from "../support/emulators.js";
import { waitForReady } from "../support/browser.js";
import { LEAVE_ERROR } from "./pages/shared.js";
import { eventually, useBrowserSuite } from "./support/browserSuite.js";

const PREFIX = "agent-traces:";

interface DeliverApi {
  testApi: { uid(): string; sent(): RecordTraceResult[]; errors(): string[]; flush(timeoutMs: number): Promise<boolean> };
}

interface UnpersistedApi {
  testApi: { traceId(): string; entries(): { afterRun: string[]; afterPagehide: string[] } };
}

interface ToldError {
  traceId: string;
  reason: string | null;
  message: string;
}

interface SwitchApi {
  testApi: {
    uid(): string;
    traceId(): string;
    errors(): ToldError[];
    sent(): RecordTraceResult[];
    switchUser(): Promise<string>;
    run(): Promise<string>;
    flush(timeoutMs: number): Promise<boolean>;
    stats(): { dropped: { failures: number; successes: number } };
  };
}

interface OfflineApi {
  testApi: { uid(): string; traceId(): string; errors(): ToldError[]; flush(timeoutMs: number): Promise<boolean> };
}

/** Refuses the page's requests to the functions emulator while `offline()` says so, as a network down would. */
async function cutFunctions(page: Page, offline: () => boolean): Promise<void> {
  const functions = functionsOrigin().origin;
  await page.setRequestInterception(true);
  page.on("request", (request) => {
    if (request.isInterceptResolutionHandled()) return;
    if (offline() && request.url().startsWith(functions)) void request.abort("connectionrefused");
    else void request.continue();
  });
}

/** The console errors a refused call to the functions emulator makes: expected while it is cut off. */
function refusedCall(problem: { kind: string; url?: string | undefined; text: string }): boolean {
  const functions = functionsOrigin().origin;
  return problem.kind === "console.error" && ((problem.url ?? "").startsWith(functions) || problem.text.includes("ERR_CONNECTION_REFUSED"));
}

/** The localStorage entries of the tracer (`agent-traces:` keys) in the page's origin, key → value. */
function persistedEntries(page: Page): Promise<Record<string, string>> {
  return page.evaluate((prefix: string) => {
    const entries: Record<string, string> = {};
    for (let index = 0; index < localStorage.length; index++) {
      const key = localStorage.key(index)!;
      if (key.startsWith(prefix)) entries[key] = localStorage.getItem(key) ?? "";
    }
    return entries;
  }, PREFIX);
}

describe("the tracer in the browser: a tab closed before its run was sent", () => {
  const suite = useBrowserSuite(["persist"]);

  before(async () => {
    await clearFirestore();
  });

  it("persists the failed run in localStorage, and the next page load delivers it", async function () {
    this.timeout(90_000);
    const functions = functionsOrigin().origin;

    // Page A: no request to the functions emulator gets through, so only the persisted queue can deliver.
    const leaving = await suite.newTab();
    const blocked: string[] = [];
    await leaving.page.setRequestInterception(true);
    leaving.page.on("request", (request) => {
      if (request.isInterceptResolutionHandled()) return;
      if (request.url().startsWith(functions)) {
        blocked.push(request.url());
        void request.abort("connectionrefused");
      } else {
        void request.continue();
      }
    });
    // The page runs its failing run and leaves for /blank.html on its own the moment the run ends.
    const left = leaving.page.waitForRequest((request) => new URL(request.url()).pathname === "/blank.html", { timeout: 30_000 });
    await leaving.page.goto(suite.server().url("/persist.html?step=leave"));
    await left;
    await leaving.page.waitForFunction(() => location.pathname === "/blank.html" && document.readyState === "complete", { timeout: 30_000 });
    const landed = new URL(leaving.page.url());
    const traceId = landed.searchParams.get("trace") ?? "";
    assert.match(traceId, /^[0-9a-f]{32}$/, `page A left with its run's trace id (${landed.href})`);

    const persisted = await persistedEntries(leaving.page);
    const holding = Object.entries(persisted).filter(([, value]) => value.includes(traceId));
    assert.equal(holding.length, 1, `one localStorage entry holds the run (entries: ${JSON.stringify(Object.keys(persisted))})`);
    const [key, value] = holding[0]!;
    assert.ok(key.startsWith(PREFIX));
    const saved = (JSON.parse(value) as { trace_id: string; status: string }[]).find((trace) => trace.trace_id === traceId);
    assert.equal(saved?.status, "error", "the persisted run is the failed run");
    assert.equal(await getTrace(adminFirestore(), traceId), undefined, `nothing reached Firestore from page A (its ${blocked.length} request(s) to the functions emulator were refused)`);
    // page A may have tried to send on pagehide: every such call was refused by the interception.
    leaving.assertNoProblems((problem) => problem.kind === "console.error" && (problem.url ?? "").startsWith(functions));
    await leaving.page.close();

    // Page B: the same site again (same browser context: same localStorage, same signed-in user).
    const delivering = await suite.newTab(leaving.context);
    await delivering.page.goto(suite.server().url("/persist.html?step=deliver"));
    await waitForReady(delivering.page, "ready");
    const stored = await eventually(`trace ${traceId} in Firestore`, () => getTrace(adminFirestore(), traceId), 30_000);
    assert.equal(stored.status, "error");
    assert.equal(stored.skill, "persist");
    assert.equal(stored.user_id, "leaving-user");
    assert.equal(stored.iterations, 2);
    assert.equal(stored.metadata.error, LEAVE_ERROR);
    assert.deepEqual(
      stored.tool_traces.map((tool) => ({ name: tool.name, input: tool.input, output: tool.output, is_error: tool.is_error })),
      [
        { name: "find_hotel", input: { city: "Lyon" }, output: "Hotel du Parc", is_error: false },
        { name: "book_hotel", input: { hotel: "Hotel du Parc" }, output: LEAVE_ERROR, is_error: true },
      ],
    );
    const uid = await delivering.page.evaluate(() => (window as unknown as DeliverApi).testApi.uid());
    assert.equal(stored.recorded_by, uid, "recorded by the page that delivered it");

    assert.equal(await delivering.page.evaluate(() => (window as unknown as DeliverApi).testApi.flush(20_000)), true);
    const answers = await delivering.page.evaluate(() => (window as unknown as DeliverApi).testApi.sent());
    assert.deepEqual(answers.filter((answer) => answer.trace_id === traceId), [{ trace_id: traceId, stored: true, reason: "error" }], "page B's onSent got the answer");
    assert.deepEqual(await delivering.page.evaluate(() => (window as unknown as DeliverApi).testApi.errors()), []);
    await eventually("the localStorage entry to be gone", async () => (Object.values(await persistedEntries(delivering.page)).some((entry) => entry.includes(traceId)) ? undefined : true), 10_000);
    delivering.assertNoProblems();
  });

  it("never sends user A's run as user B: at sign-out A's unsent run is dropped from memory and localStorage, and reported", async function () {
    this.timeout(180_000);
    let offline = true;
    const tab = await suite.newTab();
    await cutFunctions(tab.page, () => offline);
    await tab.page.goto(suite.server().url("/persist.html?step=switch"));
    await waitForReady(tab.page, "ready");
    const uidA = await tab.page.evaluate(() => (window as unknown as SwitchApi).testApi.uid());
    const traceId = await tab.page.evaluate(() => (window as unknown as SwitchApi).testApi.traceId());
    assert.match(traceId, /^[0-9a-f]{32}$/);
    const [key] = await eventually("A's run in localStorage", async () => Object.entries(await persistedEntries(tab.page)).find(([, value]) => value.includes(traceId)), 30_000);
    assert.ok(key.startsWith(`${PREFIX}${projectId}:${encodeURIComponent(uidA)}:`), `keyed by A's uid: ${key}`);

    // A signs out and B signs in on the same page, A's run still unsent (its calls refused).
    const uidB = await tab.page.evaluate(() => (window as unknown as SwitchApi).testApi.switchUser());
    assert.notEqual(uidB, uidA);
    assert.deepEqual(Object.entries(await persistedEntries(tab.page)).filter(([, value]) => value.includes(traceId)), [], "A's run is gone from localStorage");
    const told = await eventually(
      "A's run reported dropped",
      async () => (await tab.page.evaluate(() => (window as unknown as SwitchApi).testApi.errors())).find((error) => error.traceId === traceId && error.reason === "signed_out"),
      30_000,
    );
    assert.match(told.message, /no longer signed in/);

    // Back online, as B: B's own run is stored as B's, and A's never reaches Firestore.
    offline = false;
    const traceIdB = await tab.page.evaluate(() => (window as unknown as SwitchApi).testApi.run());
    assert.equal(await tab.page.evaluate(() => (window as unknown as SwitchApi).testApi.flush(60_000)), true);
    const storedB = await eventually(`trace ${traceIdB} in Firestore`, () => getTrace(adminFirestore(), traceIdB), 30_000);
    assert.equal(storedB.recorded_by, uidB);
    const errors = await tab.page.evaluate(() => (window as unknown as SwitchApi).testApi.errors());
    assert.deepEqual(errors.map((error) => [error.traceId, error.reason]), [[traceId, "signed_out"]], "A's run reported once, nothing else");
    assert.deepEqual((await tab.page.evaluate(() => (window as unknown as SwitchApi).testApi.stats())).dropped, { failures: 1, successes: 0 });

    // B's next page load finds nothing of A's to send.
    const next = await suite.newTab(tab.context);
    await next.page.goto(suite.server().url("/persist.html?step=deliver"));
    await waitForReady(next.page, "ready");
    assert.equal(await next.page.evaluate(() => (window as unknown as DeliverApi).testApi.uid()), uidB);
    assert.equal(await next.page.evaluate(() => (window as unknown as DeliverApi).testApi.flush(60_000)), true);
    assert.equal(await getTrace(adminFirestore(), traceId), undefined, "A's run was never stored, under B or anyone");
    assert.deepEqual(Object.values(await persistedEntries(next.page)).filter((value) => value.includes(traceId)), []);
    tab.assertNoProblems(refusedCall);
    next.assertNoProblems();
  });

  it("keeps a run whose retries ran out while the page stayed open, and the next page load sends it", async function () {
    this.timeout(180_000);
    const tab = await suite.newTab();
    await cutFunctions(tab.page, () => true);
    await tab.page.goto(suite.server().url("/persist.html?step=offline"));
    await waitForReady(tab.page, "ready");
    const uid = await tab.page.evaluate(() => (window as unknown as OfflineApi).testApi.uid());
    const traceId = await tab.page.evaluate(() => (window as unknown as OfflineApi).testApi.traceId());
    assert.equal(await tab.page.evaluate(() => (window as unknown as OfflineApi).testApi.flush(60_000)), true, "its retries ran out");
    const errors = await tab.page.evaluate(() => (window as unknown as OfflineApi).testApi.errors());
    assert.deepEqual(errors.map((error) => error.traceId), [traceId], "reported through onError");
    assert.match(errors[0]!.message, /after 2 attempts/);
    const holding = Object.values(await persistedEntries(tab.page)).filter((value) => value.includes(traceId));
    assert.equal(holding.length, 1, "still in localStorage with the page open");
    assert.equal(await getTrace(adminFirestore(), traceId), undefined);
    tab.assertNoProblems(refusedCall);
    await tab.page.close();

    const next = await suite.newTab(tab.context);
    await next.page.goto(suite.server().url("/persist.html?step=deliver"));
    await waitForReady(next.page, "ready");
    const stored = await eventually(`trace ${traceId} in Firestore`, () => getTrace(adminFirestore(), traceId), 60_000);
    assert.equal(stored.status, "error");
    assert.equal(stored.recorded_by, uid, "sent as the user who recorded it");
    assert.equal(await next.page.evaluate(() => (window as unknown as DeliverApi).testApi.flush(60_000)), true);
    assert.deepEqual(await next.page.evaluate(() => (window as unknown as DeliverApi).testApi.errors()), []);
    await eventually("the localStorage entry to be gone", async () => (Object.values(await persistedEntries(next.page)).some((entry) => entry.includes(traceId)) ? undefined : true), 20_000);
    next.assertNoProblems();
  });

  it("persists nothing with persist: false", async () => {
    const tab = await suite.open("/persist.html?step=unpersisted");
    const traceId = await tab.page.evaluate(() => (window as unknown as UnpersistedApi).testApi.traceId());
    assert.match(traceId, /^[0-9a-f]{32}$/);
    assert.deepEqual(await tab.page.evaluate(() => (window as unknown as UnpersistedApi).testApi.entries()), { afterRun: [], afterPagehide: [] });
    assert.deepEqual(await persistedEntries(tab.page), {});
    tab.assertNoProblems();
  });
});
