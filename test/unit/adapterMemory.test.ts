/**
 * 50,000 runs that never end, through each adapter: the memory they hold stays within a small bound,
 * and each run given up is reported. Heap is measured after full collections (gc exposed at run time),
 * so the figure is what is retained, not garbage; the bound is far from both sides: the runs the
 * adapters may hold (1,000 open runs, 10,000 remembered keys) take a few MB, while 50,000 open runs
 * take well over 100 MB.
 */
import { strict as assert } from "node:assert";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { context, trace as otelTrace } from "@opentelemetry/api";
import type { RecordTraceBatchItemResult, SanitizedTrace } from "@agent-traces/core";
import { createTracer, type TraceExporter, type TraceSendError } from "@agent-traces/tracer";
import { AgentTracesSpanProcessor } from "@agent-traces/otel";
import { AgentTracesTracingProcessor, type AgentsSpanLike } from "@agent-traces/openai-agents";

const RUNS = 50_000;
/** Retained after 50,000 never-ended runs, at most. */
const BOUND_BYTES = 24 * 1024 * 1024;

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

function retainedBytes(): number {
  for (let pass = 0; pass < 3; pass++) gc();
  return process.memoryUsage().heapUsed;
}

class NullExporter implements TraceExporter {
  async export(traces: readonly SanitizedTrace[]): Promise<RecordTraceBatchItemResult[]> {
    return traces.map((trace) => ({ trace_id: trace.trace_id, stored: true, reason: "sampled" }));
  }
}

const MB = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

describe("adapters' memory: 50,000 runs that never end", function () {
  this.timeout(120_000);

  it(`the OTel span processor holds at most ${MB(BOUND_BYTES)}, and reports each run it gives up`, () => {
    let reported = 0;
    const before = retainedBytes();
    {
      const processor = new AgentTracesSpanProcessor({ tracer: createTracer({ exporter: new NullExporter(), sampleRate: 1 }), onError: () => reported++ });
      const otel = new BasicTracerProvider({ spanProcessors: [processor] }).getTracer("memory");
      for (let index = 0; index < RUNS; index++) {
        // An AI SDK run whose root never ends (a stream the app never read to its end), with one tool call that did.
        const root = otel.startSpan("ai.streamText", { attributes: { "ai.operationId": "ai.streamText", "ai.telemetry.functionId": "agent", "ai.prompt": `prompt ${index} `.repeat(20) } });
        otel.startSpan("ai.toolCall", { attributes: { "ai.operationId": "ai.toolCall", "ai.toolCall.name": "lookup", "ai.toolCall.args": JSON.stringify({ q: `query ${index}` }), "ai.toolCall.result": "x".repeat(200) } }, otelTrace.setSpan(context.active(), root)).end();
      }
      // The processor is still reachable here: what it holds is measured.
      const retained = retainedBytes() - before;
      if (process.env.SHOW_RETAINED) console.log(`retained ${MB(retained)}`);
    assert.ok(retained < BOUND_BYTES, `retained ${MB(retained)}`);
      assert.equal(processor.stats.open, 1000, "the default bound on open runs");
      assert.equal(processor.stats.evictedRuns, RUNS - 1000);
      assert.equal(reported, RUNS - 1000, "each run given up is reported through onError");
    }
  });

  it(`the OpenAI Agents processor holds at most ${MB(BOUND_BYTES)}, and reports each run it gives up`, () => {
    const reported: TraceSendError[] = [];
    const before = retainedBytes();
    const processor = new AgentTracesTracingProcessor({ tracer: createTracer({ exporter: new NullExporter(), sampleRate: 1 }), onError: (error) => reported.push(error) });
    for (let index = 0; index < RUNS; index++) {
      const traceId = `trace_${(index + 1).toString(16).padStart(32, "0")}`;
      // The callbacks do their work synchronously (the SDK awaits them): not awaited here, to keep the test fast.
      void processor.onTraceStart({ traceId, name: "run", metadata: { user_id: `user-${index}` } });
      const span: AgentsSpanLike = {
        traceId,
        spanId: `span_${index}`,
        parentId: `agent_${index}`,
        spanData: { type: "function", name: "lookup", input: JSON.stringify({ q: `query ${index}` }), output: "x".repeat(200) },
        startedAt: new Date(0).toISOString(),
        endedAt: new Date(5).toISOString(),
        error: null,
      };
      void processor.onSpanStart(span);
      void processor.onSpanEnd(span);
    }
    reported.length = Math.min(reported.length, 1); // keep one to look at; the rest are counted
    const retained = retainedBytes() - before;
    if (process.env.SHOW_RETAINED) console.log(`retained ${MB(retained)}`);
    assert.ok(retained < BOUND_BYTES, `retained ${MB(retained)}`);
    assert.equal(processor.stats.open, 1000);
    assert.equal(processor.stats.evictedRuns, RUNS - 1000);
    assert.equal(reported[0]?.traceId, "1".padStart(32, "0"), "the first run given up was reported, under its trace id");
  });
});
