/** The stages of a recordTrace call, as bench/lib/profile.ts splits its CPU profile: our code by step, then the libraries under it. */
import { byPath, type Stage } from "./lib/profile.js";

const core = (file: string) => `/packages/core/src/${file}`;
const admin = (file: string) => `/packages/admin/src/${file}`;

export const HANDLER_STAGES: readonly Stage[] = [
  byPath("validation (zod schema, wire keys)", true, [core("schema.ts"), core("validation.ts"), core("wireKeys.ts"), core("recordTraceBatch.ts"), core("keep/"), "/node_modules/zod/"]),
  byPath("sampling and keep rules", true, [core("sampler/"), core("recordingDecision.ts"), "/functions/src/recordTrace/keepDecision.ts"]),
  byPath("redaction", true, [core("redact.ts"), core("sanitizeText.ts")]),
  byPath("cutting to the limits (sizes, shortening, dropping)", true, [
    core("sanitize.ts"), core("sanitizeToolTrace.ts"), core("boundToolTraces.ts"), core("text.ts"), core("shortenText.ts"), core("storedSize.ts"), core("callSize.ts"), core("stringify.ts"), core("plainObject.ts"), core("modelUsage.ts"),
  ]),
  byPath("building the document (Timestamps, cost, failed tools)", true, [admin("traceDocument.ts"), core("pricing/"), core("usage/"), core("time.ts")]),
  byPath("rate limit and the commit's writes", true, [admin("rateLimit/"), admin("writeTrace.ts"), admin("sameRun.ts")]),
  byPath("the handler and its log lines", true, ["/functions/src/"]),
  byPath("firebase-functions logger (JSON lines)", false, ["/node_modules/firebase-functions/"]),
  byPath("firebase-admin and gRPC (encoding, sending)", false, [
    "/node_modules/@google-cloud/", "/node_modules/firebase-admin/", "/node_modules/google-gax/", "/node_modules/@grpc/", "/node_modules/protobufjs/", "/node_modules/@protobufjs/", "/node_modules/google-auth-library/", "/node_modules/gaxios/", "/node_modules/long/",
  ]),
];
