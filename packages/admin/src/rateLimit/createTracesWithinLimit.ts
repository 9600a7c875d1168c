import { Timestamp, type DocumentReference, type Firestore, type WriteBatch } from "firebase-admin/firestore";
import { DAY_MS, RATE_LIMITS_COLLECTION } from "@agent-traces/core";
import type { TraceDocument } from "../traceDocument.js";
import { addCreate, createTraceDocument, createTraceDocuments, failsOneDocument, traceRef, type WriteOutcome } from "../writeTrace.js";
import type { KnownCounter, KnownCounters } from "./knownCounters.js";
import { grantTraces, type SlotCounts } from "./slidingWindow.js";

const NOT_FOUND = 5;
const ALREADY_EXISTS = 6;
const FAILED_PRECONDITION = 9;
const ABORTED = 10;
/** Commits tried when other calls of the same caller keep changing its counter first. */
const MAX_COMMITS = 5;

/** A document's outcome (see WriteOutcome), or `refused`: over the limit, not written. */
export type LimitedOutcome = WriteOutcome | "refused";

export interface LimitedWrite {
  /** One per document, in the order given. */
  outcomes: LimitedOutcome[];
  /** When the caller may send a refused trace again; 0 when none was refused. */
  retryAfterMs: number;
}

/**
 * Creates the documents `uid` may still store under `limitPerMinute` (see grantTraces), the first
 * ones first, and refuses the rest. The caller's counter (`trace_rate_limits`) is updated in the same
 * atomic commit as the documents, on the condition that it is as this process last saw it (`known`;
 * read when unknown or stale), so the limit holds across every instance and no lock is held. When the
 * commit fails for what one document can cause (one exists, as in a retried call, or Firestore refuses
 * one: see failsOneDocument), the counter is committed alone and the documents created one by one, so
 * that only that document is answered for it. A slot counts once committed, whatever its outcome.
 */
export async function createTracesWithinLimit(
  db: Firestore,
  uid: string,
  documents: readonly TraceDocument[],
  limitPerMinute: number,
  now: Date,
  known?: KnownCounters,
): Promise<LimitedWrite> {
  if (limitPerMinute <= 0) return { outcomes: await createTraceDocuments(db, documents), retryAfterMs: 0 };
  if (documents.length === 0) return { outcomes: [], retryAfterMs: 0 };
  const counter = { ref: db.collection(RATE_LIMITS_COLLECTION).doc(counterId(uid)), uid, known };
  const refs = documents.map((document) => traceRef(db, document.trace_id));
  let grant: { granted: number; retryAfterMs: number };
  try {
    grant = await commitWithCounter(db, counter, documents.length, limitPerMinute, now, (batch, granted) => {
      for (let index = 0; index < granted; index++) addCreate(batch, refs[index]!, documents[index]!);
    });
  } catch (error) {
    if (!failsOneDocument(error)) throw error;
    grant = await commitWithCounter(db, counter, documents.length, limitPerMinute, now, () => undefined);
    const created = await Promise.all(documents.slice(0, grant.granted).map((document) => createTraceDocument(db, document)));
    return { outcomes: documents.map((_, index) => created[index] ?? "refused"), retryAfterMs: grant.retryAfterMs };
  }
  return { outcomes: documents.map((_, index) => (index < grant.granted ? "created" : "refused")), retryAfterMs: grant.retryAfterMs };
}

interface Counter {
  ref: DocumentReference;
  uid: string;
  known: KnownCounters | undefined;
}

/**
 * Grants what fits the counter as known (read when unknown) and commits the new counts with
 * `addWrites`' writes, on the condition that the counter is still as known; when another call changed
 * it meanwhile, reads it and tries again (up to MAX_COMMITS, then ABORTED). Writes nothing when
 * nothing is granted.
 */
async function commitWithCounter(
  db: Firestore,
  counter: Counter,
  wanted: number,
  limit: number,
  now: Date,
  addWrites: (batch: WriteBatch, granted: number) => void,
): Promise<{ granted: number; retryAfterMs: number }> {
  let state = counter.known?.get(counter.uid);
  for (let commit = 1; ; commit++) {
    state ??= await read(counter);
    const grant = grantTraces(state.exists ? state.counts : undefined, now.getTime(), wanted, limit);
    if (grant.granted === 0) return grant;
    const counts = { slot: grant.next.slot, counts: grant.next.counts, expire_at: Timestamp.fromMillis(now.getTime() + DAY_MS) };
    const batch = db.batch();
    if (state.exists) batch.update(counter.ref, counts, { lastUpdateTime: state.updateTime });
    else batch.create(counter.ref, counts);
    addWrites(batch, grant.granted);
    try {
      const [counterWrite] = await batch.commit();
      counter.known?.set(counter.uid, { exists: true, counts: grant.next, updateTime: counterWrite!.writeTime });
      return grant;
    } catch (error) {
      counter.known?.forget(counter.uid);
      const code = (error as { code?: unknown }).code;
      // The counter changed since it was known (FAILED_PRECONDITION), was deleted (NOT_FOUND), or its
      // first write raced ours (ALREADY_EXISTS, which may also be a trace of the call: read to tell).
      const stale = code === FAILED_PRECONDITION || code === NOT_FOUND || (code === ALREADY_EXISTS && !state.exists && (state = await read(counter)).exists);
      if (!stale) throw error;
      if (commit >= MAX_COMMITS) throw Object.assign(new Error(`the caller's rate-limit counter kept changing (${MAX_COMMITS} tries)`), { code: ABORTED });
      if (code !== ALREADY_EXISTS) state = undefined;
      // A random pause, longer each time, so that calls racing for the same counter stop colliding.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * commit));
    }
  }
}

async function read({ ref }: Counter): Promise<KnownCounter> {
  const snapshot = await ref.get();
  return snapshot.exists ? { exists: true, counts: snapshot.data() as SlotCounts, updateTime: snapshot.updateTime! } : { exists: false };
}

/** A document id for any uid: Firebase uids may hold `/`, which a document id cannot. */
function counterId(uid: string): string {
  return `uid:${encodeURIComponent(uid)}`;
}
