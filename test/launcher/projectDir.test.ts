import { strict as assert } from "node:assert";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { hostingSiteEndpoint, readEmulatorPorts } from "../../scripts/stack/emulatorPorts.js";

/**
 * `tsx scripts/stack.ts exec --project-dir <dir> --project <id>` on a user's project outside the repo
 * (firebase.json with comments and no emulators block, a `firestore` list naming its (default)
 * database's rules, two Hosting sites, one of them an unmapped target, a plain CommonJS functions
 * codebase): its v2 and v1 Firestore triggers fire (registered by the launcher), its callable
 * answers, its rules are loaded, both sites are served, and the project folder is left as it was.
 * Needs the pinned ports free, like the other launcher tests.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
// The launcher's defaults for a project that pins no ports: this repo's.
const ports = readEmulatorPorts(join(root, "firebase.json"));
const PROJECT_ID = "demo-fixture";
/** What the fixture's functions install: the repo's own versions (admin 14 on Node 20 needs @google-cloud/firestore listed). */
const FUNCTIONS_PACKAGES = ["firebase-functions@7.4.0", "firebase-admin@14.5.1", "@google-cloud/firestore@9.4.1"];

/** node_modules with FUNCTIONS_PACKAGES, installed once per set of versions under the OS temp folder and reused. */
function functionsNodeModules(): string {
  const cache = join(tmpdir(), `agent-traces-launcher-fixture-${FUNCTIONS_PACKAGES.join("_").replace(/[^a-z0-9.@_-]/gi, "-")}`);
  if (existsSync(join(cache, "node_modules/firebase-functions/package.json"))) return join(cache, "node_modules");
  const staging = mkdtempSync(`${cache}.staging-`);
  writeFileSync(join(staging, "package.json"), '{ "private": true }\n');
  const install = spawnSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", ...FUNCTIONS_PACKAGES], { cwd: staging, encoding: "utf8" });
  assert.equal(install.status, 0, `npm install ${FUNCTIONS_PACKAGES.join(" ")}: ${install.stderr}`);
  try {
    renameSync(staging, cache); // atomic: a concurrent run either sees all of it or installs its own
  } catch {
    rmSync(staging, { recursive: true, force: true });
  }
  return join(cache, "node_modules");
}

const FIREBASE_JSON = `{
  // A user's firebase.json: comments, no emulators block (the launcher pins the ports).
  "functions": [{ "source": "functions", "codebase": "default", "ignore": ["node_modules"] }],
  "firestore": [{ "database": "(default)", "rules": "rules/firestore.rules" }],
  "hosting": [
    { "site": "fixture-site", "public": "public" },
    { "target": "agent-traces-viewer", "public": "viewer" }
  ]
}
`;

const FUNCTIONS_INDEX = `const { onDocumentCreated } = require("firebase-functions/v2/firestore");
const { onCall } = require("firebase-functions/v2/https");
const functionsV1 = require("firebase-functions/v1");
const { initializeApp } = require("firebase-admin/app");
const { getFirestore } = require("firebase-admin/firestore");
initializeApp();
exports.copyInbox = onDocumentCreated("inbox/{id}", async (event) => {
  await getFirestore().doc(\`outbox/\${event.params.id}\`).set({ text: event.data.get("text"), by: "v2" });
});
exports.copyInboxV1 = functionsV1.firestore.document("inbox/{id}").onCreate(async (snapshot, context) => {
  await getFirestore().doc(\`outboxV1/\${context.params.id}\`).set({ text: snapshot.get("text"), by: "v1" });
});
exports.hello = onCall((request) => ({ hello: request.data.name }));
`;

/** Runs inside the stack: prints one JSON line of what it saw. */
const CHECK = `import { initializeApp } from "firebase-admin/app";
import { getFirestore } from "firebase-admin/firestore";
const env = process.env;
initializeApp({ projectId: env.GCLOUD_PROJECT });
const db = getFirestore();
const waitFor = async (path) => {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
    const snapshot = await db.doc(path).get();
    if (snapshot.exists) return snapshot.data();
  }
  return null;
};
await db.doc("inbox/x").set({ text: "hello" });
const [v2, v1] = await Promise.all([waitFor("outbox/x"), waitFor("outboxV1/x")]);
const call = await fetch(\`\${env.FUNCTIONS_EMULATOR_ORIGIN}/\${env.GCLOUD_PROJECT}/us-central1/hello\`, {
  method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ data: { name: "fixture" } }),
});
// Unauthenticated, through the rules: the fixture's rules deny everything.
const read = await fetch(\`http://\${env.FIRESTORE_EMULATOR_HOST}/v1/projects/\${env.GCLOUD_PROJECT}/databases/(default)/documents/outbox/x\`);
const page = async (url) => (url ? (await fetch(url)).text() : null);
console.log("CHECK " + JSON.stringify({
  project: env.GCLOUD_PROJECT, v2, v1, callable: await call.json(), unauthenticatedRead: read.status,
  viewerUrl: env.VIEWER_URL, viewer: await page(env.VIEWER_URL), site: await page(env.FIXTURE_SITE_URL),
}));
`;

function writeFixture(dir: string, nodeModules: string): void {
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  write("firebase.json", FIREBASE_JSON);
  write("rules/firestore.rules", "rules_version = '2';\nservice cloud.firestore {\n  match /databases/{database}/documents {\n    match /{document=**} {\n      allow read, write: if false;\n    }\n  }\n}\n");
  write("functions/package.json", '{ "name": "fixture-functions", "private": true, "main": "index.js", "engines": { "node": "20" } }\n');
  write("functions/index.js", FUNCTIONS_INDEX);
  write("public/index.html", "the user's site\n");
  write("viewer/index.html", "the viewer site\n");
  write("check.mjs", CHECK);
  symlinkSync(nodeModules, join(dir, "functions/node_modules"));
  symlinkSync(nodeModules, join(dir, "node_modules"));
}

/** Every file under `dir` (symlinks not followed) with its contents. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isFile()) files[path.slice(dir.length + 1)] = readFileSync(path, "utf8");
    else if (entry.isSymbolicLink()) files[path.slice(dir.length + 1)] = "(symlink)";
  }
  return files;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

describe("the launcher on another project (exec --project-dir)", function () {
  this.timeout(300_000);
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "agent-traces-fixture-project-"));
    writeFixture(dir, functionsNodeModules());
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("runs its firebase.json, rules, functions and Hosting sites, fires its v2 and v1 Firestore triggers, and leaves its folder as it was", async () => {
    const before = snapshot(dir);
    const siteUrl = `http://127.0.0.1:${ports.hosting.port}`;
    const viewerUrl = `http://127.0.0.1:${hostingSiteEndpoint(ports.hosting, 1).port}`;
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "--conditions=source", "scripts/stack.ts", "exec", "--project-dir", dir, "--project", PROJECT_ID, "--", "node", join(dir, "check.mjs")],
      { cwd: root, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, FIXTURE_SITE_URL: siteUrl } },
    );
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (text: string) => (output += text));
    child.stderr.setEncoding("utf8").on("data", (text: string) => (output += text));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    assert.equal(code, 0, output.slice(-4000));

    assert.match(output, /Local Firebase stack is up \(project demo-fixture, /);
    assert.match(output, /Firestore trigger us-central1-copyInbox on inbox\/\{id\}/);
    assert.match(output, /Firestore trigger us-central1-copyInboxV1 on inbox\/\{id\}/);
    assert.match(output, /rules\/firestore\.rules loaded/);
    const line = /^CHECK (.*)$/m.exec(output);
    assert.ok(line, `check.mjs printed its result:\n${output.slice(-3000)}`);
    const seen = JSON.parse(line[1]!) as Record<string, unknown>;
    assert.equal(seen.project, PROJECT_ID);
    assert.deepEqual(seen.v2, { text: "hello", by: "v2" }, "the v2 onDocumentCreated trigger fired");
    assert.deepEqual(seen.v1, { text: "hello", by: "v1" }, "the v1 onCreate trigger fired");
    assert.deepEqual(seen.callable, { result: { hello: "fixture" } }, "the callable answers");
    assert.equal(seen.unauthenticatedRead, 403, "the project's rules are loaded");
    assert.equal(seen.viewerUrl, viewerUrl, "the agent-traces-viewer target is the second site, on the hosting port + 5");
    assert.equal(seen.viewer, "the viewer site\n");
    assert.equal(seen.site, "the user's site\n");

    assert.deepEqual(snapshot(dir), before, "nothing in the project folder was added, changed or left (the temporary config is gone)");
    for (const port of [ports.firestore.port, ports.functions.port, ports.auth.port, ports.hub.port, ports.hosting.port, hostingSiteEndpoint(ports.hosting, 1).port]) {
      assert.equal(await portOpen(port), false, `port ${port} is closed`);
    }
  });
});
