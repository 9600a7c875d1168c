import { strict as assert } from "node:assert";
import { setTimeout as sleep } from "node:timers/promises";
import { toHttpsError, withinDeadline, WRITE_DEADLINE_MS } from "../../functions/src/recordTrace/firestoreErrors.js";
import { DEFAULT_CALL_TIMEOUT_MS } from "../../packages/tracer/src/exporter/CallableTraceExporter.js";

describe("withinDeadline (recordTrace's bound on a Firestore write)", () => {
  it("answers as the write does when it settles in time", async () => {
    assert.equal(await withinDeadline(Promise.resolve("created"), 1_000), "created");
    const failure = Object.assign(new Error("already exists"), { code: 6 });
    await assert.rejects(withinDeadline(Promise.reject(failure), 1_000), (error) => error === failure);
  });

  it("rejects with DEADLINE_EXCEEDED once the deadline passes, which callers are told to retry", async () => {
    const start = performance.now();
    const error = await withinDeadline(new Promise(() => undefined), 50).then(
      () => assert.fail("a write that never settles cannot succeed"),
      (caught: unknown) => caught,
    );
    assert.ok(performance.now() - start >= 45);
    assert.equal((error as { code?: unknown }).code, 4);
    assert.equal(toHttpsError(error).code, "unavailable");
  });

  it("does not turn a write that fails after the deadline into an unhandled rejection", async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", listener);
    try {
      const late = sleep(80).then(() => Promise.reject(new Error("late failure")));
      await assert.rejects(withinDeadline(late, 20), /within 20 ms/);
      await sleep(120);
      assert.deepEqual(unhandled, []);
    } finally {
      process.off("unhandledRejection", listener);
    }
  });

  it("gives up a second or more before the tracer's call timeout, so the tracer hears `unavailable`", () => {
    // What is left of the call covers validating, sanitizing and the network both ways.
    assert.ok(DEFAULT_CALL_TIMEOUT_MS - WRITE_DEADLINE_MS >= 1_000, `write deadline ${WRITE_DEADLINE_MS} ms, call timeout ${DEFAULT_CALL_TIMEOUT_MS} ms`);
    assert.ok(WRITE_DEADLINE_MS >= 1_000, "a healthy Firestore has time to write");
  });
});
