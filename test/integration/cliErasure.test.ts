import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { counterId, FEEDBACK_COLLECTION, RATE_LIMITS_COLLECTION, TRACE_ERASURES_COLLECTION, TRACES_COLLECTION, uidSha256, type ErasureReceipt, type StoredTrace } from "@agent-traces/admin";
import { cli } from "./support/cli.js";
import { adminFirestore, clearFirestore, projectId } from "./support/emulators.js";
import { seedTraces, type SeedTrace } from "./support/seed.js";
import { seedFeedback, type SeedFeedback } from "./support/seedFeedback.js";

describe("agent-traces CLI: delete and export --user against the Firestore emulator", () => {
  const db = adminFirestore();
  const base = Date.parse("2025-04-01T00:00:00Z");
  const at = (hours: number) => new Date(base + hours * 3_600_000);
  const run = (hours: number, recordedBy: string, userId: string | number): SeedTrace => ({ startedAt: at(hours), status: "success", recordedBy, userId });
  /** A thumbs-down of the run seeded at `hours`, by `ratedBy`, as recordFeedback stores it. */
  const rating = (traceId: string, hours: number, ratedBy: string, userId: string | number): SeedFeedback => ({
    traceId,
    ratedBy,
    userId,
    rating: "down",
    runStartedAt: at(hours),
    updatedAt: new Date(at(hours).getTime() + 60_000),
  });
  let ids: { alice: string[]; seventySeven: string[]; others: string[] };
  let ratings: { alice: string[]; seventySeven: string[]; others: string[] };
  let folder: string;

  const storedIds = async () => (await db.collection(TRACES_COLLECTION).select().get()).docs.map((doc) => doc.id).sort();
  const storedRatings = async () => (await db.collection(FEEDBACK_COLLECTION).select().get()).docs.map((doc) => doc.id).sort();
  // The CLI's own: a test elsewhere that deletes an Auth user starts an erasure of the functions' at any time.
  const receipts = async () =>
    (await db.collection(TRACE_ERASURES_COLLECTION).where("reason", "==", "cli").get()).docs.map((doc) => ({ id: doc.id, data: doc.data() as ErasureReceipt }));

  before(async () => {
    await clearFirestore();
    folder = mkdtempSync(join(tmpdir(), "agent-traces-export-"));
    ids = {
      // Recorded by alice, naming alice (sent by a server), and both.
      alice: await seedTraces([run(1, "alice", "bob"), run(2, "a-server", "alice"), run(3, "alice", "alice")]),
      // A numeric user id: both forms, newest seeded first.
      seventySeven: await seedTraces([run(30, "a-server", 77), run(20, "a-server", "77"), run(10, "77", "x")]),
      others: await seedTraces([run(5, "bob", "bob"), run(6, "a-server", "077"), run(40, "carol", "carol")]),
    };
    await db.collection(RATE_LIMITS_COLLECTION).doc(counterId("alice")).set({ slot: 1, counts: [3] });
    const [a1, a2, a3] = ids.alice as [string, string, string];
    const [s30] = ids.seventySeven as [string];
    const [o5, o6] = ids.others as [string, string];
    ratings = {
      // Given by alice (of a run she sent naming bob, and of her own), and an admin's of a run naming her.
      alice: await seedFeedback([rating(a1, 1, "alice", "bob"), rating(a3, 3, "alice", "alice"), rating(a2, 2, "an-admin", "alice")]),
      seventySeven: await seedFeedback([rating(s30, 30, "an-admin", 77)]),
      others: await seedFeedback([rating(o5, 5, "bob", "bob"), rating(o6, 6, "an-admin", "077")]),
    };
  });
  after(() => rmSync(folder, { recursive: true, force: true }));

  it("export --user: that user's traces (recorded by or naming them, both forms of a number) as a JSON array, oldest first", async () => {
    const result = await cli(["export", "--user", "77"]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, "");
    const traces = JSON.parse(result.stdout) as StoredTrace[];
    assert.deepEqual(traces.map((trace) => trace.trace_id), [...ids.seventySeven].reverse());
    assert.deepEqual(traces.map((trace) => trace.user_id), ["x", "77", 77]);
    assert.equal(traces[0]!.recorded_by, "77");
  });

  it("export --user --out FILE: writes the same JSON to the file and says how many", async () => {
    const file = join(folder, "alice.json");
    const result = await cli(["export", "--user", "alice", "--out", file]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `Wrote 3 traces of user "alice" from the Firestore emulator at ${process.env.FIRESTORE_EMULATOR_HOST} (project ${projectId}) to ${file}.\n`);
    const traces = JSON.parse(readFileSync(file, "utf8")) as StoredTrace[];
    assert.deepEqual(traces.map((trace) => trace.trace_id), ids.alice);
    assert.equal(JSON.parse((await cli(["export", "--user", "nobody"])).stdout).length, 0);
  });

  it("export --user --feedback: the ratings given by them or of runs naming them (both forms of a number), oldest first", async () => {
    const result = await cli(["export", "--user", "alice", "--feedback"]);
    assert.equal(result.code, 0, result.stderr);
    const exported = JSON.parse(result.stdout) as { trace_id: string; rated_by: string; updated_at: string }[];
    assert.deepEqual(exported.map((rating) => rating.trace_id), ids.alice);
    assert.deepEqual(exported.map((rating) => rating.rated_by), ["alice", "an-admin", "alice"]);
    assert.equal(typeof exported[0]!.updated_at, "string", "instants as ISO strings");
    const file = join(folder, "77-ratings.json");
    const written = await cli(["export", "--user", "77", "--feedback", "--out", file]);
    assert.equal(written.code, 0, written.stderr);
    assert.match(written.stdout, /^Wrote 1 rating of user "77" from /);
    assert.deepEqual((JSON.parse(readFileSync(file, "utf8")) as { trace_id: string }[]).map((rating) => rating.trace_id), ids.seventySeven.slice(0, 1));
    const misplaced = await cli(["export", ids.alice[0]!, "--feedback"]);
    assert.equal(misplaced.code, 1);
    assert.match(misplaced.stderr, /--feedback is for export --user/);
  });

  it("delete --user without --yes: a dry run with exact counts that changes nothing", async () => {
    const before = await storedIds();
    const result = await cli(["delete", "--user", "alice"]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      result.stdout,
      [
        `Dry run: deleting user "alice" from the Firestore emulator at ${process.env.FIRESTORE_EMULATOR_HOST} (project ${projectId}) would remove:`,
        "  execution_traces   3",
        "  trace_feedback     3",
        "  trace_rate_limits  1",
        "Nothing was deleted. Run again with --yes to delete them (a receipt is written to trace_erasures).",
        "",
      ].join("\n"),
    );
    assert.deepEqual(await storedIds(), before);
    assert.equal((await storedRatings()).length, 6);
    assert.equal((await db.collection(RATE_LIMITS_COLLECTION).doc(counterId("alice")).get()).exists, true);
    assert.deepEqual(await receipts(), []);
  });

  it("delete --user --yes: deletes them, their ratings and the counter, nothing else, and prints the receipt it wrote", async () => {
    const result = await cli(["delete", "--user", "alice", "--yes"]);
    assert.equal(result.code, 0, result.stderr);
    const [receipt] = await receipts();
    assert.ok(receipt);
    assert.equal(
      result.stdout,
      [
        `Deleted user "alice" from the Firestore emulator at ${process.env.FIRESTORE_EMULATOR_HOST} (project ${projectId}):`,
        "  execution_traces   3",
        "  trace_feedback     3",
        "  trace_rate_limits  1",
        `Receipt: trace_erasures/${receipt.id} (1 batch; it names the user only by the SHA-256 of the uid, ${uidSha256("alice")}).`,
        "",
      ].join("\n"),
    );
    assert.deepEqual(await storedIds(), [...ids.seventySeven, ...ids.others].sort());
    assert.deepEqual(await storedRatings(), [...ratings.seventySeven, ...ratings.others].sort(), "alice's ratings gone, the others' kept");
    assert.equal((await db.collection(RATE_LIMITS_COLLECTION).doc(counterId("alice")).get()).exists, false);
    const { data } = receipt;
    assert.deepEqual(data.deleted, { [TRACES_COLLECTION]: 3, [FEEDBACK_COLLECTION]: 3, [RATE_LIMITS_COLLECTION]: 1 });
    assert.equal(data.reason, "cli");
    assert.equal(data.state, "done");
    assert.equal(data.runs, 1);
    assert.ok(!JSON.stringify(data).includes("alice"));
    // The stack's eraseTraces trigger saw the receipt too: an erasure of the CLI's is the CLI's, it changes nothing.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    assert.deepEqual((await db.collection(TRACE_ERASURES_COLLECTION).doc(receipt.id).get()).data(), data);
  });

  it("delete --before: a dry run counting the traces started before T and their ratings, then --yes deletes exactly those", async () => {
    await db.recursiveDelete(db.collection(TRACE_ERASURES_COLLECTION));
    const dry = await cli(["delete", "--before", "2025-04-01T15:00:00Z"]);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^Dry run: deleting traces started before 2025-04-01T15:00:00\.000Z from .* would remove:\n {2}execution_traces {3}3\n {2}trace_feedback {5}2\n {2}trace_rate_limits {2}0\n/);
    const result = await cli(["delete", "--before", "2025-04-01T15:00:00Z", "--yes"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /\n {2}execution_traces {3}3\n {2}trace_feedback {5}2\n/);
    // Left: the runs at 20 h, 30 h and 40 h, and the rating of the one at 30 h.
    assert.deepEqual(await storedIds(), [ids.seventySeven[0]!, ids.seventySeven[1]!, ids.others[2]!].sort());
    assert.deepEqual(await storedRatings(), ratings.seventySeven);
    const [receipt] = await receipts();
    assert.equal(receipt!.data.scope, "before");
    assert.equal(receipt!.data.before?.toDate().toISOString(), "2025-04-01T15:00:00.000Z");
    assert.equal(receipt!.data.uid_sha256, undefined);
  });

  it("a bad delete or export: exit 1, one line on stderr, nothing deleted", async () => {
    const before = await storedIds();
    for (const args of [["delete"], ["delete", "--user", "a", "--before", "1d"], ["export", "--user", "a", "--format", "otlp"]]) {
      const result = await cli(args);
      assert.equal(result.code, 1, args.join(" "));
      assert.equal(result.stdout, "");
      assert.match(result.stderr, /^agent-traces: [^\n]+\n$/);
    }
    assert.deepEqual(await storedIds(), before);
  });
});
