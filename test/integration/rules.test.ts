import { readFileSync } from "node:fs";
import { assertFails, assertSucceeds, initializeTestEnvironment, type RulesTestEnvironment } from "@firebase/rules-unit-testing";
import { collection, collectionGroup, deleteDoc, doc, getDoc, getDocs, query, setDoc, setLogLevel, Timestamp, updateDoc, where, writeBatch } from "firebase/firestore";
import { ERASURE_SUBJECT_COLLECTION, FEEDBACK_COLLECTION, feedbackId, REPORTS_COLLECTION, TRACE_ERASURES_COLLECTION, TRACES_COLLECTION } from "@agent-traces/admin";
import { clearFirestore, projectId } from "./support/emulators.js";

describe("firestore.rules on the Firestore emulator", () => {
  let env: RulesTestEnvironment;
  const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
  const reportId = "2025-01-01T10:00:00.000Z";
  const erasureId = "event-0123456789abcdef";
  const ratingId = feedbackId(traceId, "alice");

  before(async () => {
    setLogLevel("silent"); // denied writes are the expected outcome here, not news
    const [host, port] = process.env.FIRESTORE_EMULATOR_HOST!.split(":");
    env = await initializeTestEnvironment({
      projectId,
      firestore: { host: host!, port: Number(port), rules: readFileSync(new URL("../../firestore.rules", import.meta.url), "utf8") },
    });
    await clearFirestore();
    await env.withSecurityRulesDisabled(async (context) => {
      await setDoc(doc(context.firestore(), TRACES_COLLECTION, traceId), { user_id: "alice", status: "error" });
      await setDoc(doc(context.firestore(), REPORTS_COLLECTION, reportId), { errors: 1 });
      await setDoc(doc(context.firestore(), FEEDBACK_COLLECTION, ratingId), { trace_id: traceId, rated_by: "alice", user_id: "alice", rating: "down", comment: "wrong answer" });
      await setDoc(doc(context.firestore(), TRACE_ERASURES_COLLECTION, erasureId), { scope: "user", state: "running" });
      await setDoc(doc(context.firestore(), TRACE_ERASURES_COLLECTION, erasureId, ERASURE_SUBJECT_COLLECTION, "uid"), { uid: "alice" });
      await setDoc(doc(context.firestore(), "other", "x"), { a: 1 });
    });
  });
  after(async () => {
    await clearFirestore();
    await env.cleanup();
  });

  const writes = (db: ReturnType<RulesTestEnvironment["unauthenticatedContext"]>["firestore"] extends () => infer D ? D : never, path: [string, string]) => [
    setDoc(doc(db, ...path), { status: "success", recorded_by: "me" }),
    setDoc(doc(db, ...path), { anything: true }, { merge: true }),
    updateDoc(doc(db, ...path), { status: "success" }),
    deleteDoc(doc(db, ...path)),
    setDoc(doc(db, path[0], "brand-new-id"), { status: "error" }),
  ];

  for (const [collectionName, id] of [[TRACES_COLLECTION, traceId], [REPORTS_COLLECTION, reportId], [FEEDBACK_COLLECTION, ratingId], [TRACE_ERASURES_COLLECTION, erasureId]] as const) {
    describe(collectionName, () => {
      it("is not readable without sign-in", async () => {
        const db = env.unauthenticatedContext().firestore();
        await assertFails(getDoc(doc(db, collectionName, id)));
        await assertFails(getDocs(collection(db, collectionName)));
      });

      it("is not readable by a signed-in user, even the trace's own user", async () => {
        const db = env.authenticatedContext("alice").firestore();
        await assertFails(getDoc(doc(db, collectionName, id)));
        await assertFails(getDocs(collection(db, collectionName)));
      });

      it("is not readable with a non-boolean or false admin claim", async () => {
        await assertFails(getDoc(doc(env.authenticatedContext("eve", { admin: "true" }).firestore(), collectionName, id)));
        await assertFails(getDoc(doc(env.authenticatedContext("eve", { admin: false }).firestore(), collectionName, id)));
      });

      it("is readable with the admin claim", async () => {
        const db = env.authenticatedContext("ops", { admin: true }).firestore();
        await assertSucceeds(getDoc(doc(db, collectionName, id)));
        await assertSucceeds(getDocs(collection(db, collectionName)));
      });

      it("takes no client write of any shape, from anyone, admin included", async () => {
        for (const context of [env.unauthenticatedContext(), env.authenticatedContext("alice"), env.authenticatedContext("ops", { admin: true })]) {
          for (const write of writes(context.firestore(), [collectionName, id])) await assertFails(write);
        }
      });
    });
  }

  it("denies every other collection", async () => {
    const db = env.authenticatedContext("ops", { admin: true }).firestore();
    await assertFails(getDoc(doc(db, "other", "x")));
    await assertFails(setDoc(doc(db, "other", "y"), { a: 1 }));
  });

  it("does not let a user list their own traces by filtering on user_id or recorded_by", async () => {
    const db = env.authenticatedContext("alice").firestore();
    await assertFails(getDocs(query(collection(db, TRACES_COLLECTION), where("user_id", "==", "alice"))));
    await assertFails(getDocs(query(collection(db, TRACES_COLLECTION), where("recorded_by", "==", "alice"))));
  });

  it("does not let a rater read their own ratings, or a run's, by filtering on rated_by or trace_id", async () => {
    const db = env.authenticatedContext("alice").firestore();
    await assertFails(getDocs(query(collection(db, FEEDBACK_COLLECTION), where("rated_by", "==", "alice"))));
    await assertFails(getDocs(query(collection(db, FEEDBACK_COLLECTION), where("trace_id", "==", traceId))));
    await assertSucceeds(getDocs(query(collection(env.authenticatedContext("ops", { admin: true }).firestore(), FEEDBACK_COLLECTION), where("trace_id", "==", traceId))));
  });

  it("is not readable with a truthy admin claim that is not true", async () => {
    for (const admin of [1, "yes", ["true"], { value: true }]) {
      await assertFails(getDoc(doc(env.authenticatedContext("eve", { admin }).firestore(), TRACES_COLLECTION, traceId)));
    }
  });

  it("lets no one, admin included, read or write the uid a running erasure works from", async () => {
    for (const context of [env.authenticatedContext("alice"), env.authenticatedContext("ops", { admin: true })]) {
      const db = context.firestore();
      await assertFails(getDoc(doc(db, TRACE_ERASURES_COLLECTION, erasureId, ERASURE_SUBJECT_COLLECTION, "uid")));
      await assertFails(getDocs(collectionGroup(db, ERASURE_SUBJECT_COLLECTION)));
      await assertFails(setDoc(doc(db, TRACE_ERASURES_COLLECTION, erasureId, ERASURE_SUBJECT_COLLECTION, "uid"), { uid: "mallory" }));
    }
  });

  it("denies collection-group queries and subcollections under a trace, admin included", async () => {
    for (const context of [env.authenticatedContext("alice"), env.authenticatedContext("ops", { admin: true })]) {
      const db = context.firestore();
      await assertFails(getDocs(collectionGroup(db, TRACES_COLLECTION)));
      await assertFails(getDoc(doc(db, TRACES_COLLECTION, traceId, "notes", "n1")));
      await assertFails(setDoc(doc(db, TRACES_COLLECTION, traceId, "notes", "n1"), { text: "x" }));
    }
  });

  it("takes no write shaped like a stored trace, even from the uid it names as recorded_by, in a batch or not", async () => {
    const db = env.authenticatedContext("alice").firestore();
    const forged = {
      trace_id: "0af7651916cd43dd8448eb211c80319c",
      user_id: "alice",
      recorded_by: "alice",
      status: "success",
      started_at: Timestamp.now(),
      received_at: Timestamp.now(),
      expire_at: Timestamp.fromMillis(Date.now() + 86_400_000),
      sample_rate: 1,
      schema_version: 1,
    };
    await assertFails(setDoc(doc(db, TRACES_COLLECTION, forged.trace_id), forged));
    const batch = writeBatch(db);
    batch.set(doc(db, TRACES_COLLECTION, forged.trace_id), forged);
    batch.set(doc(db, REPORTS_COLLECTION, "2099-01-01T00:00:00.000Z"), { errors: 0 });
    await assertFails(batch.commit());
  });
});
