/**
 * B9: the viewer's first screen. Cold loads of the list in headless Chromium (the Hosting emulator
 * serving viewer/dist, Firestore on the emulator), from navigation start to an interactive list
 * (rows shown, `data-ready="list"`), with 1,000 stored runs against the same page with 12.
 */
import { launchBrowser } from "../test/integration/support/browser.js";
import { manyRuns, seedRuns } from "../test/integration/viewer/fixtures.js";
import { timeListLoads } from "../test/integration/viewer/viewerPage.js";
import { median } from "./lib/measure.js";
import { formatNumber, formatRatio, type Row } from "./lib/row.js";
import { clearDatabase } from "./lib/stack.js";

const LOADS = 5;
const TARGET_MS = 1_000;
const SIDES = { few: 12, many: 1_000 } as const;

export async function benchViewer(log: (line: string) => void): Promise<Row> {
  if (!process.env.VIEWER_URL) throw new Error("VIEWER_URL is unset: the stack serves the viewer (npm run bench starts it).");
  const browser = await launchBrowser();
  const timesOf = async (stored: number) => {
    await clearDatabase();
    await seedRuns(manyRuns(stored));
    const times = await timeListLoads(browser, LOADS);
    log(`  ${stored} stored: ${times.join(", ")} ms`);
    return median(times);
  };
  try {
    const few = await timesOf(SIDES.few);
    const many = await timesOf(SIDES.many);
    await clearDatabase();
    return {
      id: "B9",
      name: `Viewer: list interactive, ${formatNumber(SIDES.many)} stored runs`,
      ours: `${formatNumber(many)} ms`,
      anchor: `${formatNumber(few)} ms with ${SIDES.few} stored`,
      ratio: formatRatio(many / few),
      target: `≤ ${formatNumber(TARGET_MS)} ms`,
      met: many <= TARGET_MS,
      notes: [
        `Median of ${LOADS} cold loads each (fresh browser context: nothing cached, signed out, then signed in as the local admin), headless Chromium,`,
        "from navigation start to the first page of 50 rows rendered; the page reads 51 documents whatever the collection holds,",
        "so the ratio shows what the stored count costs (the Firestore emulator scans the collection; Firestore reads from the index).",
      ],
    };
  } finally {
    await browser.close();
  }
}
