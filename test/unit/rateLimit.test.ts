import { strict as assert } from "node:assert";
import { grantTraces, type SlotCounts } from "@agent-traces/admin";

const at = (seconds: number) => 1_000_000_000_000 + seconds * 1_000; // a multiple of 10 s

describe("per-uid rate limit (stored traces in the last minute)", () => {
  it("grants up to the limit, then refuses with the wait until the oldest traces slide out", () => {
    const first = grantTraces(undefined, at(5), 400, 600);
    assert.deepEqual([first.granted, first.retryAfterMs], [400, 0]);
    const second = grantTraces(first.next, at(25), 400, 600);
    assert.equal(second.granted, 200);
    // The 400 of 0-10 s leave the window when the slot starting at 70 s begins.
    assert.equal(second.retryAfterMs, at(70) - at(25));
    assert.equal(grantTraces(second.next, at(69), 1, 600).granted, 0);
    const later = grantTraces(second.next, at(70), 1_000, 600);
    assert.equal(later.granted, 400);
  });

  it("never stores more than the limit in any 60 s, a burst across minutes included", () => {
    let counts: SlotCounts | undefined;
    const storedAt: number[] = [];
    // 1,200 traces in 100 calls over 60 s, starting 33 s into a minute.
    for (let call = 0; call < 100; call++) {
      const now = at(33) + call * 600;
      const grant = grantTraces(counts, now, 12, 600);
      for (let index = 0; index < grant.granted; index++) storedAt.push(now);
      counts = grant.next;
    }
    assert.equal(storedAt.length, 600);
    // ...and keeps going at the limit's pace afterwards: every 60 s span holds at most 600.
    for (let call = 100; call < 400; call++) {
      const now = at(33) + call * 600;
      const grant = grantTraces(counts, now, 12, 600);
      for (let index = 0; index < grant.granted; index++) storedAt.push(now);
      counts = grant.next;
    }
    for (const start of storedAt) {
      const inSpan = storedAt.filter((time) => time >= start && time < start + 60_000).length;
      assert.ok(inSpan <= 600, `${inSpan} traces in the 60 s from ${start}`);
    }
    assert.ok(storedAt.length >= 600 + 2 * 500, `kept pace: ${storedAt.length} stored over 4 minutes`);
  });

  it("tells a caller refused everything to wait at least a second, and forgets counts older than the window", () => {
    const full: SlotCounts = { slot: at(0) / 10_000, counts: [0, 0, 0, 0, 0, 0, 600] };
    const refused = grantTraces(full, at(9.99), 1, 600);
    assert.equal(refused.granted, 0);
    assert.ok(refused.retryAfterMs >= 1_000);
    assert.equal(grantTraces(full, at(70), 600, 600).granted, 600);
  });
});
