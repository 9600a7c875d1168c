/**
 * OTLP/JSON spans turned back into the span objects an SDK's SpanProcessor is given, so that a
 * processor can be fed an exported trace (the OTLP round trip) without a collector.
 */
import { otlpValue, type EndedSpanLike, type OtlpSpan, type OtlpTraces } from "@agent-traces/otel";

type HrTime = [number, number];

function hrTime(unixNano: string): HrTime {
  const nanos = BigInt(unixNano);
  return [Number(nanos / 1_000_000_000n), Number(nanos % 1_000_000_000n)];
}

export function spanFromOtlp(span: OtlpSpan): EndedSpanLike {
  const attributes = Object.fromEntries(span.attributes.map(({ key, value }) => [key, otlpValue(value)]));
  return {
    name: span.name,
    attributes,
    startTime: hrTime(span.startTimeUnixNano),
    endTime: hrTime(span.endTimeUnixNano),
    status: span.status,
    events: [],
    spanContext: () => ({ traceId: span.traceId, spanId: span.spanId }),
    parentSpanContext: span.parentSpanId ? { spanId: span.parentSpanId } : undefined,
  };
}

/** Every span of an OTLP/JSON document, parents before children (the order spans start in). */
export function spansFromOtlp(document: OtlpTraces): EndedSpanLike[] {
  return document.resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans.map(spanFromOtlp)));
}

const nanos = ([seconds, fraction]: readonly [number, number]) => BigInt(seconds) * 1_000_000_000n + BigInt(fraction);

/**
 * Feeds spans to a processor as an SDK would: each started (in the given order, parents first), then
 * each ended in the order of its end time, a trace's first span (its root) last.
 */
export function replaySpans(processor: { onStart(span: EndedSpanLike, context?: unknown): void; onEnd(span: EndedSpanLike): void }, spans: readonly EndedSpanLike[]): void {
  for (const span of spans) processor.onStart(span, undefined);
  const [root, ...children] = spans;
  const byEnd = children.map((span, index) => ({ span, index })).sort((a, b) => Number(nanos(a.span.endTime) - nanos(b.span.endTime)) || a.index - b.index);
  for (const { span } of byEnd) processor.onEnd(span);
  if (root) processor.onEnd(root);
}
