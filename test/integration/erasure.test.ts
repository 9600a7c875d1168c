import { strict as assert } from "node:assert";
import { setTimeout as sleep } from "node:timers/promises";
import { initializeApp as initializeAdminApp } from "firebase-admin/app";
import { getFirestore, type Firestore } from "firebase-admin/firestore";
import {
  counterId,
  countErasable,
  eraseBatch,
  erasureRef,
  exportUserTraces,
  FEEDBACK_COLLECTION,
  feedbackId,
  RATE_LIMITS_COLLECTION,
  startErasure,
  subjectRef,
  TRACE_ERASURES_COLLECTION,
  TRACES_COLLECTION,
  uidSha256,
  type ErasureReceipt,
} from "@agent-traces/admin";
import { deletedMeanwhile } from "../../packages/admin/src/erasure/eraseBatch.js";
import { exportUserFeedback } from "../../packages/admin/src/erasure/exportUserFeedback.js";
import { handleErasureWrite } from "../../functions/src/eraseUserData/eraseTracesHandler.js";
import { handleUserDeleted } from "../../functions/src/eraseUserData/userDeletedHandler.js";
import { adminAuth, adminFirestore, clearFirestore, projectId } from "./support/emulators.js";
import { seedTraces, type SeedTrace } from "./support/seed.js";
import { seedFeedback, type SeedFeedback } from "./support/seedFeedback.js";

const base = Date.parse("2025-05-01T00:00:00Z");
/** `count` traces of one kind, a second apart from `offset` seconds after `base`. */
const traces = (count: number, kind: Pick<SeedTrace, "recordedBy" | "userId">, offset = 0): SeedTrace[] =>
  Array.from({ length: count }, (_, index) => ({ ...kind, startedAt: new Date(base + (offset + index) * 1000), status: index % 7 === 0 ? "error" : "success" }));

/** Every trace id in the collection, sorted. */
async function storedIds(db: Firestore): Promise<string[]> {
  return (await db.collection(TRACES_COLLECTION).select().get()).docs.map((doc) => doc.id).sort();
}

/** Every rating's document id, sorted. */
async function storedRatingIds(db: Firestore): Promise<string[]> {
  return (await db.collection(FEEDBACK_COLLECTION).select().get()).docs.map((doc) => doc.id).sort();
}

/**
 * Thumbs-down ratings of the first `count` of `ids` (runs seeded by `traces` from `offset`), given by
 * `ratedBy` on runs naming `userId`, as recordFeedback stores them (run_started_at the run's start).
 */
const ratingsOf = (ids: readonly string[], offset: number, count: number, ratedBy: string, userId: string | number, runRecordedBy: string): SeedFeedback[] =>
  ids.slice(0, count).map((traceId, index) => {
    const runStartedAt = new Date(base + (offset + index) * 1000);
    return { traceId, ratedBy, runRecordedBy, userId, rating: "down", runStartedAt, updatedAt: new Date(runStartedAt.getTime() + 60_000) };
  });

interface Seeded {
  theirs: string[];
  others: string[];
  /** Rating document ids: given by the user or of runs naming them, and the others'. */
  theirRatings: string[];
  otherRatings: string[];
}

/**
 * A user's seeded traces (the four ways a trace is theirs) and other users' traces, with a rate-limit
 * counter each, and `ratingsPerKind` ratings of the first runs of each kind: the user's ratings (of
 * runs they sent, whoever those name), an admin's ratings of runs naming them (both forms), and others'.
 */
async function seedUserAndOthers(db: Firestore, uid: string, perKind: number, ratingsPerKind = 2): Promise<Seeded> {
  const numeric = Number(uid);
  const theirs = await seedTraces(
    [
      ...traces(perKind, { recordedBy: uid, userId: "someone-they-named" }),
      ...traces(perKind, { recordedBy: "a-server", userId: uid }, 10_000),
      ...traces(perKind, { recordedBy: "a-server", userId: numeric }, 20_000),
      // Both recorded by and naming the user: found by both queries, counted once.
      ...traces(perKind, { recordedBy: uid, userId: uid }, 30_000),
    ],
    db,
  );
  const others = await seedTraces(
    [
      ...traces(20, { recordedBy: "other-uid", userId: "other-user" }, 40_000),
      // Not the user's: a leading zero is another string id, and another number.
      ...traces(10, { recordedBy: "a-server", userId: `0${uid}` }, 50_000),
      ...traces(10, { recordedBy: "a-server", userId: numeric + 1 }, 60_000),
    ],
    db,
  );
  await db.collection(RATE_LIMITS_COLLECTION).doc(counterId(uid)).set({ slot: 1, counts: [1] });
  await db.collection(RATE_LIMITS_COLLECTION).doc(counterId("other-uid")).set({ slot: 1, counts: [1] });
  const kind = (ids: string[], index: number, size: number) => ids.slice(index * size, (index + 1) * size);
  const theirRatings = await seedFeedback(
    [
      ...ratingsOf(kind(theirs, 0, perKind), 0, ratingsPerKind, uid, "someone-they-named", uid),
      // An admin's ratings of runs they sent naming someone else: found by the run's sender alone.
      ...ratingsOf(kind(theirs, 0, perKind), 0, ratingsPerKind, "an-admin", "someone-they-named", uid),
      ...ratingsOf(kind(theirs, 1, perKind), 10_000, ratingsPerKind, "an-admin", uid, "a-server"),
      ...ratingsOf(kind(theirs, 2, perKind), 20_000, ratingsPerKind, "an-admin", numeric, "a-server"),
      ...ratingsOf(kind(theirs, 3, perKind), 30_000, ratingsPerKind, uid, uid, uid),
    ],
    db,
  );
  const otherRatings = await seedFeedback(
    [
      ...ratingsOf(others.slice(0, 20), 40_000, ratingsPerKind, "other-uid", "other-user", "other-uid"),
      ...ratingsOf(others.slice(20, 30), 50_000, ratingsPerKind, "an-admin", `0${uid}`, "a-server"),
      ...ratingsOf(others.slice(30, 40), 60_000, ratingsPerKind, "an-admin", numeric + 1, "a-server"),
    ],
    db,
  );
  return { theirs: theirs.sort(), others: others.sort(), theirRatings: theirRatings.sort(), otherRatings: otherRatings.sort() };
}

async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

describe("erasure: deleting a Firebase Auth user erases their data (Auth emulator → onUserDeleted → eraseTraces)", function () {
  this.timeout(180_000);
  const db = adminFirestore();
  // A numeric uid, so that both forms of the user id (the text and the number) are theirs.
  const uid = String(700_000_000 + Math.floor(Math.random() * 99_999_999));
  let seeded: Seeded;

  before(async () => {
    await clearFirestore();
    seeded = await seedUserAndOthers(db, uid, 625);
    await adminAuth().createUser({ uid, email: `erase-${uid}@example.com` });
  });

  it("removes all 2,500 of their traces, their 10 ratings and their counter in several batches and runs, nothing else, with an exact receipt", async () => {
    assert.equal(seeded.theirs.length, 2500);
    assert.deepEqual([seeded.theirRatings.length, seeded.otherRatings.length], [10, 6]);
    assert.deepEqual(await countErasable(db, { kind: "user", uid }), { [TRACES_COLLECTION]: 2500, [FEEDBACK_COLLECTION]: 10, [RATE_LIMITS_COLLECTION]: 1 });
    await adminAuth().deleteUser(uid);

    const receipts = db.collection(TRACE_ERASURES_COLLECTION).where("uid_sha256", "==", uidSha256(uid));
    const receipt = await waitFor("the erasure to be done", async () => {
      const found = (await receipts.get()).docs.map((doc) => ({ id: doc.id, data: doc.data() as ErasureReceipt }));
      return found.length === 1 && found[0]!.data.state === "done" ? found[0]! : undefined;
    });

    assert.deepEqual(await storedIds(db), seeded.others, "every trace of theirs gone, every other one kept");
    assert.deepEqual(await storedRatingIds(db), seeded.otherRatings, "every rating given by them or of runs naming them gone, the others' kept");
    assert.equal((await db.collection(RATE_LIMITS_COLLECTION).doc(counterId(uid)).get()).exists, false);
    assert.equal((await db.collection(RATE_LIMITS_COLLECTION).doc(counterId("other-uid")).get()).exists, true);

    const { data } = receipt;
    assert.deepEqual(data.deleted, { [TRACES_COLLECTION]: 2500, [FEEDBACK_COLLECTION]: 10, [RATE_LIMITS_COLLECTION]: 1 });
    assert.equal(data.scope, "user");
    assert.equal(data.reason, "account_deleted");
    // 2,509 documents in batches of 400; ERASE_BATCHES_PER_RUN=2 (functions/.env.demo-agent-traces): 4 runs, the last finding nothing left.
    assert.equal(data.batches, 7);
    assert.equal(data.runs, 4);
    assert.ok(data.ended_at && data.ended_at.toMillis() >= data.started_at.toMillis());
    assert.ok(!JSON.stringify(data).includes(uid), "the receipt holds no uid");
    assert.ok(!JSON.stringify(data).includes("example.com"), "the receipt holds no email");
    assert.deepEqual(Object.keys(data).sort(), ["batches", "deleted", "ended_at", "reason", "runs", "scope", "started_at", "state", "uid_sha256"]);
    assert.equal((await subjectRef(erasureRef(db, receipt.id)).get()).exists, false, "the uid it worked from is deleted with the end");
  });
});

describe("erasure: the resumable chain, driven run by run through the handlers", () => {
  // A project of its own on the same Firestore emulator: no trigger is registered there, so only this test runs the handlers.
  const erasureProject = `${projectId}-erasure`;
  const db = getFirestore(initializeAdminApp({ projectId: erasureProject }, "erasure-handlers"));
  const uid = "4242";
  const clear = async () => {
    const response = await fetch(`http://${process.env.FIRESTORE_EMULATOR_HOST}/emulator/v1/projects/${erasureProject}/databases/(default)/documents`, { method: "DELETE" });
    assert.ok(response.ok);
  };
  const readReceipt = async (id: string) => (await erasureRef(db, id).get()).data() as ErasureReceipt;
  beforeEach(clear);
  after(clear);

  it("takes several runs under a tiny batch cap; a replayed event (run twice, at the same time) keeps the counts exact and the chain single", async () => {
    const seeded = await seedUserAndOthers(db, uid, 15);
    const id = (await handleUserDeleted(db, uid, "event-1", { eraseOnUserDelete: true }))!;
    assert.ok(id);
    assert.equal(await handleUserDeleted(db, uid, "event-1", { eraseOnUserDelete: true }), undefined, "a redelivered deletion event starts nothing");

    const config = { batchesPerRun: 2, timeBudgetMs: 60_000 };
    let before: ErasureReceipt | undefined;
    let after = await readReceipt(id);
    const outcomes: string[] = [];
    for (let turn = 0; after.state === "running"; turn++) {
      assert.ok(turn < 20, "the chain ends");
      const write = { erasureId: id, before, after };
      // The same event delivered twice, the two runs overlapping.
      const [first, second] = await Promise.all([handleErasureWrite(db, write, config, { batchSize: 7 }), handleErasureWrite(db, write, config, { batchSize: 7 })]);
      outcomes.push([first, second].sort().join("+"));
      // A write that did not advance `runs` (a batch's increments) starts nothing.
      assert.equal(await handleErasureWrite(db, { erasureId: id, before: after, after }, config, { batchSize: 7 }), "ignored");
      before = after;
      after = await readReceipt(id);
    }

    assert.deepEqual(await storedIds(db), seeded.others);
    assert.deepEqual(await storedRatingIds(db), seeded.otherRatings);
    assert.deepEqual(after.deleted, { [TRACES_COLLECTION]: 60, [FEEDBACK_COLLECTION]: 10, [RATE_LIMITS_COLLECTION]: 1 });
    // 71 documents, 7 a batch: at least 11 batches (more when the overlapping runs split one).
    assert.ok(after.batches >= 11, `batches: ${after.batches}`);
    assert.equal(after.runs, outcomes.length, "each turn counted once");
    assert.ok(outcomes.length >= 3, `several runs: ${outcomes.join(", ")}`);
    for (const outcome of outcomes.slice(0, -1)) assert.equal(outcome, "continued+superseded");
    assert.equal(outcomes.at(-1), "done+superseded");
    // Replayed once more after the end: nothing happens.
    assert.equal(await handleErasureWrite(db, { erasureId: id, before: undefined, after: { ...after, state: "running" } }, config), "superseded");
    assert.deepEqual((await readReceipt(id)).deleted, after.deleted);
  });

  it("Firestore refuses a commit whose precondition delete finds its document gone, as eraseBatch expects (it then looks again)", async () => {
    const [id] = await seedTraces(traces(1, { recordedBy: uid, userId: uid }), db);
    const ref = db.collection(TRACES_COLLECTION).doc(id!);
    await ref.delete();
    const error = await db.batch().delete(ref, { exists: true }).commit().then(() => undefined, (caught: unknown) => caught);
    assert.ok(error, "the commit fails");
    assert.ok(deletedMeanwhile(error), `retried: ${String(error)}`);
  });

  it("a batch deletes with preconditions: one whose documents another run deleted first looks again, and counts only what it deleted", async () => {
    await seedUserAndOthers(db, uid, 5);
    const receipt = (await startErasure(db, { kind: "user", uid }, "cli", new Date()))!;
    const results = await Promise.all(Array.from({ length: 4 }, () => eraseBatch(db, receipt, { kind: "user", uid }, 25)));
    const deleted = results.reduce((sum, batch) => sum + batch.total, 0);
    const stored = (await receipt.get()).data() as ErasureReceipt;
    assert.equal(stored.deleted[TRACES_COLLECTION]! + stored.deleted[FEEDBACK_COLLECTION]! + stored.deleted[RATE_LIMITS_COLLECTION]!, deleted);
    // Whatever the interleaving, the rest is found by the next batch and nothing is counted twice.
    const rest = await eraseBatch(db, receipt, { kind: "user", uid }, 100);
    const final = (await receipt.get()).data() as ErasureReceipt;
    assert.deepEqual(final.deleted, { [TRACES_COLLECTION]: 20, [FEEDBACK_COLLECTION]: 10, [RATE_LIMITS_COLLECTION]: 1 });
    assert.equal(deleted + rest.total, 31);
    assert.equal((await eraseBatch(db, receipt, { kind: "user", uid })).total, 0);
  });

  it("does nothing when ERASE_ON_USER_DELETE is false, and leaves an erasure run by the CLI to the CLI", async () => {
    await seedUserAndOthers(db, uid, 3);
    assert.equal(await handleUserDeleted(db, uid, "event-2", { eraseOnUserDelete: false }), undefined);
    assert.equal((await db.collection(TRACE_ERASURES_COLLECTION).get()).size, 0);
    const receipt = (await startErasure(db, { kind: "user", uid }, "cli", new Date()))!;
    assert.equal((await subjectRef(receipt).get()).exists, false, "the CLI keeps the uid in memory, not in Firestore");
    const data = (await receipt.get()).data() as ErasureReceipt;
    assert.equal(await handleErasureWrite(db, { erasureId: receipt.id, before: undefined, after: data }, { batchesPerRun: 5, timeBudgetMs: 60_000 }), "ignored");
    assert.equal((await countErasable(db, { kind: "user", uid }))[TRACES_COLLECTION], 12);
  });

  it("counts and exports a user's traces and ratings once each, oldest first, and erases both by age", async () => {
    const { theirs, theirRatings, otherRatings } = await seedUserAndOthers(db, uid, 4);
    const exported = await exportUserTraces(db, uid);
    assert.deepEqual(exported.map((trace) => trace.trace_id).sort(), theirs);
    const starts = exported.map((trace) => Date.parse(trace.started_at));
    assert.deepEqual(starts, [...starts].sort((a, b) => a - b), "oldest first");
    assert.ok(exported.every((trace) => trace.recorded_by === uid || trace.user_id === uid || trace.user_id === Number(uid)));

    // Their ratings: given by them, an admin's of runs they sent, and an admin's of runs naming them, in both forms.
    const ratings = await exportUserFeedback(db, uid);
    assert.deepEqual(ratings.map((rating) => feedbackId(rating.trace_id, rating.rated_by)).sort(), theirRatings);
    assert.ok(ratings.every((rating) => rating.rated_by === uid || rating.run_recorded_by === uid || rating.user_id === uid || rating.user_id === Number(uid)));
    assert.deepEqual(new Set(ratings.map((rating) => typeof rating.user_id)), new Set(["string", "number"]));
    const created = ratings.map((rating) => Date.parse(rating.created_at));
    assert.deepEqual(created, [...created].sort((a, b) => a - b), "oldest first");
    assert.ok(ratings.every((rating) => typeof rating.updated_at === "string" && typeof rating.run_started_at === "string" && typeof rating.expire_at === "string"), "times as ISO strings");
    assert.ok(ratings.every((rating) => !("schema_version" in rating)));
    assert.deepEqual(await exportUserFeedback(db, "nobody"), []);

    // By age: the user's first two kinds started before base + 10,000 s + 2 s; their ratings (2 + 2 of the first kind, 2 of the second) go with them.
    const before = new Date(base + 10_002 * 1000);
    assert.deepEqual(await countErasable(db, { kind: "before", before }), { [TRACES_COLLECTION]: 6, [FEEDBACK_COLLECTION]: 6, [RATE_LIMITS_COLLECTION]: 0 });
    const receipt = (await startErasure(db, { kind: "before", before }, "cli", new Date()))!;
    assert.equal((await eraseBatch(db, receipt, { kind: "before", before })).total, 12);
    assert.equal((await db.collection(TRACES_COLLECTION).where("started_at", "<", before).get()).size, 0);
    assert.equal((await db.collection(FEEDBACK_COLLECTION).where("run_started_at", "<", before).get()).size, 0);
    assert.equal((await storedIds(db)).length, 16 + 40 - 6);
    assert.equal((await storedRatingIds(db)).length, theirRatings.length + otherRatings.length - 6);
    assert.deepEqual(((await receipt.get()).data() as ErasureReceipt).deleted, { [TRACES_COLLECTION]: 6, [FEEDBACK_COLLECTION]: 6, [RATE_LIMITS_COLLECTION]: 0 });
    const data = (await receipt.get()).data() as ErasureReceipt;
    assert.equal(data.scope, "before");
    assert.equal(data.before?.toMillis(), before.getTime());
    assert.equal(data.uid_sha256, undefined);
  });
});
