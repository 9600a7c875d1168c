import { strict as assert } from "node:assert";
import fc from "fast-check";
import { HttpsError } from "firebase-functions/v2/https";
import { isRetryableCode, MAX_CALL_BYTES } from "@agent-traces/core";
import { checkRecordTraceCallBudget } from "../../functions/src/config.js";
import { admitted, BUSY_RETRY_AFTER_MS, requestBodyBytes } from "../../functions/src/recordTrace/callAdmission.js";
import { InFlightBudget } from "../../functions/src/recordTrace/inFlightBudget.js";
import { inFlightBudgetBytes, MEMORY_HEADROOM, maxConcurrencyFor, worstCaseBytes } from "../../functions/src/recordTrace/memoryPerInstance.js";
import { withoutFunctionLogs } from "../integration/reliability/support/quietLogs.js";

const MIB = 1024 * 1024;
const caller = { auth: { uid: "caller", token: {} as never, rawToken: "" } };

/** A promise settled from outside: a Firestore write that lands (or fails) when the test says. */
function pending<T = void>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

async function refusal(promise: Promise<unknown>): Promise<HttpsError> {
  const error = await promise.then(() => assert.fail("expected a refusal"), (caught: unknown) => caught);
  assert.ok(error instanceof HttpsError, String(error));
  return error;
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("InFlightBudget", () => {
  it("takes bytes while they fit, up to the limit exactly, and refuses what would pass it without taking anything", () => {
    const budget = new InFlightBudget(100);
    const first = budget.take(60);
    assert.ok(first);
    assert.equal(budget.take(41), undefined);
    assert.deepEqual([budget.bytesInFlight, budget.callsInFlight], [60, 1]);
    const second = budget.take(40);
    assert.ok(second);
    assert.deepEqual([budget.bytesInFlight, budget.callsInFlight], [100, 2]);
    assert.equal(budget.take(1), undefined);
    assert.ok(budget.take(0), "an empty call always fits");
  });

  it("gives bytes back once per take, however often its release is called", () => {
    const budget = new InFlightBudget(100);
    const release = budget.take(70)!;
    release();
    release();
    assert.deepEqual([budget.bytesInFlight, budget.callsInFlight], [0, 0]);
    const again = budget.take(100);
    assert.ok(again, "the whole limit is free again");
    release();
    assert.equal(budget.bytesInFlight, 100, "a stale release gives back nothing of another call's");
  });

  it("refuses sizes and limits that are not whole numbers of bytes", () => {
    assert.throws(() => new InFlightBudget(0), RangeError);
    assert.throws(() => new InFlightBudget(1.5), RangeError);
    const budget = new InFlightBudget(10);
    for (const bad of [-1, 0.5, Number.NaN, Number.POSITIVE_INFINITY]) assert.throws(() => budget.take(bad), RangeError);
  });

  it("never holds more than its limit, and refuses exactly what would pass it, whatever the order of takes and releases (property)", () => {
    const step = fc.oneof(fc.record({ take: fc.integer({ min: 0, max: 400 }) }), fc.record({ release: fc.nat(50) }));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000 }), fc.array(step, { maxLength: 200 }), (limit, steps) => {
        const budget = new InFlightBudget(limit);
        const held: { bytes: number; release: () => void }[] = [];
        for (const next of steps) {
          if ("take" in next) {
            const before = budget.bytesInFlight;
            const release = budget.take(next.take);
            assert.equal(release === undefined, before + next.take > limit);
            if (release) held.push({ bytes: next.take, release });
          } else if (held.length > 0) {
            held.splice(next.release % held.length, 1)[0]!.release();
          }
          assert.ok(budget.bytesInFlight <= limit);
          assert.equal(budget.bytesInFlight, held.reduce((sum, call) => sum + call.bytes, 0));
          assert.equal(budget.callsInFlight, held.length);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("recordTrace call admission (callAdmission.ts)", () => {
  it("measures a body by its raw bytes, else its Content-Length, else its data as JSON", () => {
    const rawBody = Buffer.from(JSON.stringify({ data: { traces: ["漢字"] } }));
    assert.equal(requestBodyBytes({ rawRequest: { rawBody, headers: { "content-length": "3" } } as never, data: null }), rawBody.byteLength);
    assert.equal(requestBodyBytes({ rawRequest: { headers: { "content-length": "1234" } } as never, data: null }), 1234);
    assert.equal(requestBodyBytes({ rawRequest: undefined as never, data: { text: "é" } }), Buffer.byteLength('{"data":{"text":"é"}}'));
  });

  it("refuses a body over MAX_CALL_BYTES as invalid-argument naming its size, before reading it and whatever room there is", async () => {
    let ran = false;
    const budget = new InFlightBudget(100 * MIB);
    const error = await withoutFunctionLogs(() => refusal(admitted(caller, MAX_CALL_BYTES + 1, budget, async () => (ran = true))));
    assert.equal(error.code, "invalid-argument");
    assert.match(error.message, new RegExp(`${MAX_CALL_BYTES + 1} bytes`));
    assert.deepEqual(error.details, { body_bytes: MAX_CALL_BYTES + 1, max_bytes: MAX_CALL_BYTES });
    assert.equal(isRetryableCode(error.code), false, "retrying the same body cannot help");
    assert.equal(ran, false);
    assert.equal(budget.bytesInFlight, 0);
    // A body of MAX_CALL_BYTES exactly is admitted.
    assert.equal(await admitted(caller, MAX_CALL_BYTES, budget, async () => "stored"), "stored");
  });

  it("refuses a call that does not fit beside those under way as resource-exhausted with a jittered retry_after_ms, without running it", async () => {
    const budget = new InFlightBudget(MAX_CALL_BYTES);
    const write = pending();
    const first = admitted(caller, MAX_CALL_BYTES, budget, async (onWrite) => (onWrite(write.promise), await write.promise, "first"));
    let ran = false;
    const waits: number[] = [];
    for (const random of [0, 0.5, 0.999999]) {
      const error = await withoutFunctionLogs(() => refusal(admitted(caller, 1, budget, async () => (ran = true), { random: () => random })));
      assert.equal(error.code, "resource-exhausted");
      assert.ok(isRetryableCode(error.code), "the tracer retries it");
      waits.push((error.details as { retry_after_ms: number }).retry_after_ms);
    }
    assert.deepEqual(waits, [BUSY_RETRY_AFTER_MS / 2, (BUSY_RETRY_AFTER_MS * 3) / 4, BUSY_RETRY_AFTER_MS]);
    assert.equal(ran, false);
    write.resolve();
    assert.equal(await first, "first");
    await settle();
    assert.equal(await admitted(caller, 1, budget, async () => "second"), "second", "room again once the first call and its write settled");
  });

  it("holds a call's bytes until the write it started settles, also when the call gave up on it first (its deadline)", async () => {
    const budget = new InFlightBudget(10);
    const write = pending();
    const answer = await admitted(caller, 8, budget, async (onWrite) => {
      onWrite(write.promise);
      return "unavailable: the write did not complete within its deadline";
    });
    assert.match(answer, /deadline/);
    await settle();
    assert.equal(budget.bytesInFlight, 8, "the write still holds its documents");
    write.reject(new Error("the write failed at last"));
    await settle();
    assert.equal(budget.bytesInFlight, 0);
  });

  it("gives the bytes back when the call fails", async () => {
    const budget = new InFlightBudget(10);
    await assert.rejects(admitted(caller, 10, budget, () => Promise.reject(new HttpsError("invalid-argument", "bad trace"))), /bad trace/);
    await settle();
    assert.equal(budget.bytesInFlight, 0);
  });

  it("under a flood of the largest calls whose writes hang, holds no more than its budget and answers the rest retryable at once", () =>
    withoutFunctionLogs(async () => {
      const budget = new InFlightBudget(inFlightBudgetBytes(512, 80));
      const writes = Array.from({ length: 40 }, () => pending());
      let highWater = 0;
      const calls = writes.map((write) =>
        admitted(caller, MAX_CALL_BYTES, budget, async (onWrite) => {
          highWater = Math.max(highWater, budget.bytesInFlight);
          onWrite(write.promise);
          await write.promise;
          return "stored";
        }).then(
          (answer) => answer,
          (error: HttpsError) => error.code,
        ),
      );
      const refused = await Promise.all(calls.slice(Math.floor(budget.limitBytes / MAX_CALL_BYTES)));
      assert.ok(refused.every((code) => code === "resource-exhausted"), refused.join(", "));
      assert.ok(highWater <= budget.limitBytes && budget.bytesInFlight <= budget.limitBytes);
      for (const write of writes) write.resolve();
      const answers = await Promise.all(calls);
      assert.equal(answers.filter((answer) => answer === "stored").length, Math.floor(budget.limitBytes / MAX_CALL_BYTES));
    }));
});

describe("recordTrace memory per instance (memoryPerInstance.ts, config.ts)", () => {
  it("the defaults (512 MiB, 80 at once) leave room for calls under way, and their worst case fits the memory with headroom", () => {
    const budget = inFlightBudgetBytes(512, 80);
    assert.ok(budget >= MAX_CALL_BYTES, `${budget} bytes in flight`);
    assert.ok(worstCaseBytes(budget, 80) <= 512 * MIB * MEMORY_HEADROOM);
    assert.ok(worstCaseBytes(budget + MAX_CALL_BYTES, 80) > 512 * MIB * MEMORY_HEADROOM, "the budget is as large as fits, not smaller");
  });

  it("maxConcurrencyFor is the highest concurrency that still leaves room for one call", () => {
    for (const memory of [256, 512, 1024, 2048, 4096]) {
      const most = maxConcurrencyFor(memory);
      assert.ok(inFlightBudgetBytes(memory, most) >= MAX_CALL_BYTES, `${memory} MiB at ${most}`);
      assert.ok(inFlightBudgetBytes(memory, most + 1) < MAX_CALL_BYTES, `${memory} MiB at ${most + 1}`);
    }
  });

  describe("checkRecordTraceCallBudget (params from the environment, as deployed)", () => {
    const names = ["RECORD_TRACE_MEMORY_MIB", "RECORD_TRACE_CONCURRENCY"] as const;
    const saved = names.map((name) => process.env[name]);
    afterEach(() => names.forEach((name, index) => (saved[index] === undefined ? delete process.env[name] : (process.env[name] = saved[index]))));
    const withParams = (memory: string, concurrency: string) => {
      process.env.RECORD_TRACE_MEMORY_MIB = memory;
      process.env.RECORD_TRACE_CONCURRENCY = concurrency;
      return checkRecordTraceCallBudget();
    };

    it("derives the budget from the memory and the concurrency", () => {
      assert.deepEqual(withParams("512", "80"), { ok: true, config: { memoryMiB: 512, concurrency: 80, bytesInFlight: inFlightBudgetBytes(512, 80) } });
      const larger = withParams("1024", "80");
      assert.ok(larger.ok && larger.config.bytesInFlight > inFlightBudgetBytes(512, 80));
    });

    it("reports a concurrency the memory cannot hold at worst, naming the most that fits", () => {
      const check = withParams("256", "80");
      assert.ok(!check.ok);
      assert.deepEqual(check.problems.map((problem) => problem.param), ["RECORD_TRACE_CONCURRENCY"]);
      assert.match(check.problems[0]!.problem, new RegExp(`at most ${maxConcurrencyFor(256)} at 256 MiB`));
    });

    it("reports a memory that is no Cloud Functions size and a concurrency out of range", () => {
      const check = withParams("500", "0");
      assert.ok(!check.ok);
      assert.deepEqual(check.problems.map((problem) => problem.param).sort(), ["RECORD_TRACE_CONCURRENCY", "RECORD_TRACE_MEMORY_MIB"]);
    });
  });
});
