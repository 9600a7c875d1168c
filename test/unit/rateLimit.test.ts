import { strict as assert } from "node:assert";
import fc from "fast-check";
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

  it("counts a call whose commit lost the race across a slot boundary in its own slot: the stored slot never moves back", () => {
    // A full minute's limit granted to a call that arrived at 10.01 s; a call that arrived at 9.99 s commits after it.
    const afterBoundary = grantTraces(undefined, at(10.01), 600, 600);
    assert.equal(afterBoundary.granted, 600);
    const late = grantTraces(afterBoundary.next, at(9.99), 600, 600);
    assert.equal(late.granted, 0, "the minute's limit is spent whatever order the two commits land in");
    assert.equal(late.next.slot, afterBoundary.next.slot);
    assert.ok(late.retryAfterMs >= 1_000);
  });

  it("never stores more than the limit in any 60 s of arrival, whatever order commits land in around slot boundaries", () => {
    // Six calls that arrived around the 10 s and 20 s boundaries and 70 s later, applied in every order.
    const arrivals = [at(9.99), at(10.01), at(19.999), at(20), at(79.99), at(80.01)];
    const wanted = [250, 250, 250, 250, 250, 250];
    for (const order of permutations(arrivals.map((_, index) => index))) {
      let counts: SlotCounts | undefined;
      const stored: number[] = [];
      for (const call of order) {
        const grant = grantTraces(counts, arrivals[call]!, wanted[call]!, 600);
        assert.ok(!counts || grant.next.slot >= counts.slot, "the stored slot never moves back");
        for (let index = 0; index < grant.granted; index++) stored.push(arrivals[call]!);
        counts = grant.next;
      }
      assertWithinLimit(stored, 600, order.join(","));
      assert.ok(stored.length >= 600, `the limit is used: ${stored.length} stored in order ${order.join(",")}`);
    }
  });

  it("never stores more than the limit in any 60 s of arrival for random arrivals committed up to 8 s late, in random order", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ arrival: fc.integer({ min: 0, max: 240_000 }), delay: fc.integer({ min: 0, max: 8_000 }), wanted: fc.integer({ min: 1, max: 100 }) }), { minLength: 1, maxLength: 80 }),
        fc.integer({ min: 1, max: 300 }),
        (calls, limit) => {
          let counts: SlotCounts | undefined;
          const stored: number[] = [];
          for (const call of [...calls].sort((a, b) => a.arrival + a.delay - (b.arrival + b.delay))) {
            const grant = grantTraces(counts, at(0) + call.arrival, call.wanted, limit);
            if (counts) assert.ok(grant.next.slot >= counts.slot);
            for (let index = 0; index < grant.granted; index++) stored.push(at(0) + call.arrival);
            counts = grant.next;
          }
          assertWithinLimit(stored, limit, "");
        },
      ),
    );
  });

  it("reads a counter stored with 7 slots (before the history was kept) as the newest 7", () => {
    const old: SlotCounts = { slot: at(60) / 10_000, counts: [0, 0, 0, 0, 0, 0, 600] };
    assert.equal(grantTraces(old, at(65), 1, 600).granted, 0);
    assert.equal(grantTraces(old, at(130), 600, 600).granted, 600);
  });
});

function assertWithinLimit(storedAt: readonly number[], limit: number, label: string): void {
  for (const start of storedAt) {
    const inSpan = storedAt.filter((time) => time >= start && time < start + 60_000).length;
    assert.ok(inSpan <= limit, `${inSpan} traces arrived in the 60 s from ${start} (limit ${limit}) ${label}`);
  }
}

function* permutations<T>(items: readonly T[]): Generator<T[]> {
  if (items.length <= 1) {
    yield [...items];
    return;
  }
  for (let index = 0; index < items.length; index++) {
    for (const rest of permutations([...items.slice(0, index), ...items.slice(index + 1)])) yield [items[index]!, ...rest];
  }
}
