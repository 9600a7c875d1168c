import type { Firestore } from "firebase-admin/firestore";
import { HttpsError, type CallableRequest } from "firebase-functions/v2/https";
import { decideRecording, sanitizeTrace, TraceIdRatioBasedSampler, validateTrace, type RecordTraceResult } from "@agent-traces/core";
import { createTraceDocument, toTraceDocument } from "@agent-traces/admin";
import type { RecordTraceConfig } from "../config.js";
import { logs } from "../logs.js";
import { toHttpsError, withinDeadline } from "./firestoreErrors.js";

export interface RecordTraceDependencies {
  db: Firestore;
  config: RecordTraceConfig;
  now?: () => Date;
}

/**
 * Validates, samples, sanitizes and stores one trace. Every rejection is an HttpsError naming
 * what was wrong; nothing is written for a rejected trace.
 */
export async function handleRecordTrace(
  request: Pick<CallableRequest<unknown>, "auth" | "app" | "data">,
  { db, config, now = () => new Date() }: RecordTraceDependencies,
): Promise<RecordTraceResult> {
  const uid = request.auth?.uid;
  if (!uid) throw new HttpsError("unauthenticated", "recordTrace needs a signed-in caller (Firebase Auth).");
  // Checked here rather than with onCall's enforceAppCheck so that the switch is a runtime param.
  // The SDK has already verified any token it was sent: `request.app` is set only for a valid one.
  if (config.enforceAppCheck && !request.app) {
    throw new HttpsError("unauthenticated", "recordTrace needs a valid App Check token (ENFORCE_APP_CHECK is on).");
  }

  const validation = validateTrace(request.data);
  if (!validation.ok) {
    logs.traceRejected(validation.fields, uid);
    throw new HttpsError("invalid-argument", validation.message, { fields: validation.fields });
  }
  const trace = validation.trace;

  const decision = decideRecording(trace.status, trace.trace_id, new TraceIdRatioBasedSampler(config.sampleRate));
  if (!decision.store) {
    logs.traceSampledOut(trace.trace_id);
    return { trace_id: trace.trace_id, stored: false, reason: decision.reason };
  }

  const sanitized = sanitizeTrace(trace);
  const document = toTraceDocument(sanitized, {
    recordedBy: uid,
    receivedAt: now(),
    ttlDays: trace.status === "success" ? config.ttlDays : config.errorTtlDays,
    sampleRate: config.sampleRate,
  });
  let outcome: "created" | "duplicate";
  try {
    outcome = await withinDeadline(createTraceDocument(db, document));
  } catch (error) {
    logs.traceWriteFailed(trace.trace_id, error);
    throw toHttpsError(error);
  }
  if (outcome === "duplicate") {
    logs.traceDuplicate(trace.trace_id);
    return { trace_id: trace.trace_id, stored: false, reason: "duplicate" };
  }
  logs.traceStored(trace.trace_id, decision.reason, document.tool_traces_dropped);
  return { trace_id: trace.trace_id, stored: true, reason: decision.reason };
}
