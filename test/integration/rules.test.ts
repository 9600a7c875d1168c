import { readFileSync } from "node:fs";
import { assertFails, assertSucceeds, initializeTestEnvironment, type RulesTestEnvironment } from "@firebase/rules-unit-testing";
import { collection, deleteDoc, doc, getDoc, getDocs, setDoc, setLogLevel, updateDoc } from "firebase/firestore";
import { REPORTS_COLLECTION, TRACES_COLLECTION } from "@agent-traces/admin";
import { clearFirestore, projectId } from "./support/emulators.js";

describe("firestore.rules on the Firestore emulator", () => {
  let env: RulesTestEnvironment;
  const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
  const reportId = "2025-01-01T10:00:00.000Z";

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

  for (const [collectionName, id] of [[TRACES_COLLECTION, traceId], [REPORTS_COLLECTION, reportId]] as const) {
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
});
