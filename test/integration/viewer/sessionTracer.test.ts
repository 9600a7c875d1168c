import { strict as assert } from "node:assert";
import { TRACES_COLLECTION } from "@agent-traces/admin";
import { createTracer, TraceContext, type RecordTraceResult, type TraceSendError, type Tracer } from "@agent-traces/tracer";
import { adminFirestore, clearFirestore, clientSession, type ClientSession } from "../support/emulators.js";
import { sampledTraceId } from "../frameworks/support/sampledIds.js";
import { assertHealthy, useBrowser } from "./viewerPage.js";

const SESSION = `conversation-${Date.now().toString(36)}`;
const USER = "ivy";

/**
 * One turn of the conversation. The server samples successes at its own 10% whatever the tracer's
 * rate, so a success gets an id that sampler keeps (a TraceContext, ended and recorded as withTrace
 * does); the failing turn goes through withTrace itself (failures are always kept).
 */
async function turn(tracer: Tracer, index: number, options: { fails?: boolean; setter?: boolean } = {}): Promise<string> {
  const work = async (trace: TraceContext) => {
    if (options.setter) trace.setSessionId(SESSION);
    trace.incrementIteration();
    await trace.tool("look_up_order", { order: `A-${index}` }, async () => `order A-${index}: shipped`);
    trace.setOutput(`Reply ${index}: your order A-${index} has shipped.`);
    if (options.fails) {
      await trace.tool("refund", { order: `A-${index}` }, async () => {
        throw new Error("refunds are closed");
      });
    }
  };
  if (options.fails) {
    let id = "";
    await assert.rejects(
      tracer.withTrace({ userId: USER, skill: "support", sessionId: SESSION }, async (trace) => {
        id = trace.traceId;
        await work(trace);
      }),
      /refunds are closed/,
    );
    return id;
  }
  const trace = new TraceContext({ traceId: sampledTraceId(true), userId: USER, skill: "support", ...(options.setter ? {} : { sessionId: SESSION }) });
  await work(trace);
  trace.end({ threw: false });
  tracer.record(trace.toTraceInput());
  return trace.traceId;
}

describe("viewer: a conversation recorded by the plain tracer is one session", () => {
  const viewer = useBrowser();
  let client: ClientSession;

  before(async () => {
    await clearFirestore();
    client = await clientSession();
  });
  after(async () => client?.close());

  it("five runs sent through recordTrace (functions emulator) share the session id and show on its page in order", async function () {
    this.timeout(120_000);
    const sent: RecordTraceResult[] = [];
    const failed: TraceSendError[] = [];
    const tracer = createTracer({ functions: client.functions, sampleRate: 1, scheduledDelayMs: 20, onSent: (result) => sent.push(result), onError: (error) => failed.push(error) });
    const ids: string[] = [];
    for (let index = 0; index < 5; index++) {
      ids.push(await turn(tracer, index, { fails: index === 2, setter: index === 4 }));
      // Each turn starts at a later millisecond than the one before, as a user's next message does.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    assert.equal(await tracer.flush(30_000), true);
    await tracer.shutdown();
    assert.deepEqual(failed, []);
    assert.deepEqual(
      sent.map((result) => [result.trace_id, result.stored]).sort(),
      ids.map((id) => [id, true]).sort(),
      "every turn stored",
    );

    const stored = await adminFirestore().collection(TRACES_COLLECTION).where("session_id", "==", SESSION).get();
    assert.deepEqual(stored.docs.map((doc) => doc.id).sort(), [...ids].sort(), "one session in Firestore");
    for (const doc of stored.docs) {
      assert.equal(doc.get("has_session"), true, `${doc.id}: has_session`);
      assert.equal(doc.get("recorded_by"), client.uid);
    }

    const tab = await viewer.open(`/sessions/${encodeURIComponent(SESSION)}`, "session");
    const runs = await tab.page.$$eval("[data-testid=session-run]", (items) =>
      items.map((item) => ({
        id: item.getAttribute("data-trace-id"),
        status: item.getAttribute("data-status"),
        tools: Array.from(item.querySelectorAll("[data-testid=session-tool] .call-name"), (name) => name.textContent),
        output: item.querySelector("[data-testid=session-run-output]")?.textContent ?? "",
      })),
    );
    assert.deepEqual(
      runs.map((run) => run.id),
      ids,
      "the five runs, in the order they ran",
    );
    assert.deepEqual(
      runs.map((run) => run.status),
      ["success", "success", "error", "success", "success"],
    );
    assert.deepEqual(runs[2]!.tools, ["look_up_order", "refund"]);
    for (const [index, run] of runs.entries()) assert.ok(run.output.includes(`Reply ${index}: your order A-${index} has shipped.`), `run ${index}: output "${run.output}"`);
    assert.equal(await tab.page.$eval("[data-testid=session-user]", (el) => el.textContent), USER);
    await assertHealthy(tab);
  });
});
