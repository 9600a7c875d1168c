/**
 * Size limits applied to every trace, on the client before sending and on the server before storing.
 * The string limits are the reference design's; the rest keep any accepted trace under
 * Firestore's 1 MiB document limit with a wide margin (stored documents stay <= 64 KiB).
 */
export const LIMITS = {
  toolInputValueChars: 100,
  toolOutputChars: 500,
  finalOutputChars: 1000,
  errorMessageChars: 200,
  metadataStringChars: 500,
  toolNameChars: 128,
  skillChars: 128,
  userIdChars: 128,
  /** A session (conversation) id: indexed and shown in URLs, so an id, not text. */
  sessionIdChars: 256,
  /** Feedback's free comment, redacted and cut like the final output. */
  feedbackCommentChars: 1000,
  /** Feedback's tags: at most this many, each at most feedbackTagChars. */
  feedbackTags: 10,
  feedbackTagChars: 64,
  keyChars: 128,
  toolInputKeys: 32,
  /** Models one trace's token `usage` lists (each at most once). */
  usageModels: 16,
  modelNameChars: 128,
  maxToolTraces: 100,
  /** Firestore bytes for all kept tool traces together: inputs and outputs are cut shorter to fit before calls are dropped. */
  toolTracesBytes: 40 * 1024,
  /** Firestore bytes for the metadata map. */
  metadataBytes: 8 * 1024,
  /** Maps and arrays nested deeper than this in metadata are rejected. */
  metadataDepth: 8,
  maxIterations: 1_000_000,
  /** Durations above a year are not plausible timings. */
  maxDurationMs: 366 * 24 * 3600 * 1000,
  /** The whole stored document, asserted by tests and the size benchmark. */
  storedDocumentBytes: 64 * 1024,
} as const;

/** Traces one `recordTrace` call may carry in its batch form. */
export const MAX_BATCH_TRACES = 100;

/**
 * The most bytes one `recordTrace` request body may hold (its JSON in UTF-8, as the Content-Length
 * says). The function answers a larger one `invalid-argument` before it reads the traces, and the
 * tracer never builds one: it closes a batch before it would grow past this (see callSize.ts). The
 * function's memory per instance is sized with it (docs/scaling.md, "Memory per instance").
 */
export const MAX_CALL_BYTES = 512 * 1024;
