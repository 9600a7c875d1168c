import { strict as assert } from "node:assert";
import { costText, formatUsd } from "@agent-traces/store";

describe("store: cost display", () => {
  it("formatUsd: cents from $1, 4 decimals below, 2 significant digits below $0.0001, separators", () => {
    assert.equal(formatUsd(0), "$0");
    assert.equal(formatUsd(12.345), "$12.35");
    assert.equal(formatUsd(1), "$1.00");
    assert.equal(formatUsd(1234567.891), "$1,234,567.89");
    assert.equal(formatUsd(0.0123), "$0.0123");
    assert.equal(formatUsd(0.99999), "$1.0000");
    assert.equal(formatUsd(0.0001), "$0.0001");
    assert.equal(formatUsd(0.000034), "$0.000034");
    assert.equal(formatUsd(0.0000001234), "$0.00000012");
    assert.equal(formatUsd(-0.5), "-$0.5000");
    assert.equal(formatUsd(Number.NaN), "—");
  });

  it("costText: priced, unpriced (never $0), both, or — without usage", () => {
    assert.equal(costText(0.0123, false), "$0.0123");
    assert.equal(costText(undefined, true), "unpriced");
    assert.equal(costText(null, true), "unpriced");
    assert.equal(costText(0.0123, true), "$0.0123 + unpriced");
    assert.equal(costText(0, false), "$0");
    assert.equal(costText(undefined, false), "—");
    assert.equal(costText(null, false), "—");
  });
});
