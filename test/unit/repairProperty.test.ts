import { strict as assert } from "node:assert";
import { checkProperty, FAILED_RUNS_ARE_REPAIRED, SERVER_REPAIRS_FAILED_RUNS } from "../support/properties.js";

describe("repair, never reject (properties)", () => {
  it(FAILED_RUNS_ARE_REPAIRED.title, function () {
    this.timeout(120_000);
    const counts = checkProperty(FAILED_RUNS_ARE_REPAIRED);
    assert.ok((counts.get("repaired") ?? 0) >= FAILED_RUNS_ARE_REPAIRED.unitRuns / 2, `too few runs needed a repair: ${JSON.stringify([...counts])}`);
    assert.ok((counts.get("values counted") ?? 0) > 0);
  });

  it(SERVER_REPAIRS_FAILED_RUNS.title, function () {
    this.timeout(120_000);
    const counts = checkProperty(SERVER_REPAIRS_FAILED_RUNS);
    assert.ok((counts.get("repaired") ?? 0) >= SERVER_REPAIRS_FAILED_RUNS.unitRuns / 2, JSON.stringify([...counts]));
    assert.ok((counts.get("rejected") ?? 0) > 0, JSON.stringify([...counts]));
  });
});
