import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { randomTraceId, TraceIdRatioBasedSampler } from "@agent-traces/core";
import { REDACTED } from "../../packages/core/src/redact.js";
import { getTrace } from "@agent-traces/admin";
import { createTracer, flush, getCurrentTrace, TraceContext, withTrace, type RecordTraceResult, type TraceSendError } from "@agent-traces/tracer";
import { adminFirestore, clearFirestore, clientSession, type ClientSession } from "./support/emulators.js";

/** A param of the demo project's functions, as the emulator runs them (functions/.env.demo-agent-traces). */
function demoParam(name: string): string {
  const line = readFileSync(new URL("../../functions/.env.demo-agent-traces", import.meta.url), "utf8")
    .split("\n")
    .find((text) => text.startsWith(`${name}=`));
  return line?.slice(name.length + 1).trim() ?? assert.fail(`${name} is not set for the demo project`);
}

/** A random trace id the 0.1 sampler drops: a success under it is stored only when a keep rule holds. */
function droppedTraceId(): string {
  const sampler = new TraceIdRatioBasedSampler(0.1);
  for (;;) {
    const id = randomTraceId();
    if (!sampler.shouldSample(id)) return id;
  }
}

describe("the tracer end to end: withTrace -> recordTrace (functions emulator) -> Firestore", () => {
  let client: ClientSession;
  const sent: RecordTraceResult[] = [];
  const failed: TraceSendError[] = [];
  const options = () => ({ functions: client.functions, onSent: (result: RecordTraceResult) => sent.push(result), onError: (error: TraceSendError) => failed.push(error) });

  before(async () => {
    await clearFirestore();
    client = await clientSession();
  });
  after(async () => client.close());

  it("stores a failed run as the agent did it: tools, errors, iterations, output, redaction", async () => {
    const apiKey = `sk-proj-${"Ab3".repeat(12)}`;
    let traceId = "";
    const agentError = new Error("the planner gave up");
    const outcome = withTrace({ ...options(), userId: "alice", skill: "research", metadata: { model: "gemini-2.5-flash" } }, async (trace) => {
      traceId = trace.traceId;
      trace.incrementIteration();
      await trace.tool("web_search", { query: "firestore ttl", api_key: apiKey }, async () => "3 results");
      trace.incrementIteration();
      await getCurrentTrace()!
        .tool("fetch_page", { url: "https://example.com" }, async () => {
          throw new Error("ECONNRESET");
        })
        .catch(() => undefined);
      trace.setOutput(`partial answer, key ${apiKey}`);
      throw agentError;
    });
    await assert.rejects(outcome, (error) => error === agentError, "the agent's own error comes back unchanged");
    await flush();

    assert.deepEqual(failed, []);
    assert.deepEqual(sent.find((result) => result.trace_id === traceId), { trace_id: traceId, stored: true, reason: "error" });
    const stored = await getTrace(adminFirestore(), traceId);
    assert.ok(stored, "the trace is stored");
    assert.equal(stored.status, "error");
    assert.equal(stored.user_id, "alice");
    assert.equal(stored.skill, "research");
    assert.equal(stored.recorded_by, client.uid);
    assert.equal(stored.iterations, 2);
    assert.equal(stored.metadata.error, "the planner gave up");
    assert.equal(stored.metadata.model, "gemini-2.5-flash");
    assert.deepEqual(stored.tool_traces.map((tool) => [tool.name, tool.is_error]), [["web_search", false], ["fetch_page", true]]);
    assert.equal(stored.tool_traces[0]!.output, "3 results");
    assert.equal(stored.tool_traces[0]!.input.api_key, REDACTED);
    assert.equal(stored.tool_traces[1]!.output, "ECONNRESET");
    assert.equal(stored.tool_error_count, 1);
    assert.equal(stored.final_output, `partial answer, key ${REDACTED}`);
    assert.ok(stored.duration_ms !== null && stored.duration_ms >= 0);
    assert.ok(Date.parse(stored.tool_traces[1]!.timestamp) >= Date.parse(stored.started_at));
  });

  it("sends a success only when the shared sampler keeps its id, and the server agrees", async () => {
    const sampler = new TraceIdRatioBasedSampler(0.1);
    const ids: string[] = [];
    for (let run = 0; run < 40; run++) {
      await withTrace({ ...options(), skill: "planning" }, async (trace) => {
        ids.push(trace.traceId);
        trace.setOutput("ok");
      });
    }
    await flush();
    const kept = ids.filter((id) => sampler.shouldSample(id));
    const sentIds = sent.filter((result) => ids.includes(result.trace_id));
    assert.deepEqual(sentIds.map((result) => result.trace_id).sort(), [...kept].sort(), "exactly the sampled ids were sent");
    assert.ok(sentIds.every((result) => result.reason === "sampled" && result.stored));
    for (const id of ids) assert.equal(Boolean(await getTrace(adminFirestore(), id)), kept.includes(id), `trace ${id}`);
    assert.equal(await getTrace(adminFirestore(), randomTraceId()), undefined);
  });

  it("stores every success whose tool call threw though the run returned: 20 of 20 at 0.1, kept for failed_tool, weight 1", async () => {
    const sampler = new TraceIdRatioBasedSampler(0.1);
    const ids: string[] = [];
    for (let run = 0; run < 20; run++) {
      const answer = await withTrace({ ...options(), sampleRate: 0.1, skill: "booking", userId: `booker-${run}` }, async (trace) => {
        ids.push(trace.traceId);
        await trace.tool("search_hotels", { city: "Lyon" }, async () => "2 hotels");
        const booked = await trace
          .tool("book_hotel", { hotel: "H1", run }, async () => {
            throw new Error(`booking API down (run ${run})`);
          })
          .catch(() => "not booked");
        trace.setOutput(`run ${run}: ${booked}`);
        return booked;
      });
      assert.equal(answer, "not booked");
    }
    await flush();
    assert.deepEqual(failed, []);
    assert.ok(ids.filter((id) => !sampler.shouldSample(id)).length >= 10, "most of these ids the 0.1 sampler drops");
    for (const [run, id] of ids.entries()) {
      assert.deepEqual(sent.find((result) => result.trace_id === id), { trace_id: id, stored: true, reason: "failed_tool" }, `run ${run}`);
      const stored = await getTrace(adminFirestore(), id);
      assert.ok(stored, `run ${run} is stored`);
      assert.deepEqual([stored.status, stored.kept_for, stored.sample_rate, stored.weight, stored.user_id], ["success", "failed_tool", 1, 1, `booker-${run}`]);
      assert.deepEqual(stored.tool_traces.map((tool) => [tool.name, tool.is_error]), [["search_hotels", false], ["book_hotel", true]]);
    }
  });

  it("sends a run slower than keep.slowerThanMs; the server stores it for sure only over its own TRACE_KEEP_SLOWER_THAN_MS", async () => {
    const serverSlowMs = Number(demoParam("TRACE_KEEP_SLOWER_THAN_MS"));
    assert.ok(serverSlowMs >= 2000, `the demo server keeps runs slower than ${serverSlowMs} ms`);
    const tracer = createTracer({ ...options(), sampleRate: 0.1, keep: { slowerThanMs: serverSlowMs } });

    // A run handed over finished (as the framework processors do), a little slower than both thresholds, under an id the sampler drops.
    const endedAt = new Date();
    const slow = new TraceContext({ traceId: droppedTraceId(), skill: "slow-report" });
    slow.setOutput("done, slowly");
    slow.end({ threw: false, endedAt });
    const input = { ...slow.toTraceInput(), started_at: new Date(endedAt.getTime() - serverSlowMs - 500).toISOString() };
    tracer.record(input);

    // A real run slower than a lower tracer threshold (1000 ms) but not the server's: sent, then sampled by the server.
    const quick = createTracer({ ...options(), sampleRate: 0.1, keep: { slowerThanMs: 1000 } });
    let quickId = "";
    await quick.withTrace({ skill: "slowish" }, async (trace) => {
      quickId = trace.traceId;
      await sleep(1100);
    });
    assert.equal(await tracer.flush(30_000), true);
    assert.equal(await quick.flush(30_000), true);
    assert.deepEqual(failed, []);

    assert.equal(tracer.stats.keptByRule, 1);
    assert.deepEqual(sent.find((result) => result.trace_id === slow.traceId), { trace_id: slow.traceId, stored: true, reason: "slow" });
    const stored = await getTrace(adminFirestore(), slow.traceId);
    assert.ok(stored, "the slow run is stored");
    assert.deepEqual([stored.kept_for, stored.sample_rate, stored.weight], ["slow", 1, 1]);
    assert.ok(stored.duration_ms! > serverSlowMs);

    assert.equal(quick.stats.keptByRule, 1, "the tracer sent the 1.1 s run by its own rule");
    const sampled = new TraceIdRatioBasedSampler(0.1).shouldSample(quickId);
    assert.deepEqual(sent.find((result) => result.trace_id === quickId), { trace_id: quickId, stored: sampled, reason: sampled ? "sampled" : "sampled_out" }, "the server samples it: not slow by its rule");
    assert.equal(Boolean(await getTrace(adminFirestore(), quickId)), sampled);
    await Promise.all([tracer.shutdown(), quick.shutdown()]);
  });
});
