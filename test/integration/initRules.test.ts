import { readFileSync } from "node:fs";
import { assertFails, assertSucceeds, initializeTestEnvironment, type RulesTestEnvironment } from "@firebase/rules-unit-testing";
import { addDoc, collection, doc, getDoc, setDoc, setLogLevel } from "firebase/firestore";
import { FEEDBACK_COLLECTION, RATE_LIMITS_COLLECTION, REPORTS_COLLECTION, TRACES_COLLECTION } from "@agent-traces/admin";
import { rulesBlockFrom } from "../../packages/cli/src/init/rulesBlock.js";
import { mergeRules } from "../../packages/cli/src/init/rulesMerge.js";
import { DENY_ALL_RULES, TEST_MODE_RULES, USER_RULES } from "../support/initFixtures.js";

/**
 * `agent-traces init`'s merged rules, loaded into the Firestore emulator (which refuses rules that do
 * not compile): the project's rules still allow what they allowed, ours still deny what they deny.
 * A project id of its own, so that the stack's rules for the other tests stay as they are.
 */
describe("agent-traces init: merged rules on the Firestore emulator", () => {
  const block = rulesBlockFrom(readFileSync(new URL("../../firestore.rules", import.meta.url), "utf8"));
  const merged = (rules: string) => mergeRules(rules, block, "firestore.rules").text;
  const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
  let env: RulesTestEnvironment;

  before(() => setLogLevel("silent"));

  async function load(rules: string): Promise<void> {
    const [host, port] = process.env.FIRESTORE_EMULATOR_HOST!.split(":");
    env = await initializeTestEnvironment({ projectId: "demo-agent-traces-init", firestore: { host: host!, port: Number(port), rules } });
    await env.clearFirestore();
    await env.withSecurityRulesDisabled(async (context) => {
      const db = context.firestore();
      await setDoc(doc(db, TRACES_COLLECTION, traceId), { user_id: "alice", status: "error" });
      await setDoc(doc(db, REPORTS_COLLECTION, "2025-01-01T10:00:00.000Z"), { errors: 1 });
      await setDoc(doc(db, RATE_LIMITS_COLLECTION, "uid:alice"), { slot: 1 });
      await setDoc(doc(db, FEEDBACK_COLLECTION, `${traceId}:alice`), { trace_id: traceId, rated_by: "alice", rating: "down" });
      await setDoc(doc(db, "orders", "o1"), { uid: "alice" });
    });
  }
  afterEach(async () => {
    await env?.clearFirestore();
    await env?.cleanup();
  });

  it("keeps a project's own rules (its isAdmin() included) and ours, side by side", async () => {
    await load(merged(USER_RULES));
    const alice = env.authenticatedContext("alice").firestore();
    await assertSucceeds(getDoc(doc(alice, "orders", "o1")));
    await assertSucceeds(addDoc(collection(alice, "orders"), { uid: "alice" }));
    await assertFails(getDoc(doc(env.authenticatedContext("bob").firestore(), "orders", "o1")));
    await assertSucceeds(getDoc(doc(env.authenticatedContext("boss", { role: "admin}" }).firestore(), "orders", "o1")));

    await assertFails(getDoc(doc(alice, TRACES_COLLECTION, traceId)));
    await assertFails(getDoc(doc(env.authenticatedContext("boss", { role: "admin}" }).firestore(), TRACES_COLLECTION, traceId)));
    const ops = env.authenticatedContext("ops", { admin: true }).firestore();
    await assertSucceeds(getDoc(doc(ops, TRACES_COLLECTION, traceId)));
    await assertSucceeds(getDoc(doc(ops, REPORTS_COLLECTION, "2025-01-01T10:00:00.000Z")));
    await assertSucceeds(getDoc(doc(ops, FEEDBACK_COLLECTION, `${traceId}:alice`)));
    await assertFails(getDoc(doc(alice, FEEDBACK_COLLECTION, `${traceId}:alice`)));
    await assertFails(setDoc(doc(alice, FEEDBACK_COLLECTION, `${traceId}:alice`), { rating: "up" }));
    await assertFails(setDoc(doc(ops, TRACES_COLLECTION, traceId), { status: "success" }));
    await assertFails(getDoc(doc(ops, RATE_LIMITS_COLLECTION, "uid:alice")));
    await assertFails(setDoc(doc(alice, RATE_LIMITS_COLLECTION, "uid:alice"), { slot: 0 }));
    await assertFails(getDoc(doc(ops, "other", "x")));
  });

  it("compiles with CRLF line endings and a deny-all catch-all", async () => {
    await load(merged(DENY_ALL_RULES.replace(/\n/g, "\r\n")));
    await assertSucceeds(getDoc(doc(env.authenticatedContext("ops", { admin: true }).firestore(), TRACES_COLLECTION, traceId)));
    await assertFails(getDoc(doc(env.authenticatedContext("alice").firestore(), TRACES_COLLECTION, traceId)));
  });

  it("cannot close what a project's open wildcard opens: why init warns about test-mode rules", async () => {
    const open = TEST_MODE_RULES.replace("timestamp.date(2026, 1, 9)", "timestamp.date(2100, 1, 1)");
    if (mergeRules(open, block, "firestore.rules").warnings.length !== 1) throw new Error("expected the wildcard warning");
    await load(merged(open));
    await assertSucceeds(getDoc(doc(env.unauthenticatedContext().firestore(), TRACES_COLLECTION, traceId)));
  });
});
