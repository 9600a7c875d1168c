import { strict as assert } from "node:assert";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { firestoreRulesPath, loadFirebaseConfig } from "../../scripts/stack/firebaseConfig.js";
import { firestoreRegistration, type EmulatedFunction } from "../../scripts/stack/firestoreTriggers.js";
import { STACK_CONFIG, stackConfig } from "../../scripts/stack/stackConfig.js";

/** Functions as the functions emulator's GET /backends lists them (firebase-tools 15.34, firebase-functions 7.4). */
const V2_TRIGGER: EmulatedFunction = {
  id: "us-central1-copyInbox",
  platform: "gcfv2",
  eventTrigger: {
    eventType: "google.cloud.firestore.document.v1.created",
    eventFilters: { database: "(default)", namespace: "(default)" },
    eventFilterPathPatterns: { document: "inbox/{id}" },
  },
};
const V1_TRIGGER: EmulatedFunction = {
  id: "us-central1-copyInboxV1",
  platform: "gcfv1",
  eventTrigger: { eventType: "providers/cloud.firestore/eventTypes/document.create", resource: "projects/demo-x/databases/(default)/documents/inbox/{id}" },
};

describe("the launcher's Firestore trigger registrations (scripts/stack/firestoreTriggers.ts)", () => {
  it("registers a v2 trigger as firebase-tools' addFirestoreTrigger does: POST eventarcTrigger, key <id>-<generation>", () => {
    assert.deepEqual(firestoreRegistration(V2_TRIGGER, "demo-x", 0), {
      functionId: "us-central1-copyInbox",
      key: "us-central1-copyInbox-0",
      document: "inbox/{id}",
      method: "POST",
      path: "/emulator/v1/projects/demo-x/eventarcTrigger?eventarcTriggerId=us-central1-copyInbox-0",
      body: JSON.stringify({
        eventType: "google.cloud.firestore.document.v1.created",
        database: "(default)",
        namespace: "(default)",
        document: { value: "inbox/{id}", matchType: "PATH_PATTERN" },
      }),
    });
    const exact = { ...V2_TRIGGER, eventTrigger: { ...V2_TRIGGER.eventTrigger!, eventFilterPathPatterns: undefined, eventFilters: { database: "(default)", namespace: "(default)", document: "inbox/one" } } };
    assert.match(firestoreRegistration(exact, "demo-x", 2)!.body, /"matchType":"EXACT"/);
    assert.equal(firestoreRegistration(exact, "demo-x", 2)!.key, "us-central1-copyInbox-2");
  });

  it("registers a v1 trigger with PUT triggers/<key> and its eventTrigger plus the Firestore service", () => {
    const registration = firestoreRegistration(V1_TRIGGER, "demo-x", 0)!;
    assert.equal(registration.method, "PUT");
    assert.equal(registration.path, "/emulator/v1/projects/demo-x/triggers/us-central1-copyInboxV1-0");
    assert.equal(registration.document, "inbox/{id}");
    assert.deepEqual(JSON.parse(registration.body), { eventTrigger: { ...V1_TRIGGER.eventTrigger, service: "firestore.googleapis.com" } });
  });

  it("leaves every other function to firebase-tools", () => {
    assert.equal(firestoreRegistration({ id: "us-central1-hello", platform: "gcfv2" }, "demo-x", 0), undefined);
    const pubsub = { id: "us-central1-report", platform: "gcfv2", eventTrigger: { eventType: "google.cloud.pubsub.topic.v1.messagePublished" } };
    assert.equal(firestoreRegistration(pubsub, "demo-x", 0), undefined);
    const channel = { ...V2_TRIGGER, eventTrigger: { ...V2_TRIGGER.eventTrigger!, channel: "projects/demo-x/locations/us-central1/channels/firebase" } };
    assert.equal(firestoreRegistration(channel, "demo-x", 0), undefined, "a channel makes it an Eventarc trigger");
  });
});

describe("the config the launcher runs a project with (scripts/stack/stackConfig.ts, firebaseConfig.ts)", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "agent-traces-stack-config-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const defaults = { hub: { host: "127.0.0.1", port: 4400 }, firestore: { host: "127.0.0.1", port: 8080 }, ui: { enabled: false } };

  it("reads firebase.json with comments, and finds the (default) database's rules in either form", () => {
    mkdirSync(join(dir, "rules"));
    writeFileSync(join(dir, "rules/a.rules"), "");
    writeFileSync(join(dir, "firebase.json"), '{\n  // a comment\n  "firestore": [{ "database": "other", "rules": "x" }, { "database": "(default)", "rules": "rules/a.rules" }]\n}\n');
    assert.equal(firestoreRulesPath(loadFirebaseConfig(dir), dir), join(dir, "rules/a.rules"));
    assert.equal(firestoreRulesPath({ firestore: { rules: "rules/a.rules" } }, dir), join(dir, "rules/a.rules"));
    assert.equal(firestoreRulesPath({ firestore: { indexes: "i.json" } as object }, dir), undefined);
    assert.equal(firestoreRulesPath({}, dir), undefined);
    assert.throws(() => firestoreRulesPath({ firestore: { rules: "missing.rules" } }, dir), /missing\.rules/);
  });

  it("uses the project's firebase.json as it is when it lacks nothing", () => {
    const own = { emulators: { firestore: { port: 8081 }, hub: { port: 4401 }, ui: { enabled: true } }, hosting: { public: "public" } };
    assert.deepEqual(stackConfig(dir, "demo-x", own, defaults), { config: own, path: undefined });
  });

  it("otherwise completes a copy beside it: missing emulator entries, unmapped Hosting targets as sites", () => {
    writeFileSync(join(dir, ".firebaserc"), JSON.stringify({ targets: { "demo-x": { hosting: { mapped: ["site-a"] } } } }));
    const own = {
      emulators: { firestore: { port: 8081 } },
      hosting: [{ target: "mapped", public: "a" }, { target: "agent-traces-viewer", public: "b" }, { site: "c", public: "c" }],
    };
    const { config, path } = stackConfig(dir, "demo-x", own, defaults);
    assert.equal(path, join(dir, STACK_CONFIG));
    assert.deepEqual(config.emulators, { firestore: { port: 8081 }, hub: defaults.hub, ui: defaults.ui });
    assert.deepEqual(config.hosting, [{ target: "mapped", public: "a" }, { public: "b", site: "agent-traces-viewer" }, { site: "c", public: "c" }]);
    assert.deepEqual(own.hosting[1], { target: "agent-traces-viewer", public: "b" }, "the project's own config is not changed");
  });
});
