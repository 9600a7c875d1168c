import { strict as assert } from "node:assert";
import { demoReportWindows } from "../../scripts/demo/runDemoReport.js";

/** The windows as [start, end) ISO minutes, for short assertions. */
function windows(startedAt: string, endedAt: string, windowHours: number): string[][] {
  return demoReportWindows(new Date(startedAt), new Date(endedAt), windowHours).map(({ start, end }) => [start.toISOString().slice(0, 16), end.toISOString().slice(0, 16)]);
}

describe("npm start's demo report: the windows the scheduled function is triggered for", () => {
  it("with 1-hour windows: the hour the demo ran in, or both hours when it crossed one, fixed by when the demo ended", () => {
    assert.deepEqual(windows("2026-12-03T10:50:00Z", "2026-12-03T10:58:00Z", 1), [["2026-12-03T10:00", "2026-12-03T11:00"]]);
    assert.deepEqual(windows("2026-12-03T10:50:00Z", "2026-12-03T11:05:00Z", 1), [
      ["2026-12-03T10:00", "2026-12-03T11:00"],
      ["2026-12-03T11:00", "2026-12-03T12:00"],
    ]);
    assert.deepEqual(windows("2026-12-03T10:00:00Z", "2026-12-03T10:59:59.999Z", 1), [["2026-12-03T10:00", "2026-12-03T11:00"]], "the hour's first and last instants");
  });

  it("with longer windows: each the full hours before its schedule time, as few as cover the demo's hours, the last ending with the demo's hour", () => {
    assert.deepEqual(windows("2026-12-03T10:50:00Z", "2026-12-03T11:05:00Z", 3), [["2026-12-03T09:00", "2026-12-03T12:00"]]);
    assert.deepEqual(windows("2026-12-03T08:50:00Z", "2026-12-03T11:05:00Z", 2), [
      ["2026-12-03T08:00", "2026-12-03T10:00"],
      ["2026-12-03T10:00", "2026-12-03T12:00"],
    ]);
    assert.deepEqual(windows("2026-12-03T10:50:00Z", "2026-12-03T11:05:00Z", 24), [["2026-12-02T12:00", "2026-12-03T12:00"]]);
  });
});
