import { Timestamp, type DocumentReference, type Firestore, type WriteBatch } from "firebase-admin/firestore";
import { DAY_MS } from "@agent-traces/core";
import { RATE_LIMITS_COLLECTION } from "@agent-traces/store";
import type { TraceDocument } from "../traceDocument.js";
import { addCreate, createOrAnswer, createTraceDocuments, failsOneDocument, heldRuns, traceRef, type WriteOutcome } from "../writeTrace.js";
import { counterId } from "./counterId.js";
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
 * read when unknown or stale), so the limit holds across every instance and no lock is held. Only
 * created documents are counted: when the commit fails for what one document can cause (one exists,
 * as in a retried call, or Firestore refuses one: see failsOneDocument), the documents already stored
 * are answered from one read (`duplicate` or `conflict`, not counted) and the rest committed with the
 * counter again, or, should that fail for one document too, each on its own with the counter.
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
  const counter: Counter = { ref: db.collection(RATE_LIMITS_COLLECTION).doc(counterId(uid)), uid, known, limit: limitPerMinute, now };
  try {
    return await createTogether(db, counter, documents);
  } catch (error) {
    if (!failsOneDocument(error)) throw error;
  }
  const held = await heldRuns(db, documents);
  const free = documents.filter((_, index) => held[index] === undefined);
  let written: LimitedWrite;
  try {
    written = await createTogether(db, counter, free);
  } catch (error) {
    if (!failsOneDocument(error)) throw error;
    written = await createEachAlone(db, counter, free);
  }
  const freeOutcomes = written.outcomes.values();
  return { outcomes: held.map((outcome) => outcome ?? freeOutcomes.next().value!), retryAfterMs: written.retryAfterMs };
}

/** One commit: the granted documents (the first ones) with the counter; the rest refused. */
async function createTogether(db: Firestore, counter: Counter, documents: readonly TraceDocument[]): Promise<LimitedWrite> {
  if (documents.length === 0) return { outcomes: [], retryAfterMs: 0 };
  const grant = await commitWithCounter(db, counter, documents.length, (batch, granted) => {
    for (let index = 0; index < granted; index++) addCreate(batch, traceRef(db, documents[index]!.trace_id), documents[index]!);
  });
  return { outcomes: documents.map((_, index) => (index < grant.granted ? "created" : "refused")), retryAfterMs: grant.retryAfterMs };
}

/** A commit per document, in order, each with the counter, so that only the document at fault is answered for it; once one is refused, the rest are. */
async function createEachAlone(db: Firestore, counter: Counter, documents: readonly TraceDocument[]): Promise<LimitedWrite> {
  const outcomes: LimitedOutcome[] = [];
  let retryAfterMs = 0;
  for (const document of documents) {
    if (retryAfterMs > 0) {
      outcomes.push("refused");
      continue;
    }
    const outcome = await createOrAnswer(db, document, () => createTogether(db, counter, [document]));
    if (typeof outcome === "object" && "outcomes" in outcome) {
      retryAfterMs = outcome.retryAfterMs;
      outcomes.push(outcome.outcomes[0]!);
    } else outcomes.push(outcome);
  }
  return { outcomes, retryAfterMs };
}

/** A caller's counter, and the limit and arrival time its grants are for. */
interface Counter {
  ref: DocumentReference;
  uid: string;
  known: KnownCounters | undefined;
  limit: number;
  now: Date;
}

/**
 * Grants what fits the counter as known (read when unknown) and commits the new counts with
 * `addWrites`' writes, on the condition that the counter is still as known; when another call changed
 * it meanwhile, reads it and tries again (up to MAX_COMMITS, then ABORTED). Writes nothing when
 * nothing is granted.
 */
async function commitWithCounter(db: Firestore, counter: Counter, wanted: number, addWrites: (batch: WriteBatch, granted: number) => void): Promise<{ granted: number; retryAfterMs: number }> {
  const { limit, now } = counter;
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
