import { parseJsonText } from "@agent-traces/core";

/**
 * The parts of an OpenTelemetry span the processor reads, typed structurally so that spans of any
 * `@opentelemetry/sdk-trace-base` (1.x, 2.x: Genkit brings its own) and spans rebuilt from OTLP fit.
 */
export type AttributeValue = string | number | boolean | readonly (string | number | boolean | null | undefined)[] | undefined;
export type Attributes = Readonly<Record<string, AttributeValue>>;
/** Seconds and nanoseconds since the epoch. */
export type HrTime = readonly [number, number];

export interface SpanStatusLike {
  /** 0 unset, 1 ok, 2 error. */
  code: number;
  message?: string | undefined;
}

export interface SpanEventLike {
  name: string;
  attributes?: Attributes | undefined;
}

/** A span as `onStart` sees it: its name and ids, and the attributes set when it was started. */
export interface StartedSpanLike {
  readonly name: string;
  readonly attributes: Attributes;
  readonly startTime: HrTime;
  spanContext(): { traceId: string; spanId: string };
  /** sdk-trace-base 2.x. */
  readonly parentSpanContext?: { spanId: string } | undefined;
  /** sdk-trace-base 1.x. */
  readonly parentSpanId?: string | undefined;
}

/** A finished span, as `onEnd` sees it. */
export interface EndedSpanLike extends StartedSpanLike {
  readonly endTime: HrTime;
  readonly status: SpanStatusLike;
  readonly events: readonly SpanEventLike[];
}

/** SpanStatusCode.ERROR. */
export const STATUS_ERROR = 2;

export function parentSpanId(span: StartedSpanLike): string | undefined {
  return span.parentSpanContext?.spanId ?? (span.parentSpanId || undefined);
}

export function hrTimeToDate(time: HrTime): Date {
  return new Date(time[0] * 1000 + Math.floor(time[1] / 1e6));
}

/** Milliseconds from `start` to `end`, never negative. */
export function durationMs(start: HrTime, end: HrTime): number {
  return Math.max(0, (end[0] - start[0]) * 1000 + (end[1] - start[1]) / 1e6);
}

export function stringAttribute(attributes: Attributes, key: string): string | undefined {
  const value = attributes[key];
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

export function numberAttribute(attributes: Attributes, key: string): number | undefined {
  const value = attributes[key];
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** The first of `keys` whose value is an id: non-empty text, or a safe integer (as its text); `undefined` when none is. */
export function idAttribute(attributes: Attributes, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = attributes[key];
    if (typeof value === "string" && value.length > 0) return value;
    if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
  }
  return undefined;
}

/** A JSON-text attribute parsed, or the text itself when it is not JSON; `undefined` when absent. */
export function jsonAttribute(attributes: Attributes, key: string): unknown {
  const text = stringAttribute(attributes, key);
  return text === undefined ? undefined : parseJsonText(text);
}

/** The message of a span's error: its status message, else its first exception event's. */
export function errorMessage(span: EndedSpanLike): string | undefined {
  if (span.status.message) return span.status.message;
  const exception = span.events.find((event) => event.name === "exception");
  const message = exception?.attributes?.["exception.message"];
  return typeof message === "string" && message ? message : undefined;
}

/** Whether a failed span failed by running out of time or being aborted: that run is a `timeout`. */
export function isTimeout(span: EndedSpanLike): boolean {
  const exception = span.events.find((event) => event.name === "exception");
  const text = [span.status.message, exception?.attributes?.["exception.type"], exception?.attributes?.["exception.message"], span.attributes["error.type"]]
    .filter((part) => typeof part === "string")
    .join(" ");
  return /\b(?:timeout|timed out|deadline|DEADLINE_EXCEEDED|abort(?:ed|error)?)\b/i.test(text);
}
