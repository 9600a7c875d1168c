import { strict as assert } from "node:assert";
import { CONTENT_NOT_CAPTURED_NOTICE } from "@agent-traces/core";
import { clearFirestore } from "../support/emulators.js";
import { minutesAfter, seedRuns, traceIdFor, type ViewerSeed } from "./fixtures.js";
import { assertHealthy, useBrowser, waitForListedIds, waitForRun } from "./viewerPage.js";

const SECRETS = ["dana@example.com", "order #A-7731", "the parcel left Lyon", "SMTP 550 mailbox full", "Sorry, Dana"];

/** A failed run stored with content capture off: its content is descriptions of what it was. */
const RUN: ViewerSeed = {
  id: traceIdFor(0x500),
  startedAt: minutesAfter(new Date("2026-11-21T09:00:00.000Z"), 5),
  durationMs: 4_000,
  status: "error",
  skill: "support",
  user: "dana",
  tools: [
    { name: "look_up_order", offsetMs: 0, durationMs: 1_000, input: { email: SECRETS[0]!, order: SECRETS[1]! }, output: SECRETS[2]! },
    { name: "send_mail", offsetMs: 1_500, durationMs: 500, isError: true, input: { to: SECRETS[0]! }, output: SECRETS[3]! },
  ],
  finalOutput: SECRETS[4]!,
  error: `send_mail failed: ${SECRETS[3]}`,
  metadata: { model: "gemini-2.5-flash" },
  contentCaptured: false,
};

/** The same run with its content captured: no notice. */
const { contentCaptured: _omitted, ...captured } = RUN;
const CAPTURED: ViewerSeed = { ...captured, id: traceIdFor(0x501), startedAt: minutesAfter(RUN.startedAt, -1) };

describe("viewer: a run stored with content capture off (Chromium)", () => {
  const viewer = useBrowser();

  before(async () => {
    await clearFirestore();
    await seedRuns([RUN, CAPTURED]);
  });

  it("lists it like any run", async () => {
    const tab = await viewer.open("/", "list");
    await waitForListedIds(tab.page, [RUN.id, CAPTURED.id]);
    await assertHealthy(tab);
  });

  it("says plainly that content was not captured, and shows the descriptions as they are", async () => {
    const tab = await viewer.open(`/traces/${RUN.id}`, "run");
    const { page } = tab;
    await waitForRun(page, RUN.id);
    const notices = await page.$eval("[data-testid=notices]", (el) => (el as HTMLElement).innerText);
    assert.ok(notices.includes(CONTENT_NOT_CAPTURED_NOTICE), `the notice is shown:\n${notices}`);

    const error = await page.$eval("[data-testid=run-error]", (el) => (el as HTMLElement).innerText);
    assert.match(error, /\[not captured: string, 39 chars\]/);
    // Open every call: the content of a closed <details> is not rendered.
    for (const call of await page.$$("[data-testid=tool-call]")) if (!(await call.evaluate((el) => (el as HTMLDetailsElement).open))) await call.click();
    const io = await page.$$eval("[data-testid=tool-io]", (blocks) => blocks.map((block) => (block as HTMLElement).innerText));
    assert.equal(io.length, 2);
    assert.match(io[0]!, /email\s+\[not captured: string, 16 chars\]/);
    assert.match(io[0]!, /order\s+\[not captured: string, 13 chars\]/);
    // Headings are upper-cased by the style sheet: innerText says OUTPUT.
    assert.match(io[0]!, /Output\s+\[not captured: string, 20 chars\]/i);
    assert.match(io[1]!, /Error output\s+\[not captured: string, 21 chars\]/i);
    const text = await page.$eval("[data-testid=run]", (el) => (el as HTMLElement).innerText);
    assert.match(text, /Final output\s+\[not captured: string, 11 chars\]/i);
    assert.match(text, /content_captured\s+false/);
    assert.deepEqual(SECRETS.filter((secret) => text.includes(secret)), [], "no content on the page");
    assert.ok(text.includes("look_up_order") && text.includes("send_mail") && text.includes("gemini-2.5-flash"), "the run's shape and labels are shown");
    await assertHealthy(tab);
  });

  it("says nothing of the kind on a run whose content was captured", async () => {
    const tab = await viewer.open(`/traces/${CAPTURED.id}`, "run");
    await waitForRun(tab.page, CAPTURED.id);
    const text = await tab.page.$eval("[data-testid=run]", (el) => (el as HTMLElement).innerText);
    assert.ok(!text.includes(CONTENT_NOT_CAPTURED_NOTICE));
    assert.ok(text.includes(SECRETS[4]!), "its final output is shown");
    await assertHealthy(tab);
  });
});
