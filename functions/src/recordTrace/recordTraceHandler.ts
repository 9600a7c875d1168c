import type { Firestore } from "firebase-admin/firestore";
import { HttpsError, type CallableRequest } from "firebase-functions/v2/https";
import {
  describeInvalid,
  isBatchPayload,
  recordTraceBatchSchema,
  unescapeWireKeys,
  type RecordTraceBatchItemResult,
  type RecordTraceBatchResult,
  type RecordTraceResult,
  type TraceRejection,
} from "@agent-traces/core";
import { createTracesWithinLimit, sameRun, type KnownCounters, type LimitedOutcome, type LimitedWrite } from "@agent-traces/admin";
import type { RecordTraceConfig } from "../config.js";
import { callerUid } from "../callerUid.js";
import { logs } from "../logs.js";
import { documentRefused, toHttpsError, withinDeadline } from "./firestoreErrors.js";
import { keptSampleRate, prepareTrace, type PreparedTrace } from "./prepareTrace.js";

export interface RecordTraceDependencies {
  db: Firestore;
  config: RecordTraceConfig;
  /** The rate-limit counters this instance last wrote (read from Firestore when absent). */
  knownCounters?: KnownCounters;
  now?: () => Date;
  /** Told of each Firestore write the call starts: one can outlive the call (its deadline), holding the call's documents until it settles. */
  onWrite?: (write: Promise<unknown>) => void;
}

type RecordTraceRequest = Pick<CallableRequest<unknown>, "auth" | "app" | "data">;
type WriteTrace = Extract<PreparedTrace, { kind: "write" }>;
/** A trace's answer: stored or not, or refused on the server's side (rate limit, a bug of ours). */
type TraceAnswer = RecordTraceResult | (TraceRejection & { trace_id: string });

/**
 * Stores one trace (`data` is the trace) or a batch (`data` is `{ traces: [...], sample_rate?, keep_rules? }`),
 * its keys first restored from their wire form (core's wireKeys). Every failure is an HttpsError
 * whose code says what happened (see RETRYABLE_CODES for which are worth a retry), and nothing is
 * written for a trace that is refused.
 */
export async function handleRecordTrace(
  request: RecordTraceRequest,
  dependencies: RecordTraceDependencies,
): Promise<RecordTraceResult | RecordTraceBatchResult> {
  const uid = callerUid(request, dependencies.config.enforceAppCheck, "recordTrace");
  const receivedAt = (dependencies.now ?? (() => new Date()))();
  const call = { uid, receivedAt, db: dependencies.db, config: dependencies.config, knownCounters: dependencies.knownCounters, onWrite: dependencies.onWrite };
  const data = unescapeWireKeys(request.data);
  return isBatchPayload(data) ? recordBatch(data, call) : recordOne(data, call);
}

/** What one call's traces share: who sent them, when they arrived, where they go. */
interface CallContext {
  uid: string;
  receivedAt: Date;
  db: Firestore;
  config: RecordTraceConfig;
  knownCounters: KnownCounters | undefined;
  onWrite: ((write: Promise<unknown>) => void) | undefined;
}

/** The single-trace form: the trace's answer, or the HttpsError that says why it was not stored. */
async function recordOne(data: unknown, call: CallContext): Promise<RecordTraceResult> {
  const prepared = prepareTrace(data, { uid: call.uid, config: call.config, receivedAt: call.receivedAt });
  if (prepared.kind === "rejected") {
    logs.traceRejected(prepared.fields, call.uid);
    throw new HttpsError("invalid-argument", prepared.message, { fields: prepared.fields });
  }
  if (prepared.kind === "failed") throw toError(failedAnswer(prepared));
  if (prepared.kind === "answered") {
    if (prepared.result.reason === "sampled_out") logs.tracesSampledOut([prepared.result.trace_id]);
    return answered(prepared.result);
  }
  const [answer] = await storeTraces([prepared], call);
  if ("error" in answer!) throw toError(answer);
  return answer!;
}

/**
 * The batch form: one answer per trace, in order. A trace refused on its own (invalid, over the
 * caller's rate limit, refused by Firestore) gets its own error entry and never affects the others; a
 * run repeated within the batch is written once, the repeat answered `duplicate` once the first is
 * stored (else as the first), and another run under an id already in the batch is answered
 * `conflict`; the writes go out together under one deadline, and a failed write fails the call
 * (`unavailable` to retry) so that the sender retries the batch, whose stored traces then answer
 * `duplicate`.
 */
async function recordBatch(data: unknown, call: CallContext): Promise<RecordTraceBatchResult> {
  const { uid, receivedAt, config } = call;
  const envelope = recordTraceBatchSchema.safeParse(data);
  if (!envelope.success) {
    const { message, fields } = describeInvalid("batch", envelope.error.issues);
    logs.traceRejected(fields, uid);
    throw new HttpsError("invalid-argument", message, { fields });
  }
  const { traces, sample_rate: senderSampleRate, keep_rules: senderKeepRules } = envelope.data;
  if (senderSampleRate !== undefined && senderSampleRate !== config.sampleRate) logs.sampleRateMismatch(senderSampleRate, config.sampleRate, keptSampleRate(config.sampleRate, senderSampleRate));
  if (senderKeepRules === undefined && (data as { keep_rules?: unknown }).keep_rules !== undefined) logs.senderKeepRulesIgnored(uid);

  const results: (RecordTraceBatchItemResult | undefined)[] = new Array(traces.length);
  const toWrite: { index: number; prepared: WriteTrace }[] = [];
  /** Position in toWrite of the first trace written under each id. */
  const writing = new Map<string, number>();
  /** Traces that repeat a run already in toWrite (at `of`): answered once it is. */
  const repeats: { index: number; of: number }[] = [];
  const sampledOut: string[] = [];
  traces.forEach((trace, index) => {
    const prepared = prepareTrace(trace, { uid, config, receivedAt, senderSampleRate, senderKeepRules, at: ["traces", index] });
    if (prepared.kind === "rejected") {
      logs.traceRejected(prepared.fields, uid);
      const error = { code: "invalid-argument" as const, message: prepared.message, fields: prepared.fields };
      results[index] = prepared.traceId === undefined ? { error } : { trace_id: prepared.traceId, error };
    } else if (prepared.kind === "failed") {
      results[index] = failedAnswer(prepared);
    } else if (prepared.kind === "answered") {
      if (prepared.result.reason === "sampled_out") sampledOut.push(prepared.result.trace_id);
      results[index] = answered(prepared.result);
    } else {
      const first = writing.get(prepared.traceId);
      if (first === undefined) {
        writing.set(prepared.traceId, toWrite.length);
        toWrite.push({ index, prepared });
      } else if (sameRun(toWrite[first]!.prepared.document, prepared.document)) {
        repeats.push({ index, of: first });
      } else {
        results[index] = conflict(prepared.traceId, uid);
      }
    }
  });
  logs.tracesSampledOut(sampledOut);
  const stored = await storeTraces(toWrite.map(({ prepared }) => prepared), call);
  toWrite.forEach(({ index }, position) => (results[index] = stored[position]));
  for (const { index, of } of repeats) {
    const first = stored[of]!;
    results[index] = "stored" in first && first.stored ? answered({ trace_id: first.trace_id, stored: false, reason: "duplicate" }) : first;
  }
  return { results: results as RecordTraceBatchItemResult[] };
}

/** A trace's answer without a write; a duplicate is logged (a sampled-out trace is logged with its call's: see tracesSampledOut). */
function answered(result: RecordTraceResult): RecordTraceResult {
  if (result.reason === "duplicate") logs.traceDuplicate(result.trace_id);
  return result;
}

/** The answer for a run whose id another run holds: nothing written, the sender re-keys it and sends again. */
function conflict(traceId: string, uid: string): RecordTraceResult {
  logs.traceConflict(traceId, uid);
  return { trace_id: traceId, stored: false, reason: "conflict" };
}

/** The answer for a trace whose preparation threw (logged): `internal`, a bug of ours. */
function failedAnswer(prepared: Extract<PreparedTrace, { kind: "failed" }>): TraceRejection {
  logs.tracePrepareFailed(prepared.traceId, prepared.error);
  const error = { code: "internal" as const, message: "recordTrace could not process this trace: a bug on the server's side, logged as trace_prepare_failed.", fields: [] };
  return prepared.traceId === undefined ? { error } : { trace_id: prepared.traceId, error };
}

/** The single-trace form's HttpsError for a trace refused on its own. */
function toError({ error }: TraceRejection): HttpsError {
  return new HttpsError(error.code, error.message, error.retry_after_ms === undefined ? undefined : { retry_after_ms: error.retry_after_ms });
}

/**
 * Creates the documents of the traces to write that the caller's rate limit lets through (failures
 * first), together, under one deadline; the rest are answered `resource-exhausted` with when to
 * retry. A trace whose id another run holds is answered `conflict`, one whose document Firestore
 * refuses `invalid-argument` (the others stored). A failed write rejects with the HttpsError the
 * caller should see (`unavailable` to retry), after logging the traces of the call.
 */
async function storeTraces(writes: readonly WriteTrace[], { uid, receivedAt, db, config, knownCounters, onWrite }: CallContext): Promise<TraceAnswer[]> {
  const byPriority = writes.map((_, index) => index).sort((a, b) => Number(writes[b]!.reason !== "sampled") - Number(writes[a]!.reason !== "sampled") || a - b);
  let written: LimitedWrite;
  try {
    const write = createTracesWithinLimit(db, uid, byPriority.map((index) => writes[index]!.document), config.rateLimitPerMinute, receivedAt, knownCounters);
    onWrite?.(write);
    written = await withinDeadline(write);
  } catch (error) {
    logs.traceWritesFailed(writes.map((trace) => trace.traceId), error);
    throw toHttpsError(error);
  }
  const outcomes = new Array<LimitedOutcome>(writes.length);
  byPriority.forEach((index, position) => (outcomes[index] = written.outcomes[position]!));
  const refused = outcomes.filter((outcome) => outcome === "refused").length;
  if (refused > 0) logs.traceRateLimited(uid, refused, written.retryAfterMs);
  logs.tracesStored(
    uid,
    writes.filter((_, index) => outcomes[index] === "created").map((trace) => ({ traceId: trace.traceId, reason: trace.reason, toolTracesDropped: trace.document.tool_traces_dropped })),
  );
  return writes.map((trace, index) => {
    const outcome = outcomes[index]!;
    if (outcome === "refused") return rateLimited(trace.traceId, config.rateLimitPerMinute, written.retryAfterMs);
    if (outcome === "duplicate") return answered({ trace_id: trace.traceId, stored: false, reason: "duplicate" });
    if (outcome === "conflict") return conflict(trace.traceId, uid);
    if (outcome !== "created") {
      logs.traceWriteRefused(trace.traceId, uid, outcome.invalid);
      return { trace_id: trace.traceId, error: documentRefused(outcome.invalid) };
    }
    return { trace_id: trace.traceId, stored: true, reason: trace.reason, ...(trace.repairedFields && { repaired_fields: trace.repairedFields }) };
  });
}

function rateLimited(traceId: string, limit: number, retryAfterMs: number): TraceAnswer {
  const message = `This caller stored its limit of ${limit} traces in the last minute (TRACE_RATE_LIMIT_PER_MINUTE); send the trace again after ${retryAfterMs} ms.`;
  return { trace_id: traceId, error: { code: "resource-exhausted", message, fields: [], retry_after_ms: retryAfterMs } };
}
