import { onCall } from "firebase-functions/v2/https";
import { readRecordTraceConfig } from "./config.js";
import { traceStore } from "./firestore.js";
import { handleRecordTrace } from "./recordTrace/recordTraceHandler.js";

/** Stores one finished agent run sent by the tracer with `httpsCallable('recordTrace')`. */
export const recordTrace = onCall((request) =>
  handleRecordTrace(request, { db: traceStore(), config: readRecordTraceConfig() }),
);
