import { strict as assert } from "node:assert";
import { describeTarget, emulatorHostFromConfig, readRepoFirebaseJson, resolveTarget } from "../../packages/cli/src/target.js";

describe("cli: target", () => {
  describe("target", () => {
    const firebaseJson = JSON.stringify({ emulators: { firestore: { host: "127.0.0.1", port: 8181 } } });

    it("reads the emulator at FIRESTORE_EMULATOR_HOST first, else at firebase.json's pinned port", () => {
      assert.deepEqual(resolveTarget(undefined, { FIRESTORE_EMULATOR_HOST: "localhost:9000", GCLOUD_PROJECT: "demo-x" }, firebaseJson), { kind: "emulator", service: "firestore", host: "localhost:9000", projectId: "demo-x" });
      assert.deepEqual(resolveTarget(undefined, {}, firebaseJson), { kind: "emulator", service: "firestore", host: "127.0.0.1:8181", projectId: "demo-agent-traces" });
      assert.deepEqual(resolveTarget(undefined, { FIRESTORE_EMULATOR_HOST: "" }, undefined), { kind: "emulator", service: "firestore", host: "127.0.0.1:8080", projectId: "demo-agent-traces" });
    });

    it("reads a real project with --project, whatever the emulator variables say", () => {
      assert.deepEqual(resolveTarget("my-proj", { FIRESTORE_EMULATOR_HOST: "localhost:9000", GCLOUD_PROJECT: "demo-x" }, firebaseJson), { kind: "project", projectId: "my-proj" });
      assert.deepEqual(resolveTarget("my-proj", { FIREBASE_AUTH_EMULATOR_HOST: "localhost:9100" }, firebaseJson, "auth"), { kind: "project", projectId: "my-proj" });
    });

    it("reaches the Auth emulator at FIREBASE_AUTH_EMULATOR_HOST first, else at firebase.json's auth entry, else 127.0.0.1:9099", () => {
      const env = { FIRESTORE_EMULATOR_HOST: "localhost:9000", FIREBASE_AUTH_EMULATOR_HOST: "localhost:9100", GCLOUD_PROJECT: "demo-x" };
      assert.deepEqual(resolveTarget(undefined, env, firebaseJson, "auth"), { kind: "emulator", service: "auth", host: "localhost:9100", projectId: "demo-x" });
      const withAuth = JSON.stringify({ emulators: { firestore: { host: "127.0.0.1", port: 8181 }, auth: { host: "0.0.0.0", port: 9199 } } });
      assert.deepEqual(resolveTarget(undefined, { FIRESTORE_EMULATOR_HOST: "localhost:9000" }, withAuth, "auth"), { kind: "emulator", service: "auth", host: "127.0.0.1:9199", projectId: "demo-agent-traces" });
      assert.equal(emulatorHostFromConfig(firebaseJson, "auth"), "127.0.0.1:9099");
      const pinned = (JSON.parse(readRepoFirebaseJson()!) as { emulators: { auth: { host: string; port: number } } }).emulators.auth;
      assert.equal(emulatorHostFromConfig(readRepoFirebaseJson(), "auth"), `${pinned.host}:${pinned.port}`);
    });

    it("names the emulator it means in messages", () => {
      assert.equal(describeTarget(resolveTarget(undefined, {}, firebaseJson)), "the Firestore emulator at 127.0.0.1:8181 (project demo-agent-traces)");
      assert.equal(describeTarget(resolveTarget(undefined, { FIREBASE_AUTH_EMULATOR_HOST: "localhost:9100" }, firebaseJson, "auth")), "the Auth emulator at localhost:9100 (project demo-agent-traces)");
      assert.equal(describeTarget(resolveTarget("my-proj", {}, firebaseJson, "auth")), "project my-proj");
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
});
