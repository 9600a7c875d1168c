import { strict as assert } from "node:assert";
import { randomTraceId, TraceIdRatioBasedSampler } from "@agent-traces/core";
import { REDACTED } from "../../packages/core/src/redact.js";
import { getTrace } from "@agent-traces/admin";
import { flush, getCurrentTrace, withTrace, type RecordTraceResult, type TraceSendError } from "@agent-traces/tracer";
import { adminFirestore, clearFirestore, clientSession, type ClientSession } from "./support/emulators.js";

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
});
