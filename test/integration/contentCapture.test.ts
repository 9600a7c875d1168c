import { strict as assert } from "node:assert";
import { randomBytes } from "node:crypto";
import { setTraceProcessors, setTracingDisabled, Runner } from "@openai/agents";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { isContentDescription, type TraceInput } from "@agent-traces/core";
import { TRACES_COLLECTION } from "@agent-traces/admin";
import { AgentTracesSpanProcessor } from "@agent-traces/otel";
import { AgentTracesTracingProcessor } from "@agent-traces/openai-agents";
import { createTracer, type RecordTraceResult, type TraceSendError } from "@agent-traces/tracer";
import type { RecordTraceConfig } from "../../functions/src/config.js";
import { handleRecordTrace } from "../../functions/src/recordTrace/recordTraceHandler.js";
import { adminFirestore, clearFirestore, clientSession, type ClientSession } from "./support/emulators.js";
import { aTrace } from "./support/traces.js";
import { aiSdk7, ensureContextManager, scriptedRun, type ScriptedRun } from "./frameworks/support/aiSdkRuns.js";
import { travelAgent } from "./frameworks/support/openaiAgents.js";
import { sampledTraceId } from "./frameworks/support/sampledIds.js";

/**
 * Content capture off, against the emulators: whatever sends a run (a sender that sends everything to a
 * server with TRACE_CAPTURE_CONTENT off; the plain tracer and the adapters with `captureContent: false`
 * through the functions emulator), no input, output or error text of it reaches Firestore: the stored
 * document, read raw, holds none of the run's content strings, and keeps its shape.
 */

/** The stored document as Firestore holds it, as text: every string in it, keys included. */
async function storedText(traceId: string, timeoutMs = 5_000): Promise<{ text: string; data: Record<string, unknown> }> {
  for (const deadline = Date.now() + timeoutMs; ; ) {
    const snapshot = await adminFirestore().collection(TRACES_COLLECTION).doc(traceId).get();
    if (snapshot.exists) return { text: JSON.stringify(snapshot.data()), data: snapshot.data()! };
    if (Date.now() > deadline) assert.fail(`trace ${traceId} was not stored within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Fails naming every content string found in the stored document. */
function assertNoContent(text: string, content: readonly string[], label: string): void {
  assert.deepEqual(content.filter((piece) => text.includes(piece)), [], `${label}: content stored`);
}

/** The tool calls as stored, without their times: names, flags, input keys, and whether each value is a description. */
function shapeOf(data: Record<string, unknown>): unknown[] {
  const tools = data.tool_traces as { name: string; is_error: boolean; input: Record<string, string>; output: string }[];
  return tools.map((tool) => ({
    name: tool.name,
    is_error: tool.is_error,
    input: Object.keys(tool.input).sort(),
    described: [...Object.values(tool.input), tool.output].every((text) => text === "" || isContentDescription(text)),
  }));
}

const SECRETS = ["alice@example.com", "card 4111-1111", "order #A-7731 shipped", "SMTP 550 mailbox full", "I am sorry, Alice"];

/** A failed run that carries every secret in its tool inputs, outputs, final output and error. */
function fullRun(overrides: Partial<TraceInput> = {}): TraceInput {
  const base = aTrace({ user_id: "user-7", skill: "support", status: "error", final_output: SECRETS[4], metadata: { error: `send_mail failed: ${SECRETS[3]}`, model: "gemini-2.5-flash" } });
  const at = base.started_at;
  return {
    ...base,
    tool_traces: [
      { name: "look_up_order", input: { email: SECRETS[0], payment: { card: SECRETS[1] } }, output: SECRETS[2], duration_ms: 120, is_error: false, timestamp: at },
      { name: "send_mail", input: { to: SECRETS[0] }, output: SECRETS[3], duration_ms: 40, is_error: true, timestamp: at },
    ],
    ...overrides,
  };
}

describe("content capture off: recordTrace stores no content (Firestore emulator, functions emulator)", () => {
  before(clearFirestore);

  describe("TRACE_CAPTURE_CONTENT off: the server enforces it whatever the sender sends (handler, Firestore emulator)", () => {
    const config: RecordTraceConfig = { sampleRate: 1, ttlDays: 7, errorTtlDays: 7, enforceAppCheck: false, rateLimitPerMinute: 0, captureContent: false };
    const caller = { uid: "content-off", token: {} as never, rawToken: "" };

    it("stores a run sent with all its content, and one that claims content_captured true, without it", async () => {
      for (const run of [fullRun(), fullRun({ content_captured: true }), fullRun({ status: "success" })]) {
        const result = await handleRecordTrace({ auth: caller, data: run }, { db: adminFirestore(), config });
        assert.equal((result as RecordTraceResult).stored, true);
        const { text, data } = await storedText(run.trace_id as string);
        assertNoContent(text, SECRETS, run.status);
        assert.equal(data.content_captured, false);
        assert.deepEqual(shapeOf(data), [
          { name: "look_up_order", is_error: false, input: ["email", "payment"], described: true },
          { name: "send_mail", is_error: true, input: ["to"], described: true },
        ]);
        assert.deepEqual(data.failed_tools, [{ name: "send_mail", calls: 1 }]);
        assert.deepEqual(data.metadata, { error: "[not captured: string, 39 chars]", model: "gemini-2.5-flash" }, "the error described, the labels kept");
        assert.equal(data.final_output, "[not captured: string, 17 chars]");
      }
    });

    it("stores the batch form's runs, and a failed run it has to repair, without content", async () => {
      // Its trace id and a nested array in metadata (the developer's labels, kept) are repaired; its error is content.
      const repaired = fullRun({ trace_id: "not-a-trace-id", metadata: { error: SECRETS[3], grid: [[1, 2]] } });
      const batch = { traces: [fullRun(), repaired], sample_rate: 1 };
      const answer = (await handleRecordTrace({ auth: caller, data: batch }, { db: adminFirestore(), config })) as { results: RecordTraceResult[] };
      assert.equal(answer.results.length, 2);
      for (const result of answer.results) {
        assert.equal(result.stored, true, JSON.stringify(result));
        const { text, data } = await storedText(result.trace_id);
        assertNoContent(text, SECRETS, result.trace_id);
        assert.equal(data.content_captured, false);
      }
    });

    it("stores content when the param is on and the sender captured it", async () => {
      const run = fullRun();
      await handleRecordTrace({ auth: caller, data: run }, { db: adminFirestore(), config: { ...config, captureContent: true } });
      const { text, data } = await storedText(run.trace_id as string);
      assert.deepEqual(SECRETS.filter((piece) => !text.includes(piece)), [], "every piece stored");
      assert.equal("content_captured" in data, false);
    });
  });

  describe("the tracer's captureContent: false, through the functions emulator", () => {
    let client: ClientSession;
    before(async () => {
      client = await clientSession();
    });
    after(async () => client?.close());

    it("the plain tracer (withTrace, record): a failed and a successful run stored without content", async () => {
      const failed: TraceSendError[] = [];
      const sent: RecordTraceResult[] = [];
      const tracer = createTracer({ functions: client.functions, captureContent: false, sampleRate: 1, scheduledDelayMs: 20, onError: (error) => failed.push(error), onSent: (result) => sent.push(result) });
      await assert.rejects(
        tracer.withTrace({ userId: "user-7", skill: "support", metadata: { model: "gemini-2.5-flash" } }, async (trace) => {
          await trace.tool("look_up_order", { email: SECRETS[0], payment: { card: SECRETS[1] } }, async () => SECRETS[2]);
          await trace.tool("send_mail", { to: SECRETS[0] }, async () => {
            throw new Error(SECRETS[3]);
          });
        }),
        /SMTP 550/,
      );
      // A success the server's 10% sampler keeps, so the test does not depend on chance.
      const success = fullRun({ status: "success", trace_id: sampledTraceId(true) });
      tracer.record(success);
      assert.equal(await tracer.flush(15_000), true);
      await tracer.shutdown();
      assert.deepEqual(failed, []);
      assert.equal(sent.length, 2);
      for (const result of sent) {
        assert.equal(result.stored, true);
        const { text, data } = await storedText(result.trace_id);
        assertNoContent(text, SECRETS, result.trace_id);
        assert.equal(data.content_captured, false);
        assert.equal(data.recorded_by, client.uid);
        assert.deepEqual(shapeOf(data).map((tool) => (tool as { described: boolean }).described), [true, true]);
      }
      const thrown = (await storedText(sent.find((result) => result.trace_id !== success.trace_id)!.trace_id)).data;
      assert.deepEqual(shapeOf(thrown), [
        { name: "look_up_order", is_error: false, input: ["email", "payment"], described: true },
        { name: "send_mail", is_error: true, input: ["to"], described: true },
      ]);
      assert.ok(isContentDescription((thrown.metadata as { error: unknown }).error), "the error is a description");
    });

    it("the OpenTelemetry span processor (the Vercel AI SDK 7): a success and a failed model call stored without content", async () => {
      ensureContextManager();
      const failed: TraceSendError[] = [];
      const sent: RecordTraceResult[] = [];
      const processor = new AgentTracesSpanProcessor({ functions: client.functions, captureContent: false, scheduledDelayMs: 20, onError: (error) => failed.push(error), onSent: (result) => sent.push(result) });
      const provider = new BasicTracerProvider({
        idGenerator: { generateTraceId: () => sampledTraceId(true), generateSpanId: () => randomBytes(8).toString("hex") },
        spanProcessors: [processor],
      });
      const ai = aiSdk7(provider.getTracer("agent"));
      const contentOf = (run: ScriptedRun) => [run.city, run.from, run.flightsError, run.answer, run.modelError, run.partialAnswer, "sunny"];
      const answered = scriptedRun(901);
      const broken = scriptedRun(902, "model-error");
      assert.equal(await ai.generate(answered), answered.answer);
      await ai.stream(broken).catch(() => undefined);
      for (const deadline = Date.now() + 10_000; processor.stats.open > 0 && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 10));
      await processor.forceFlush();
      await provider.shutdown();
      assert.deepEqual(failed, []);
      assert.equal(sent.length, 2);
      const stored = await Promise.all(sent.map((result) => storedText(result.trace_id)));
      const byUser = new Map(stored.map(({ data }) => [data.user_id as string, data]));
      for (const run of [answered, broken]) {
        const data = byUser.get(run.userId) ?? assert.fail(`no run of ${run.userId} stored`);
        assertNoContent(JSON.stringify(data), contentOf(run), run.userId);
        assert.equal(data.content_captured, false);
        assert.deepEqual(shapeOf(data).map((tool) => (tool as { name: string }).name).sort(), ["get_flights", "get_weather"]);
        assert.ok(shapeOf(data).every((tool) => (tool as { described: boolean }).described));
      }
      assert.equal(byUser.get(broken.userId)!.status, "error");
      assert.ok(isContentDescription((byUser.get(broken.userId)!.metadata as { error: unknown }).error));
    });

    it("the OpenAI Agents tracing processor: a success and a run that throws stored without content", async () => {
      setTracingDisabled(false); // the SDK turns tracing off when NODE_ENV is "test"
      const failed: TraceSendError[] = [];
      const processor = new AgentTracesTracingProcessor({ functions: client.functions, captureContent: false, scheduledDelayMs: 20, onError: (error) => failed.push(error) });
      setTraceProcessors([processor]); // replaces the SDK's default exporter to OpenAI: nothing leaves the machine
      try {
        const ok = sampledTraceId(true);
        const thrown = sampledTraceId(false);
        await new Runner({ traceId: `trace_${ok}`, traceMetadata: { user_id: "agent-user-1" } }).run(travelAgent({ flightsThrow: true, errorFunction: () => "Flights are unavailable." }), "trip #1");
        await assert.rejects(new Runner({ traceId: `trace_${thrown}`, traceMetadata: { user_id: "agent-user-3" } }).run(travelAgent({ flightsThrow: true, errorFunction: null }), "trip #3"), /flights backend down/);
        await processor.forceFlush();
        assert.deepEqual(failed, []);
        for (const [id, index] of [[ok, 1], [thrown, 3]] as const) {
          const { text, data } = await storedText(id);
          assertNoContent(text, [`city-${index}`, `from-${index}`, `to-${index}`, "sunny", "Flights are unavailable", "flights backend down", `trip #${index}`], id);
          assert.equal(data.content_captured, false);
          assert.deepEqual(shapeOf(data), [
            { name: "get_weather", is_error: false, input: ["city"], described: true },
            { name: "get_flights", is_error: true, input: ["from", "to"], described: true },
          ]);
        }
      } finally {
        setTraceProcessors([]); // the SDK's processors are global: none is left for other tests (this shuts ours down)
      }
    });
  });
});
