import { strict as assert } from "node:assert";
import { TraceDroppedError, type TraceSendError } from "@agent-traces/tracer";
import { DEFAULT_RUN_BOUNDS, RunAssembler, type RunAssemblerOptions } from "@agent-traces/tracer/assemble";

interface Run {
  id: string;
}

function setUp(options: Partial<RunAssemblerOptions<Run>> = {}) {
  const reported: TraceSendError[] = [];
  const givenUp: string[] = [];
  let now = 1_000_000;
  const assembler = new RunAssembler<Run>({
    traceIdOf: (run) => `trace-of-${run.id}`,
    onError: (error) => reported.push(error),
    onGivenUp: (key) => givenUp.push(key),
    now: () => now,
    ...options,
  });
  return { assembler, reported, givenUp, tick: (ms: number) => (now += ms) };
}

const open = (assembler: RunAssembler<Run>, key: string) => assembler.open(key, () => ({ id: key }));

describe("RunAssembler: the open runs of an adapter, bounded in count and age", () => {
  it("defaults to 1,000 open runs and 15 minutes", () => {
    assert.deepEqual(DEFAULT_RUN_BOUNDS, { maxOpenRuns: 1000, maxRunAgeMs: 15 * 60_000 });
    const { assembler } = setUp();
    assert.equal(assembler.maxOpenRuns, 1000);
    assert.equal(assembler.maxRunAgeMs, 900_000);
  });

  it("opens a run once per key and hands back the same run while it is open", () => {
    const { assembler } = setUp();
    const run = open(assembler, "a");
    assert.equal(open(assembler, "a"), run);
    assert.equal(assembler.get("a"), run);
    assert.equal(assembler.close("a"), run);
    assert.equal(assembler.get("a"), undefined);
    assert.deepEqual(assembler.stats, { open: 0, evictedRuns: 0, expiredRuns: 0, ignoredSpans: 0 });
  });

  it("beyond maxOpenRuns gives up the oldest: reported through onError (evicted, its trace id) and counted", () => {
    const { assembler, reported, givenUp } = setUp({ maxOpenRuns: 2 });
    open(assembler, "a");
    open(assembler, "b");
    open(assembler, "c");
    assert.deepEqual([...assembler.values()].map((run) => run.id), ["b", "c"]);
    assert.deepEqual(givenUp, ["a"]);
    assert.equal(reported.length, 1);
    assert.equal(reported[0]!.traceId, "trace-of-a");
    assert.equal(reported[0]!.attempts, 0);
    assert.ok(reported[0]!.cause instanceof TraceDroppedError);
    assert.equal((reported[0]!.cause as TraceDroppedError).reason, "evicted");
    assert.match(reported[0]!.message, /2 open runs/);
    assert.deepEqual(assembler.stats, { open: 2, evictedRuns: 1, expiredRuns: 0, ignoredSpans: 0 });
  });

  it("gives up a run open longer than maxRunAgeMs when the next one opens: reported (expired) and counted", () => {
    const { assembler, reported, tick } = setUp({ maxRunAgeMs: 1000 });
    open(assembler, "old");
    tick(600);
    open(assembler, "young");
    tick(500);
    open(assembler, "new");
    assert.deepEqual([...assembler.values()].map((run) => run.id), ["young", "new"]);
    assert.deepEqual(reported.map((error) => [error.traceId, (error.cause as TraceDroppedError).reason]), [["trace-of-old", "expired"]]);
    assert.deepEqual(assembler.stats, { open: 2, evictedRuns: 0, expiredRuns: 1, ignoredSpans: 0 });
    tick(1000);
    assembler.expire();
    assert.equal(assembler.stats.expiredRuns, 3);
  });

  it("never re-opens a run given up: its later spans are ignored and counted, and no other run is pushed out", () => {
    const { assembler, reported } = setUp({ maxOpenRuns: 2 });
    open(assembler, "a");
    open(assembler, "b");
    open(assembler, "c"); // gives up a
    for (let span = 0; span < 5; span++) assert.equal(open(assembler, "a"), undefined, "a's later span opens nothing");
    assert.deepEqual([...assembler.values()].map((run) => run.id), ["b", "c"], "b is still followed");
    assert.equal(reported.length, 1, "only a was given up, once");
    assert.deepEqual(assembler.stats, { open: 2, evictedRuns: 1, expiredRuns: 0, ignoredSpans: 5 });
  });

  it("ignores the keys it is told to (a run that ended early), and remembers a bounded number of them", () => {
    const { assembler } = setUp({ maxIgnoredKeys: 3 });
    for (const key of ["k1", "k2", "k3", "k4"]) assembler.ignore(key);
    assert.equal(open(assembler, "k4"), undefined);
    assert.equal(assembler.ignores("k2"), true);
    assert.ok(open(assembler, "k1"), "the oldest ignored key is forgotten: 3 are remembered");
    assert.equal(assembler.stats.ignoredSpans, 2);
  });

  it("never throws when the report does", () => {
    const warn = console.warn;
    const warnings: unknown[] = [];
    console.warn = (...args: unknown[]) => warnings.push(args);
    try {
      const { assembler } = setUp({ maxOpenRuns: 1, onError: () => { throw new Error("listener broke"); } });
      open(assembler, "a");
      assert.doesNotThrow(() => open(assembler, "b"));
      assert.equal(assembler.stats.evictedRuns, 1);
    } finally {
      console.warn = warn;
    }
    assert.equal(warnings.length, 1);
  });

  it("refuses bounds that make no sense", () => {
    assert.throws(() => setUp({ maxOpenRuns: 0 }), RangeError);
    assert.throws(() => setUp({ maxRunAgeMs: -1 }), RangeError);
  });
});
