import { strict as assert } from "node:assert";
import { parseInstant } from "../../packages/cli/src/duration.js";
import { inTimeZone } from "../support/timeZone.js";

describe("cli: --since / --until times", () => {
  const now = new Date("2025-03-01T12:00:00.000Z");
  inTimeZone("Europe/Paris"); // UTC+1 on these dates: shows that zoneless times are local

  it("counts spans back from now", () => {
    const cases: [string, string][] = [
      ["45s", "2025-03-01T11:59:15.000Z"],
      ["30m", "2025-03-01T11:30:00.000Z"],
      ["1h", "2025-03-01T11:00:00.000Z"],
      ["2d", "2025-02-27T12:00:00.000Z"],
      ["1w", "2025-02-22T12:00:00.000Z"],
      ["0m", "2025-03-01T12:00:00.000Z"],
    ];
    for (const [text, iso] of cases) assert.equal(parseInstant(text, now).toISOString(), iso, text);
  });

  it("reads ISO date-times with a zone as given", () => {
    assert.equal(parseInstant("2025-02-01T10:20:30Z", now).toISOString(), "2025-02-01T10:20:30.000Z");
    assert.equal(parseInstant("2025-02-01T10:20:30.123456789z", now).toISOString(), "2025-02-01T10:20:30.123Z");
    assert.equal(parseInstant("2025-02-01T10:20+02:00", now).toISOString(), "2025-02-01T08:20:00.000Z");
    assert.equal(parseInstant("2025-02-01T10:20:00-0530", now).toISOString(), "2025-02-01T15:50:00.000Z");
  });

  it("reads zoneless date-times and bare dates as local time", () => {
    assert.equal(parseInstant("2025-02-01T10:20", now).toISOString(), "2025-02-01T09:20:00.000Z");
    assert.equal(parseInstant("2025-02-01 10:20:30", now).toISOString(), "2025-02-01T09:20:30.000Z");
    assert.equal(parseInstant("2025-02-01", now).toISOString(), "2025-01-31T23:00:00.000Z");
    assert.equal(parseInstant("0050-06-01T00:00:00Z", now).toISOString(), "0050-06-01T00:00:00.000Z");
  });

  it("refuses what is not a time, with one line naming the value", () => {
    for (const text of ["", "1", "h", "1.5h", "-1h", "1y", "1 h", "now", "2025-02-30", "2025-13-01", "2025-02-01T24:00", "2025-02-01T10:60", "2025/02/01", "2025-02-01Z", "20250201"]) {
      assert.throws(() => parseInstant(text, now), (error: unknown) => error instanceof RangeError && error.message.startsWith(`${JSON.stringify(text)} is not a time`), text);
    }
  });

  it("refuses instants Firestore cannot hold", () => {
    assert.throws(() => parseInstant("0000-12-31T00:00:00Z", now), /outside the years 0001 to 9999/);
    assert.throws(() => parseInstant("999999999d", now), /outside the years 0001 to 9999/);
  });
});
