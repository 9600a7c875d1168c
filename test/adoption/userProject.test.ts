import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { assertFails, assertSucceeds, initializeTestEnvironment, type RulesTestEnvironment } from "@firebase/rules-unit-testing";
import { doc, getDoc, setDoc, setLogLevel } from "firebase/firestore";
import { httpsCallable } from "firebase/functions";
import { RATE_LIMITS_COLLECTION } from "@agent-traces/store";
import { adminFirestore, clientSession, projectId } from "../integration/support/emulators.js";
import { aTrace } from "../integration/support/traces.js";
import { adoptionPaths, readPacks } from "./support/paths.js";
import { USER_FIELD_OVERRIDE, USER_INDEX } from "./support/userProject.js";

const require = createRequire(import.meta.url);
const { loadCJSON } = require("firebase-tools/lib/loadCJSON") as { loadCJSON: (path: string) => unknown };
const { FirestoreApi } = require("firebase-tools/lib/firestore/api") as { FirestoreApi: new () => { validateSpec(spec: unknown): void } };

interface IndexesFile {
  indexes: unknown[];
  fieldOverrides: { collectionGroup: string; fieldPath: string; ttl?: boolean; indexes: unknown[] }[];
}

/** The project test/adoption/run.ts made like `firebase init`, installed and ran `agent-traces init` in; the stack runs it. */
describe("agent-traces init in a user's Firebase project", function () {
  const { projectDir } = adoptionPaths();
  const repoRoot = new URL("../../", import.meta.url).pathname;

  it("runs the emulators for the user's project, not this repo's", () => {
    assert.equal(projectId, "demo-adoption");
  });

  it("keeps the user's callable answering", async () => {
    const session = await clientSession();
    try {
      const { data } = await httpsCallable(session.functions, "greet")({ name: "Ada" });
      assert.deepEqual(data, { greeting: "Hello, Ada!" });
    } finally {
      await session.close();
    }
  });

  it("keeps the user's Firestore trigger firing", async () => {
    const db = adminFirestore();
    await db.doc("notes/u-trigger/items/n1").set({ body: "first", pinned: false });
    const deadline = Date.now() + 60_000;
    let count: unknown;
    while (Date.now() < deadline) {
      count = (await db.doc("note_counts/u-trigger").get()).get("count");
      if (count === 1) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.equal(count, 1, "countNote did not run for notes/u-trigger/items/n1");
  });

  it("stores a failed run sent to recordTrace, served by the agent-traces codebase", async () => {
    const session = await clientSession();
    try {
      const trace = aTrace({ user_id: session.uid!, status: "error", final_output: "boom" });
      const result = (await session.callRecordTrace(trace)) as { stored: boolean };
      assert.equal(result.stored, true);
      const stored = await adminFirestore().doc(`execution_traces/${trace.trace_id}`).get();
      assert.equal(stored.get("status"), "error");
      assert.equal(stored.get("user_id"), session.uid);
    } finally {
      await session.close();
    }
  });

  describe("the merged firestore.rules, as the emulator loaded them", () => {
    let env: RulesTestEnvironment;
    before(async () => {
      setLogLevel("silent");
      const [host, port] = process.env.FIRESTORE_EMULATOR_HOST!.split(":");
      env = await initializeTestEnvironment({ projectId, firestore: { host: host!, port: Number(port) } });
      await env.withSecurityRulesDisabled(async (context) => {
        await setDoc(doc(context.firestore(), "notes/alice/items/a1"), { body: "mine" });
        await setDoc(doc(context.firestore(), "note_counts/alice"), { count: 1 });
        await setDoc(doc(context.firestore(), "execution_traces/4bf92f3577b34da6a3ce929d0e0e4736"), { user_id: "alice", status: "error" });
        await setDoc(doc(context.firestore(), "trace_reports/2025-01-01T10:00:00.000Z"), { errors: 1 });
        await setDoc(doc(context.firestore(), "elsewhere/x"), { a: 1 });
      });
    });
    after(() => env.cleanup());

    it("still allow what the user's rules allowed", async () => {
      const alice = env.authenticatedContext("alice").firestore();
      await assertSucceeds(getDoc(doc(alice, "notes/alice/items/a1")));
      await assertSucceeds(setDoc(doc(alice, "notes/alice/items/a2"), { body: "new" }));
      await assertSucceeds(getDoc(doc(alice, "note_counts/alice")));
      await assertSucceeds(getDoc(doc(env.authenticatedContext("boss", { role: "admin" }).firestore(), "note_counts/alice")));
    });

    it("still deny what the user's rules denied", async () => {
      const bob = env.authenticatedContext("bob").firestore();
      await assertFails(getDoc(doc(bob, "notes/alice/items/a1")));
      await assertFails(setDoc(doc(bob, "note_counts/bob"), { count: 9 }));
      await assertFails(getDoc(doc(bob, "elsewhere/x")));
      // Our viewer's admin claim opens traces, not the user's data.
      await assertFails(getDoc(doc(env.authenticatedContext("viewer", { admin: true }).firestore(), "notes/alice/items/a1")));
    });

    it("let only the admin claim read traces and reports, and nobody write them", async () => {
      const admin = env.authenticatedContext("viewer", { admin: true }).firestore();
      const appAdmin = env.authenticatedContext("boss", { role: "admin" }).firestore();
      const alice = env.authenticatedContext("alice").firestore();
      await assertSucceeds(getDoc(doc(admin, "execution_traces/4bf92f3577b34da6a3ce929d0e0e4736")));
      await assertSucceeds(getDoc(doc(admin, "trace_reports/2025-01-01T10:00:00.000Z")));
      for (const db of [alice, appAdmin, env.unauthenticatedContext().firestore()]) {
        await assertFails(getDoc(doc(db, "execution_traces/4bf92f3577b34da6a3ce929d0e0e4736")));
        await assertFails(getDoc(doc(db, "trace_reports/2025-01-01T10:00:00.000Z")));
      }
      for (const db of [admin, alice]) {
        await assertFails(setDoc(doc(db, "execution_traces/4bf92f3577b34da6a3ce929d0e0e4736"), { status: "success" }));
        await assertFails(setDoc(doc(db, RATE_LIMITS_COLLECTION, "alice"), { slots: [] }));
        await assertFails(getDoc(doc(db, RATE_LIMITS_COLLECTION, "alice")));
      }
    });
  });

  describe("the merged firestore.indexes.json", () => {
    const merged = () => loadCJSON(join(projectDir, "firestore.indexes.json")) as IndexesFile;
    const ours = JSON.parse(readFileSync(join(repoRoot, "firestore.indexes.json"), "utf8")) as IndexesFile;

    it("holds the user's index and exemption and all of ours, TTL policies included, and passes firebase-tools' own check", () => {
      const file = merged();
      new FirestoreApi().validateSpec(file);
      const has = (list: unknown[], entry: unknown) => list.some((candidate) => JSON.stringify(candidate) === JSON.stringify(entry));
      assert.ok(has(file.indexes, USER_INDEX), "the user's composite index is gone");
      assert.ok(has(file.fieldOverrides, USER_FIELD_OVERRIDE), "the user's exemption is gone");
      for (const index of ours.indexes) assert.ok(has(file.indexes, index), `missing ${JSON.stringify(index)}`);
      for (const override of ours.fieldOverrides) assert.ok(has(file.fieldOverrides, override), `missing ${JSON.stringify(override)}`);
      assert.ok(file.fieldOverrides.some((override) => override.collectionGroup === "execution_traces" && override.ttl === true), "no TTL policy on execution_traces");
      assert.equal(file.indexes.length, ours.indexes.length + 1);
    });

    it("keeps the comments firebase init wrote", () => {
      assert.match(readFileSync(join(projectDir, "firestore.indexes.json"), "utf8"), /\/\/ Example \(Standard Edition\):/);
    });
  });

  it("writes the BigQuery schema file beside the codebase", () => {
    assert.equal(readFileSync(join(projectDir, "agent-traces/bigquery/execution_traces.json"), "utf8"), readFileSync(join(repoRoot, "bigquery/execution_traces.json"), "utf8"));
  });

  describe("running init again", () => {
    const init = (...args: string[]) =>
      execFileSync("npx", ["--yes", "--package", readPacks()["@agent-traces/cli"]!, "--", "agent-traces", "init", "--dir", projectDir, ...args], { encoding: "utf8", stdio: "pipe" });

    it("changes nothing, and --dry-run shows nothing to change", () => {
      const files = ["firebase.json", ".firebaserc", "firestore.rules", "firestore.indexes.json", "agent-traces/functions/package.json", "agent-traces/functions/index.js", "agent-traces/bigquery/execution_traces.json"];
      const before = files.map((file) => readFileSync(join(projectDir, file), "utf8"));
      const functionsPackage = `file:${readPacks()["@agent-traces/functions"]}`;
      assert.match(init("--dry-run", "--functions-package", functionsPackage), /nothing to change/i);
      assert.match(init("--functions-package", functionsPackage), /nothing to change/i);
      assert.deepEqual(files.map((file) => readFileSync(join(projectDir, file), "utf8")), before);
    });
  });
});
