import type { Firestore } from "firebase-admin/firestore";
import { HttpsError, type CallableRequest } from "firebase-functions/v2/https";
import {
  describeInvalid,
  isBatchPayload,
  recordTraceBatchSchema,
  type RecordTraceBatchItemResult,
  type RecordTraceBatchResult,
  type RecordTraceResult,
} from "@agent-traces/core";
import { createTraceDocuments } from "@agent-traces/admin";
import type { RecordTraceConfig } from "../config.js";
import { logs } from "../logs.js";
import { toHttpsError, withinDeadline } from "./firestoreErrors.js";
import { prepareTrace, type PreparedTrace } from "./prepareTrace.js";

export interface RecordTraceDependencies {
  db: Firestore;
  config: RecordTraceConfig;
  now?: () => Date;
}

type RecordTraceRequest = Pick<CallableRequest<unknown>, "auth" | "app" | "data">;

/**
 * Stores one trace (`data` is the trace) or a batch (`data` is `{ traces: [...], sample_rate? }`).
 * Every rejection is an HttpsError naming what was wrong, and nothing is written for a rejected trace.
 */
export async function handleRecordTrace(
  request: RecordTraceRequest,
  dependencies: RecordTraceDependencies,
): Promise<RecordTraceResult | RecordTraceBatchResult> {
  const uid = callerUid(request, dependencies.config);
  const receivedAt = (dependencies.now ?? (() => new Date()))();
  const call = { uid, receivedAt, db: dependencies.db, config: dependencies.config };
  return isBatchPayload(request.data) ? recordBatch(request.data, call) : recordOne(request.data, call);
}

/** What one call's traces share: who sent them, when they arrived, where they go. */
interface CallContext {
  uid: string;
  receivedAt: Date;
  db: Firestore;
  config: RecordTraceConfig;
}

/** The signed-in caller's uid; throws `unauthenticated` for anyone else. */
function callerUid(request: RecordTraceRequest, config: RecordTraceConfig): string {
  const uid = request.auth?.uid;
  if (!uid) throw new HttpsError("unauthenticated", "recordTrace needs a signed-in caller (Firebase Auth).");
  // Checked here rather than with onCall's enforceAppCheck so that the switch is a runtime param.
  // The SDK has already verified any token it was sent: `request.app` is set only for a valid one.
  if (config.enforceAppCheck && !request.app) {
    throw new HttpsError("unauthenticated", "recordTrace needs a valid App Check token (ENFORCE_APP_CHECK is on).");
  }
  return uid;
}

/** The single-trace form: the trace's answer, or `invalid-argument` naming its bad fields. */
async function recordOne(data: unknown, { uid, receivedAt, db, config }: CallContext): Promise<RecordTraceResult> {
  const prepared = prepareTrace(data, { uid, config, receivedAt });
  if (prepared.kind === "rejected") {
    logs.traceRejected(prepared.fields, uid);
    throw new HttpsError("invalid-argument", prepared.message, { fields: prepared.fields });
  }
  const [result] = await writePrepared(db, [prepared]);
  return result!;
}

/**
 * The batch form: one answer per trace, in order. An invalid trace gets its own error entry and
 * never rejects the others; a trace repeated within the batch is written once; the writes go out
 * together under one deadline, and a failed write fails the call (`unavailable`) so that the sender
 * retries the batch, whose stored traces then answer `duplicate`.
 */
async function recordBatch(data: unknown, { uid, receivedAt, db, config }: CallContext): Promise<RecordTraceBatchResult> {
  const envelope = recordTraceBatchSchema.safeParse(data);
  if (!envelope.success) {
    const { message, fields } = describeInvalid("batch", envelope.error.issues);
    logs.traceRejected(fields, uid);
    throw new HttpsError("invalid-argument", message, { fields });
  }
  const { traces, sample_rate: senderSampleRate } = envelope.data;
  if (senderSampleRate !== undefined && senderSampleRate !== config.sampleRate) logs.sampleRateMismatch(senderSampleRate, config.sampleRate);

  const results: (RecordTraceBatchItemResult | undefined)[] = new Array(traces.length);
  const toWrite: { index: number; prepared: Extract<PreparedTrace, { kind: "write" }> }[] = [];
  const writing = new Set<string>();
  traces.forEach((trace, index) => {
    const prepared = prepareTrace(trace, { uid, config, receivedAt, senderSampleRate, at: ["traces", index] });
    if (prepared.kind === "rejected") {
      logs.traceRejected(prepared.fields, uid);
      const error = { code: "invalid-argument" as const, message: prepared.message, fields: prepared.fields };
      results[index] = prepared.traceId === undefined ? { error } : { trace_id: prepared.traceId, error };
    } else if (prepared.kind === "answered") {
      results[index] = answered(prepared.result);
    } else if (writing.has(prepared.traceId)) {
      results[index] = answered({ trace_id: prepared.traceId, stored: false, reason: "duplicate" });
    } else {
      writing.add(prepared.traceId);
      toWrite.push({ index, prepared });
    }
  });
  const written = await writePrepared(db, toWrite.map(({ prepared }) => prepared));
  toWrite.forEach(({ index }, position) => (results[index] = written[position]));
  return { results: results as RecordTraceBatchItemResult[] };
}

function answered(result: RecordTraceResult): RecordTraceResult {
  if (result.reason === "sampled_out") logs.traceSampledOut(result.trace_id);
  if (result.reason === "duplicate") logs.traceDuplicate(result.trace_id);
  return result;
}

/**
 * Answers traces that need no write and creates the documents of the others together, under one
 * deadline. A failed write rejects with the HttpsError the caller should see (`unavailable` to retry),
 * after logging the traces of the call it was writing.
 */
async function writePrepared(db: Firestore, prepared: readonly Exclude<PreparedTrace, { kind: "rejected" }>[]): Promise<RecordTraceResult[]> {
  const writes = prepared.filter((trace) => trace.kind === "write");
  let created: ("created" | "duplicate")[];
  try {
    created = await withinDeadline(createTraceDocuments(db, writes.map((trace) => trace.document)));
  } catch (error) {
    logs.traceWritesFailed(writes.map((trace) => trace.traceId), error);
    throw toHttpsError(error);
  }
  let written = 0;
  return prepared.map((trace) => {
    if (trace.kind === "answered") return answered(trace.result);
    if (created[written++] === "duplicate") return answered({ trace_id: trace.traceId, stored: false, reason: "duplicate" });
    logs.traceStored(trace.traceId, trace.reason, trace.document.tool_traces_dropped);
    return { trace_id: trace.traceId, stored: true, reason: trace.reason };
  });
}
