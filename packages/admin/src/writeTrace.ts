import { FieldValue, Timestamp, type DocumentReference, type Firestore, type WriteBatch } from "firebase-admin/firestore";
import { TRACES_COLLECTION } from "@agent-traces/store";
import { sameRun, type RunIdentity } from "./sameRun.js";
import type { TraceDocument } from "./traceDocument.js";

const INVALID_ARGUMENT = 3;
const ALREADY_EXISTS = 6;
const ABORTED = 10;
/** Creates tried when the document found in the way is gone by the time it is read (TTL deletion). */
const MAX_CREATES = 3;

/**
 * What became of one document: `created`; `duplicate`, the same run already stored by the same
 * caller (a retry: see sameRun); `conflict`, another run holds the id (another caller's, or another
 * run of this caller's), left as it was; or `{ invalid }`, Firestore (or its SDK, before sending)
 * refused the document itself, a value it cannot store, with its reason. Nothing is written for any
 * but `created`.
 */
export type WriteOutcome = "created" | "duplicate" | "conflict" | InvalidDocument;

export interface InvalidDocument {
  /** Firestore's reason, as it gave it. */
  invalid: string;
}

/**
 * Creates `execution_traces/{trace_id}` unless it exists. `create()` is atomic, so no call overwrites
 * what another stored; when the id is taken, one read of the holder tells a retry from a conflict.
 */
export async function createTraceDocument(db: Firestore, document: TraceDocument): Promise<WriteOutcome> {
  const ref = traceRef(db, document.trace_id);
  return createOrAnswer(db, document, async () => {
    const batch = db.batch();
    addCreate(batch, ref, document);
    await batch.commit();
    return "created" as const;
  });
}

/**
 * Runs `create`, a commit that creates `document` (and may write more), and answers for the document
 * when Firestore refuses it: `{ invalid }`, or `duplicate` / `conflict` after one read of the run in
 * the way; tries again when that run is gone by the time it is read (TTL deletion). Any other error rejects.
 */
export async function createOrAnswer<T>(db: Firestore, document: TraceDocument, create: () => Promise<T>): Promise<T | Exclude<WriteOutcome, "created">> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await create();
    } catch (error) {
      if (codeOf(error) === INVALID_ARGUMENT) return { invalid: reasonOf(error) };
      if (codeOf(error) !== ALREADY_EXISTS) throw error;
    }
    const [held] = await heldRuns(db, [document]);
    if (held !== undefined) return held;
    const path = traceRef(db, document.trace_id).path;
    if (attempt >= MAX_CREATES) throw Object.assign(new Error(`${path} kept appearing and vanishing (${MAX_CREATES} creates)`), { code: ABORTED });
  }
}

/**
 * Creates each document unless it exists, answering for each in order. They go in one atomic commit;
 * when a failure one document can cause stops it (one exists, as in a retried batch, or Firestore
 * refuses one: see failsOneDocument), the commit writes nothing and each is created on its own, so
 * only that document is answered for it. Any other error rejects, with nothing written.
 */
export async function createTraceDocuments(db: Firestore, documents: readonly TraceDocument[]): Promise<WriteOutcome[]> {
  if (documents.length <= 1) return Promise.all(documents.map((document) => createTraceDocument(db, document)));
  try {
    const batch = db.batch();
    for (const document of documents) addCreate(batch, traceRef(db, document.trace_id), document);
    await batch.commit();
    return documents.map(() => "created");
  } catch (error) {
    if (!failsOneDocument(error)) throw error;
    return Promise.all(documents.map((document) => createTraceDocument(db, document)));
  }
}

/**
 * Whether `error`, from a commit of several creates, may be one document's doing (it exists, or
 * Firestore refused a value in it: INVALID_ARGUMENT), so that creating them one by one is worth it.
 */
export function failsOneDocument(error: unknown): boolean {
  const code = codeOf(error);
  return code === ALREADY_EXISTS || code === INVALID_ARGUMENT;
}

/**
 * Adds the create of `document` to `batch`, with its `committed_at` set by Firestore to the commit's
 * time (a server timestamp), so that a write that lands late is counted when it landed. A document the SDK refuses before sending anything (over
 * 20 levels deep, an empty key, an `undefined`) throws INVALID_ARGUMENT, as one Firestore refuses
 * does (a nested array, a reserved key, a value over 1 MiB).
 */
export function addCreate(batch: WriteBatch, ref: DocumentReference, document: TraceDocument): void {
  try {
    batch.create(ref, { ...document, committed_at: FieldValue.serverTimestamp() });
  } catch (error) {
    throw Object.assign(new Error(error instanceof Error ? error.message : String(error), { cause: error }), { code: INVALID_ARGUMENT });
  }
}

export function traceRef(db: Firestore, traceId: string): DocumentReference {
  return db.collection(TRACES_COLLECTION).doc(traceId);
}

/**
 * For each document, in one read of the identity fields only: `duplicate` when its id holds the same
 * run (see sameRun), `conflict` when it holds another (or a document recordTrace did not write),
 * undefined when the id is free.
 */
export async function heldRuns(db: Firestore, documents: readonly (RunIdentity & { trace_id: string })[]): Promise<("duplicate" | "conflict" | undefined)[]> {
  if (documents.length === 0) return [];
  const snapshots = await db.getAll(...documents.map((document) => traceRef(db, document.trace_id)), { fieldMask: ["recorded_by", "started_at", "status", "repaired_fields"] });
  return snapshots.map((snapshot, index) => {
    if (!snapshot.exists) return undefined;
    const held = snapshot.data() as Partial<RunIdentity>;
    // A document recordTrace did not write (no Timestamp there) is no retry of this run.
    return held.started_at instanceof Timestamp && sameRun(held as RunIdentity, documents[index]!) ? "duplicate" : "conflict";
  });
}

function codeOf(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

/** Firestore's own words (a gRPC error's `details`), else the message. */
function reasonOf(error: unknown): string {
  const details = (error as { details?: unknown } | null)?.details;
  if (typeof details === "string" && details.length > 0) return details;
  return error instanceof Error ? error.message : String(error);
}
