import { randomTraceId, traceCallBytes, type RecordTraceResult, type TraceInput } from "@agent-traces/core";
import type { TraceSendError } from "../errors.js";
import type { PreparedTrace } from "../prepare/PreparedTrace.js";
import { prepareTrace } from "#platform";

/** Where the answer for one run goes. */
export interface RunCallbacks {
  onSent?: ((result: RecordTraceResult) => void) | undefined;
  onError: (error: TraceSendError) => void;
}

/** One finished run from the moment it is queued until it is answered or reported. */
export interface QueuedRun extends RunCallbacks {
  /** The run as it was handed over, its ids lowercased. */
  readonly input: TraceInput;
  /** The id it was first sent under (lowercase): the one errors name. */
  readonly firstTraceId: string;
  /** The id it is sent under now: `firstTraceId`, or a new one after a `conflict` answer. */
  traceId: string;
  readonly failure: boolean;
  /** Its place in line: runs are numbered as they are queued. */
  readonly seq: number;
  /** The uid it was recorded as (`null`: no user signed in; `undefined`: not known yet). */
  owner: string | null | undefined;
  /** Export calls that carried it, and how often it was given a new id. */
  attempts: number;
  rekeys: number;
  /** Caches of preparedRun(), serializedRun() and runCallBytes(). */
  prepared?: PreparedTrace;
  json?: string | undefined;
  callBytes?: number | undefined;
}

/** A queued run for `input`, its ids lowercased (the server lowercases them, and answers with them so). */
export function queuedRun(input: TraceInput, callbacks: RunCallbacks, seq: number, owner: string | null | undefined, prepared?: PreparedTrace): QueuedRun {
  const traceId = String(input.trace_id).toLowerCase();
  const original = typeof input.original_trace_id === "string" ? input.original_trace_id.toLowerCase() : input.original_trace_id;
  const lowered = traceId === input.trace_id && original === input.original_trace_id ? input : { ...input, trace_id: traceId, ...(original === undefined ? {} : { original_trace_id: original }) };
  return { ...callbacks, input: lowered, firstTraceId: traceId, traceId, failure: input.status !== "success", seq, owner, attempts: 0, rekeys: 0, ...(prepared ? { prepared } : {}) };
}

/** The run made ready to send (computed once). */
export function preparedRun(run: QueuedRun): PreparedTrace {
  return (run.prepared ??= prepareTrace(run.input));
}

/** The prepared run as JSON (computed once per id), or undefined when it cannot be sent. */
export function serializedRun(run: QueuedRun): string | undefined {
  const prepared = preparedRun(run);
  return prepared.ok ? (run.json ??= JSON.stringify(prepared.trace)) : undefined;
}

/** What re-keying adds to a run's JSON: `,"original_trace_id":"` and 32 hex digits and `"`. */
const REKEY_BYTES = 55;

/**
 * The bytes the prepared run adds to a recordTrace call (core's traceCallBytes), counting the
 * `original_trace_id` a re-key would add, so that a batch re-sent with re-keyed runs is no larger; or 0
 * when it cannot be sent.
 */
export function runCallBytes(run: QueuedRun): number {
  const prepared = preparedRun(run);
  if (!prepared.ok) return 0;
  return (run.callBytes ??= traceCallBytes(prepared.trace) + (prepared.trace.original_trace_id === undefined ? REKEY_BYTES : 0));
}

/**
 * Gives the run a new random id after a `conflict` answer, `original_trace_id` set to the id it was
 * first sent under (kept when it is re-keyed again). Only for a prepared run.
 */
export function rekeyRun(run: QueuedRun): void {
  const prepared = preparedRun(run);
  if (!prepared.ok) return;
  run.traceId = randomTraceId();
  run.rekeys++;
  run.prepared = { ok: true, trace: { ...prepared.trace, trace_id: run.traceId, original_trace_id: prepared.trace.original_trace_id ?? prepared.trace.trace_id } };
  run.json = undefined;
  run.callBytes = undefined;
}
