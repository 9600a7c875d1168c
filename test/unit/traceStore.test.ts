import { strict as assert } from "node:assert";
import { deleteApp, getApps, initializeApp } from "firebase-admin/app";
import { traceStore } from "../../functions/src/firestore.js";

describe("traceStore (the functions' Firestore)", () => {
  after(async () => Promise.all(getApps().map((app) => deleteApp(app))));

  it("starts the default app when only firebase-functions' own named app exists (it checks callable tokens with one)", () => {
    assert.ok(!getApps().some((app) => app.name === "[DEFAULT]"), "no default app before the test");
    initializeApp({ projectId: "demo-agent-traces" }, "__FIREBASE_FUNCTIONS_SDK__");
    assert.doesNotThrow(() => traceStore());
    assert.ok(getApps().some((app) => app.name === "[DEFAULT]"));
  });
});
