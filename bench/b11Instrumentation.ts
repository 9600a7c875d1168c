/**
 * B11: what one tool call costs on each way in. Native: `trace.tool()` on a TraceContext. Span
 * processor: the framework's OpenTelemetry span (an `execute_tool` child of an `invoke_agent` run
 * span, GenAI attributes) with AgentTracesSpanProcessor turning it into a tool call. OTel alone: the
 * same span with a processor that does nothing (what the framework's telemetry costs anyway).
 * 100 calls per run; every run goes to a tracer that samples it out (its send is not measured).
 */
import { context, trace as otelTrace, type Span, type Tracer as OtelTracer } from "@opentelemetry/api";
import { BasicTracerProvider, type SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { LIMITS } from "@agent-traces/core";
import { AgentTracesSpanProcessor } from "@agent-traces/otel";
import { createTracer, TraceContext, type TraceExporter } from "@agent-traces/tracer";
import { interleaved, median, medianRatio, nsPerCall } from "./lib/measure.js";
import { formatNumber, formatRatio, type Row } from "./lib/row.js";

const CALLS_PER_ROUND = 20_000;
const ROUNDS = 7;

const TOOL_NAME = "web_search";
const TOOL_INPUT = { query: "firestore ttl policy", limit: 5 };
const TOOL_OUTPUT = "3 results: firebase.google.com/docs/firestore/ttl, cloud.google.com/firestore/docs/ttl, ...";

const NO_OP_PROCESSOR: SpanProcessor = { onStart: () => undefined, onEnd: () => undefined, forceFlush: async () => undefined, shutdown: async () => undefined };
const UNUSED_EXPORTER: TraceExporter = { export: async () => [] };

/** What a framework does for one tool call: an `execute_tool` span under the run's span, GenAI attributes. */
async function frameworkToolCall(tracer: OtelTracer, run: Span): Promise<string> {
  const span = tracer.startSpan(`execute_tool ${TOOL_NAME}`, { attributes: { "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": TOOL_NAME, "gen_ai.tool.call.arguments": JSON.stringify(TOOL_INPUT) } }, otelTrace.setSpan(context.active(), run));
  const output = await Promise.resolve(TOOL_OUTPUT);
  span.setAttribute("gen_ai.tool.call.result", output);
  span.end();
  return output;
}

function spanSide(processor: SpanProcessor) {
  const tracer = new BasicTracerProvider({ spanProcessors: [processor] }).getTracer("agent-traces-bench");
  const startRun = () => tracer.startSpan("invoke_agent bench", { attributes: { "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "bench" } });
  return async () => {
    let run = startRun();
    const ns = await nsPerCall(CALLS_PER_ROUND, (index) => {
      if (index > 0 && index % LIMITS.maxToolTraces === 0) {
        run.end();
        run = startRun();
      }
      return frameworkToolCall(tracer, run);
    });
    run.end();
    return ns;
  };
}

async function nativeSide(): Promise<number> {
  let trace = new TraceContext({ skill: "bench" });
  return nsPerCall(CALLS_PER_ROUND, (index) => {
    if (index > 0 && index % LIMITS.maxToolTraces === 0) trace = new TraceContext({ skill: "bench" });
    return trace.tool(TOOL_NAME, TOOL_INPUT, () => TOOL_OUTPUT);
  });
}

export async function benchInstrumentation(log: (line: string) => void): Promise<Row> {
  const processor = new AgentTracesSpanProcessor({ tracer: createTracer({ exporter: UNUSED_EXPORTER, sampleRate: 0 }) });
  const results = await interleaved(
    { native: nativeSide, processor: spanSide(processor as unknown as SpanProcessor), otelAlone: spanSide(NO_OP_PROCESSOR) },
    {
      rounds: ROUNDS,
      warmup: 2,
      onRound: (round, values) =>
        log(`  B11 round ${round}: native ${values.native!.toFixed(0)} ns, span processor ${values.processor!.toFixed(0)} ns, OTel alone ${values.otelAlone!.toFixed(0)} ns`),
    },
  );
  if (processor.stats.runs === 0) throw new Error("B11: the span processor recorded no run");
  const ratio = medianRatio(results.processor, results.otelAlone);
  return {
    id: "B11",
    name: "Instrumentation: one tool call through the span processor",
    ours: `${formatNumber(median(results.processor))} ns/call`,
    anchor: `${formatNumber(median(results.otelAlone))} ns/call (OTel span alone)`,
    ratio: formatRatio(ratio),
    target: "reported (no target)",
    met: null,
    notes: [
      `Span processor: a framework's \`execute_tool\` span (GenAI attributes, a child of the run's \`invoke_agent\` span) on a BasicTracerProvider whose only processor is AgentTracesSpanProcessor, which turns it into the run's tool call (redacted and cut as it is recorded). OTel alone: the same span with a processor that does nothing, the cost the framework's telemetry has anyway.`,
      "The ratio is what the span path costs over the framework's own span; the processor redacts and cuts each call as it is recorded, which OTel alone does not do.",
      `Native, for comparison: \`await trace.tool("${TOOL_NAME}", …)\` on a TraceContext: ${formatNumber(median(results.native))} ns/call, ${formatRatio(medianRatio(results.native, results.processor))} of the span processor path.`,
      `${CALLS_PER_ROUND.toLocaleString("en-US")} calls per side per round, ${LIMITS.maxToolTraces} per run, ${ROUNDS} rounds after 2 warm-up rounds, sides interleaved; every run is sampled out by its tracer, so sending is not measured (B4 and B8 measure it).`,
    ],
  };
}
