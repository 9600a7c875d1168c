import { strict as assert } from "node:assert";
import type { StoredTrace, TracePage } from "@agent-traces/admin";
import { mergeNewestFirst, userIdVariants } from "../../packages/cli/src/query.js";
import { emulatorHostFromConfig, readRepoFirebaseJson, resolveTarget } from "../../packages/cli/src/target.js";

describe("cli: target and query planning", () => {
  describe("target", () => {
    const firebaseJson = JSON.stringify({ emulators: { firestore: { host: "127.0.0.1", port: 8181 } } });

    it("reads the emulator at FIRESTORE_EMULATOR_HOST first, else at firebase.json's pinned port", () => {
      assert.deepEqual(resolveTarget(undefined, { FIRESTORE_EMULATOR_HOST: "localhost:9000", GCLOUD_PROJECT: "demo-x" }, firebaseJson), { kind: "emulator", host: "localhost:9000", projectId: "demo-x" });
      assert.deepEqual(resolveTarget(undefined, {}, firebaseJson), { kind: "emulator", host: "127.0.0.1:8181", projectId: "demo-agent-traces" });
      assert.deepEqual(resolveTarget(undefined, { FIRESTORE_EMULATOR_HOST: "" }, undefined), { kind: "emulator", host: "127.0.0.1:8080", projectId: "demo-agent-traces" });
    });

    it("reads a real project with --project, whatever the emulator variables say", () => {
      assert.deepEqual(resolveTarget("my-proj", { FIRESTORE_EMULATOR_HOST: "localhost:9000", GCLOUD_PROJECT: "demo-x" }, firebaseJson), { kind: "project", projectId: "my-proj" });
    });

    it("finds the port pinned in the repo's firebase.json", () => {
      const pinned = (JSON.parse(readRepoFirebaseJson()!) as { emulators: { firestore: { host: string; port: number } } }).emulators.firestore;
      assert.equal(emulatorHostFromConfig(readRepoFirebaseJson()), `${pinned.host}:${pinned.port}`);
    });

    it("reaches wildcard and IPv6 listen addresses, and falls back to 127.0.0.1:8080", () => {
      const config = (host: unknown, port: unknown = 8080) => JSON.stringify({ emulators: { firestore: { host, port } } });
      assert.equal(emulatorHostFromConfig(config("0.0.0.0", 8123)), "127.0.0.1:8123");
      assert.equal(emulatorHostFromConfig(config("::", 8123)), "[::1]:8123");
      assert.equal(emulatorHostFromConfig(config("::1", 8123)), "[::1]:8123");
      assert.equal(emulatorHostFromConfig(config(undefined, 8123)), "127.0.0.1:8123");
      assert.equal(emulatorHostFromConfig(config("127.0.0.1", "8123")), "127.0.0.1:8080");
      assert.equal(emulatorHostFromConfig("{not json"), "127.0.0.1:8080");
      assert.equal(emulatorHostFromConfig(undefined), "127.0.0.1:8080");
    });
  });

  describe("--user", () => {
    it("matches the numeric user id too when the value is an integer in canonical form", () => {
      assert.deepEqual(userIdVariants("alice"), ["alice"]);
      assert.deepEqual(userIdVariants("42"), ["42", 42]);
      assert.deepEqual(userIdVariants("-3"), ["-3", -3]);
      assert.deepEqual(userIdVariants("0"), ["0", 0]);
      assert.deepEqual(userIdVariants("007"), ["007"]);
      assert.deepEqual(userIdVariants("4.2"), ["4.2"]);
      assert.deepEqual(userIdVariants("99999999999999999999"), ["99999999999999999999"]);
    });

    it("merges the pages of both queries newest first, trace id descending on ties, up to the limit", () => {
      const trace = (id: string, minute: number) => ({ trace_id: id.repeat(32), started_at: new Date(Date.UTC(2025, 2, 1, 12, minute)).toISOString() }) as StoredTrace;
      const asString: TracePage = { traces: [trace("a", 5), trace("b", 3), trace("c", 1)] };
      const asNumber: TracePage = { traces: [trace("d", 4), trace("e", 3), trace("f", 0)] };
      const ids = (traces: StoredTrace[]) => traces.map((t) => t.trace_id[0]).join("");
      assert.deepEqual(ids(mergeNewestFirst([asString, asNumber], 10).traces), "adebcf");
      assert.equal(mergeNewestFirst([asString, asNumber], 10).more, false);
      const limited = mergeNewestFirst([asString, asNumber], 4);
      assert.deepEqual(ids(limited.traces), "adeb");
      assert.equal(limited.more, true);
      assert.equal(mergeNewestFirst([{ traces: [trace("a", 1)], nextCursor: "x" }], 1).more, true);
    });
  });
});
