/**
 * B1: the cost of recording one tool call. Ours: `TraceContext.tool()` with a small input and output,
 * which validates, redacts and cuts the call as it is recorded. The anchor: OpenTelemetry's
 * BasicTracerProvider with a SimpleSpanProcessor and an InMemorySpanExporter, a span started under the
 * run's root span, the same input and output set as attributes, ended. Both sides are async wrappers
 * awaited once per call, 100 calls per run (a new trace / root span every 100).
 */
import { context, trace as otelTrace, SpanStatusCode, type Span, type Tracer } from "@opentelemetry/api";
import { BasicTracerProvider, BatchSpanProcessor, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { LIMITS } from "@agent-traces/core";
import { TraceContext } from "@agent-traces/tracer";
import { interleaved, median, medianRatio, nsPerCall } from "./lib/measure.js";
import { formatNumber, formatRatio, type Row } from "./lib/row.js";

const CALLS_PER_ROUND = 30_000;
const ROUNDS = 7;
const TARGET = 0.5;

const TOOL_NAME = "web_search";
const TOOL_INPUT = { query: "firestore ttl policy", limit: 5 };
const TOOL_OUTPUT = "3 results: firebase.google.com/docs/firestore/ttl, cloud.google.com/firestore/docs/ttl, ...";
const runTool = () => TOOL_OUTPUT;

/** What an OpenTelemetry user writes to record a tool call: our `tool()` without redaction or cutting. */
async function otelTool<T>(tracer: Tracer, parent: Span, name: string, input: Record<string, unknown>, run: () => Promise<T> | T): Promise<T> {
  const span = tracer.startSpan(name, undefined, otelTrace.setSpan(context.active(), parent));
  for (const key in input) {
    const value = input[key];
    span.setAttribute(`tool.input.${key}`, typeof value === "number" || typeof value === "boolean" ? value : String(value));
  }
  try {
    const output = await run();
    span.setAttribute("tool.output", String(output));
    return output;
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
    throw error;
  } finally {
    span.end();
  }
}

function otelSide(processor: "simple" | "batch") {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [processor === "simple" ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter, { maxQueueSize: 4096, maxExportBatchSize: 512 })],
  });
  const tracer = provider.getTracer("agent-traces-bench");
  return async () => {
    let root = tracer.startSpan("agent_run");
    const ns = await nsPerCall(CALLS_PER_ROUND, (index) => {
      if (index > 0 && index % LIMITS.maxToolTraces === 0) {
        root.end();
        root = tracer.startSpan("agent_run");
      }
      return otelTool(tracer, root, TOOL_NAME, TOOL_INPUT, runTool);
    });
    root.end();
    await provider.forceFlush();
    exporter.reset();
    return ns;
  };
}

async function oursSide(): Promise<number> {
  let trace = new TraceContext({ userId: "bench-user", skill: "bench" });
  return nsPerCall(CALLS_PER_ROUND, (index) => {
    if (index > 0 && index % LIMITS.maxToolTraces === 0) trace = new TraceContext({ userId: "bench-user", skill: "bench" });
    return trace.tool(TOOL_NAME, TOOL_INPUT, runTool);
  });
}

export async function benchTracer(log: (line: string) => void): Promise<Row> {
  const results = await interleaved(
    { ours: oursSide, otelSimple: otelSide("simple"), otelBatch: otelSide("batch") },
    {
      rounds: ROUNDS,
      warmup: 2,
      onRound: (round, values) =>
        log(`  B1 round ${round}: ours ${values.ours!.toFixed(0)} ns, OTel simple ${values.otelSimple!.toFixed(0)} ns, OTel batch ${values.otelBatch!.toFixed(0)} ns`),
    },
  );
  const ratio = medianRatio(results.ours, results.otelSimple);
  const batchRatio = medianRatio(results.ours, results.otelBatch);
  return {
    id: "B1",
    name: "Tracer: cost of one recorded tool call",
    ours: `${formatNumber(median(results.ours))} ns/call`,
    anchor: `${formatNumber(median(results.otelSimple))} ns/call (OTel span)`,
    ratio: formatRatio(ratio),
    target: `<= ${TARGET}x`,
    met: ratio <= TARGET,
    notes: [
      `Ours: \`await trace.tool("${TOOL_NAME}", ${JSON.stringify(TOOL_INPUT)}, () => output)\` on a \`TraceContext\` (validation, redaction and cutting included; a new trace every ${LIMITS.maxToolTraces} calls).`,
      `Anchor: \`@opentelemetry/sdk-trace-base\` BasicTracerProvider + SimpleSpanProcessor + InMemorySpanExporter: a child span of the run's root span, the same input and output as attributes, ended; wrapped in the same async shape as \`tool()\`.`,
      `${CALLS_PER_ROUND.toLocaleString("en-US")} calls per side per round, ${ROUNDS} rounds after 2 warm-up rounds, sides interleaved.`,
      `For context, OTel with a BatchSpanProcessor instead: ${formatNumber(median(results.otelBatch))} ns/call (ours ${formatRatio(batchRatio)} of it).`,
    ],
  };
}
