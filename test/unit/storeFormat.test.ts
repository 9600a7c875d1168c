import { strict as assert } from "node:assert";
import { costText, formatDuration, formatInstant, formatUsd } from "@agent-traces/store";
import { inTimeZone } from "../support/timeZone.js";

describe("store: display formats", () => {
  inTimeZone("UTC");

  it("formats durations", () => {
    const cases: [number | null | undefined, string][] = [
      [0, "0ms"],
      [850, "850ms"],
      [999.4, "999ms"],
      [1_000, "1.00s"],
      [1_234, "1.23s"],
      [9_999, "9.99s"],
      [12_345, "12.3s"],
      [59_999, "59.9s"],
      [60_000, "1m00s"],
      [125_000, "2m05s"],
      [3_599_999, "59m59s"],
      [3_725_000, "1h02m"],
      [null, "—"],
      [undefined, "—"],
      [Number.NaN, "—"],
      [Number.POSITIVE_INFINITY, "—"],
    ];
    for (const [ms, text] of cases) assert.equal(formatDuration(ms), text, String(ms));
  });

  it("formats USD: cents from $1, 4 decimals below, 2 significant digits below $0.0001", () => {
    const cases: [number, string][] = [
      [0.0123, "$0.0123"],
      [0.01234, "$0.0123"],
      [0.0001, "$0.0001"],
      [0.00005, "$0.000050"],
      [0.0000123, "$0.000012"],
      [0.00000012, "$0.00000012"],
      [1, "$1.00"],
      [1234.567, "$1,234.57"],
      [0, "$0"],
      [Number.NaN, "—"],
    ];
    for (const [usd, text] of cases) assert.equal(formatUsd(usd), text, String(usd));
  });

  it("writes a cost, never an unpriced one as free", () => {
    const cases: [number | null | undefined, boolean, string][] = [
      [0.0123, false, "$0.0123"],
      [0.0123, true, "$0.0123 + unpriced"],
      [undefined, true, "unpriced"],
      [null, true, "unpriced"],
      [undefined, false, "—"],
      [null, false, "—"],
    ];
    for (const [usd, unpriced, text] of cases) assert.equal(costText(usd, unpriced), text, `${usd}, unpriced ${unpriced}`);
  });

  it("formats instants in local time, short or precise", () => {
    assert.equal(formatInstant("2025-03-01T12:00:05.120Z"), "2025-03-01 12:00:05");
    assert.equal(formatInstant("2025-03-01T12:00:05.120Z", true), "2025-03-01 12:00:05.120 +00:00");
    assert.equal(formatInstant(null), "—");
    assert.equal(formatInstant(""), "—");
  });

  it("gives back text that names no instant as it is", () => {
    assert.equal(formatInstant("not a time"), "not a time");
  });
});
