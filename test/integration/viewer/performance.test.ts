import { clearFirestore } from "../support/emulators.js";
import { expectedIds, manyRuns, seedRuns } from "./fixtures.js";
import { assertHealthy, timeListLoads, useBrowser, waitForListedIds } from "./viewerPage.js";

const STORED = 1_000;

// How fast is measured by `npm run bench` (B9), not here: these machines are too noisy for a timed test.
describe("viewer: the list with 1,000 stored runs", () => {
  const viewer = useBrowser();
  const runs = manyRuns(STORED);

  before(async function () {
    this.timeout(120_000);
    await clearFirestore();
    await seedRuns(runs);
  });

  it("shows the 50 newest of them on its first screen, on every cold load", async function () {
    this.timeout(120_000);
    const firstPage = expectedIds(runs).slice(0, 50);
    await timeListLoads(viewer.browser(), 2, async (tab) => {
      await waitForListedIds(tab.page, firstPage);
      await assertHealthy(tab);
    });
  });
});
