import type { Functions } from "firebase/functions";
import type { RetryOptions } from "./export/retry.js";
import type { TraceExporter } from "./exporter/TraceExporter.js";
import type { FeedbackResult, UserFeedback } from "./feedback/FeedbackResult.js";
import type { TraceContext } from "./TraceContext.js";
import { Tracer, type RunOptions, type TracerOptions } from "./Tracer.js";

/** Which default tracer: where it sends (a Functions instance, or an exporter) and how (see createTracer). */
export type DefaultTracerOptions = {
  /** The share of successful runs kept, from 0 to 1; the server stores the lower of it and its own. Default 0.1. */
  sampleRate?: number;
  /** Successes kept whatever the sampler says (see TracerOptions.keep). Default `{ failedTool: true }`. */
  keep?: TracerOptions["keep"];
  retry?: Partial<RetryOptions>;
} & ({ functions: Functions; exporter?: undefined } | { exporter: TraceExporter; functions?: undefined });

/** `withTrace`'s options: the run's, and where and how its default tracer sends (see createTracer). */
export type WithTraceOptions = RunOptions & DefaultTracerOptions;

/** The default tracers: one per Functions instance (or exporter) and sampling, keep and retry settings. */
const defaultTracers = new WeakMap<object, Map<string, Tracer>>();
/** The default tracers holding runs not yet answered: what flush() waits for (idle ones can be collected). */
const busyTracers = new Set<Tracer>();

function defaultTracer(options: DefaultTracerOptions): Tracer {
  const target: object | undefined = options.exporter ?? options.functions;
  const tracerOptions = { functions: options.functions, exporter: options.exporter, sampleRate: options.sampleRate, keep: options.keep, retry: options.retry } as TracerOptions;
  if (!target || (options.exporter && options.functions)) return new Tracer(tracerOptions); // throws the options' error
  const key = JSON.stringify([options.sampleRate, options.keep, options.retry]);
  let byKey = defaultTracers.get(target);
  if (!byKey) defaultTracers.set(target, (byKey = new Map()));
  let tracer = byKey.get(key);
  if (!tracer) {
    const created: Tracer = new Tracer(tracerOptions, (busy) => (busy ? busyTracers.add(created) : busyTracers.delete(created)));
    tracer = created;
    byKey.set(key, tracer);
  }
  return tracer;
}

/**
 * Runs one agent run inside a trace with the default tracer of `options.functions` (or
 * `options.exporter`): see `Tracer.withTrace`. The run's `onError` and `onSent` are its own.
 */
export function withTrace<T>(options: WithTraceOptions, run: (trace: TraceContext) => Promise<T> | T): Promise<T> {
  let tracer: Tracer;
  try {
    tracer = defaultTracer(options);
  } catch (error) {
    return Promise.reject(error);
  }
  return tracer.withTrace(options, run);
}

/**
 * Resolves `true` once every run traced with the module-level `withTrace` that ended before the call
 * has been answered or reported through `onError`, retries included, or `false` when `timeoutMs` pass
 * first. Call it before a serverless host may freeze the process. (A tracer from `createTracer` has
 * its own `flush()`.)
 */
export async function flush(timeoutMs?: number): Promise<boolean> {
  const flushed = await Promise.all([...busyTracers].map((tracer) => tracer.flush(timeoutMs)));
  return flushed.every(Boolean);
}

/**
 * Records a user's rating of a run traced with the module-level `withTrace` (see `Tracer.feedback`),
 * through the default tracer of `options.functions` (or `options.exporter`) that queued or holds the
 * run, else the one `options` names. Never rejects: bad options are answered `invalid`.
 */
export function feedback(options: DefaultTracerOptions, traceId: string, rating: UserFeedback): Promise<FeedbackResult> {
  try {
    const target: object | undefined = options.exporter ?? options.functions;
    const known = target ? [...(defaultTracers.get(target)?.values() ?? [])].find((tracer) => tracer.holds(traceId)) : undefined;
    return (known ?? defaultTracer(options)).feedback(traceId, rating);
  } catch (error) {
    return Promise.resolve({ recorded: false, reason: "invalid", message: error instanceof Error ? error.message : String(error) });
  }
}
