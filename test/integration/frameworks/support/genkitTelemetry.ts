/**
 * Genkit's telemetry for the integration tests. Genkit starts one OpenTelemetry NodeSDK per process,
 * at its first `enableTelemetry` call or its first action, and ignores every later call; mocha runs
 * every integration test file in one process, so the one AgentTracesSpanProcessor is registered here,
 * once, before any Genkit action runs. The SDK gets an id generator a test switches between trace
 * ids the default 10% sampler keeps and ids it drops, so that which successes are stored is known.
 */
import "genkit";
import { enableTelemetry } from "genkit/tracing";
import { trace } from "@opentelemetry/api";
import { randomBytes } from "node:crypto";
import { AgentTracesSpanProcessor, type AgentTracesSpanProcessorOptions } from "@agent-traces/otel";
import { sampledTraceId } from "./sampledIds.js";

/** Which trace ids new Genkit runs get: all kept by the sampler, all dropped, or kept and dropped in turn. */
export type TraceIdMode = "kept" | "dropped" | "alternate";

let mode: TraceIdMode = "kept";
let alternate = false;

export function useTraceIds(next: TraceIdMode): void {
  mode = next;
}

const idGenerator = {
  generateTraceId: () => sampledTraceId(mode === "alternate" ? (alternate = !alternate) : mode === "kept"),
  generateSpanId: () => randomBytes(8).toString("hex"),
};

let registered: AgentTracesSpanProcessor | undefined;

/**
 * Makes the processor and registers it as Genkit's, with `enableTelemetry({ spanProcessors })` (what
 * an app does) plus the id generator; checks that spans now reach it. Once per process.
 */
export async function registerGenkitProcessor(options: AgentTracesSpanProcessorOptions): Promise<AgentTracesSpanProcessor> {
  if (registered) throw new Error("Genkit's telemetry is registered once per process: share the processor registerGenkitProcessor returned");
  const processor = new AgentTracesSpanProcessor(options);
  // A second processor that only notes that a span reached it: proof that Genkit's provider is the global one.
  let probed = false;
  const probe = { onStart: () => undefined, onEnd: () => void (probed = true), forceFlush: async () => undefined, shutdown: async () => undefined };
  await enableTelemetry({ spanProcessors: [processor, probe], idGenerator });
  trace.getTracer("agent-traces-probe").startSpan("probe").end();
  if (!probed) {
    throw new Error("Genkit's telemetry was started before registerGenkitProcessor (or another tracer provider is registered globally): Genkit's spans would not reach the processor");
  }
  registered = processor;
  return processor;
}
