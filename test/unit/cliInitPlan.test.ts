import { strict as assert } from "node:assert";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { parseCommand, UsageError } from "../../packages/cli/src/args.js";
import type { InitAssets } from "../../packages/cli/src/init/assets.js";
import { FIREBASE_ADMIN_RANGE, FIREBASE_FUNCTIONS_RANGE, FUNCTIONS_PACKAGE } from "../../packages/cli/src/init/codebaseFiles.js";
import { planInit, type FileChange, type ProjectReader } from "../../packages/cli/src/init/plan.js";
import { renderDryRun } from "../../packages/cli/src/init/render.js";
import { runInit } from "../../packages/cli/src/init/run.js";
import { FIREBASE_JSON, FIREBASERC, INDEXES, TEST_MODE_RULES, USER_RULES } from "../support/initFixtures.js";

const repoFile = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");
const assets: InitAssets = {
  rules: repoFile("firestore.rules"),
  indexes: repoFile("firestore.indexes.json"),
  viewer: new Map([
    ["index.html", Buffer.from('<script src="/app-NEW.js"></script>\n')],
    ["app-NEW.js", Buffer.from("console.log(1);\n")],
  ]),
  bigquerySchema: '{ "fields": [] }\n',
  cliVersion: "1.2.3",
};

/** A project held in memory: path → content. */
function memoryProject(files: Record<string, string | Uint8Array>): ProjectReader & { apply(changes: FileChange[]): void } {
  const store = new Map(Object.entries(files));
  return {
    text: (path) => {
      const value = store.get(path);
      return value === undefined ? undefined : typeof value === "string" ? value : Buffer.from(value).toString("utf8");
    },
    bytes: (path) => {
      const value = store.get(path);
      return value === undefined ? undefined : typeof value === "string" ? Buffer.from(value) : value;
    },
    files: (dir) => [...store.keys()].filter((path) => path.startsWith(`${dir}/`) && !path.slice(dir.length + 1).includes("/")).map((path) => path.slice(dir.length + 1)),
    apply: (changes) => {
      for (const { path, after } of changes) {
        if (after === undefined) store.delete(path);
        else store.set(path, after);
      }
    },
  };
}

const initProject = () => ({ "firebase.json": FIREBASE_JSON, ".firebaserc": FIREBASERC, "firestore.rules": TEST_MODE_RULES, "firestore.indexes.json": INDEXES });

describe("cli init: the plan", () => {
  it("changes the four config files and writes the codebase and the viewer; planned again, nothing", () => {
    const project = memoryProject(initProject());
    const plan = planInit(project, assets, {});
    assert.deepEqual(
      plan.changes.map((change) => change.path),
      [
        "firebase.json",
        ".firebaserc",
        "firestore.rules",
        "firestore.indexes.json",
        "agent-traces/functions/package.json",
        "agent-traces/functions/index.js",
        "agent-traces/functions/.gitignore",
        "agent-traces/functions/.secret.local",
        "agent-traces/bigquery/execution_traces.json",
        "agent-traces/viewer/index.html",
        "agent-traces/viewer/app-NEW.js",
      ],
    );
    assert.equal(plan.project, "demo-shop");
    assert.equal(plan.viewerSite, "demo-shop-traces");
    assert.equal(plan.warnings.length, 1, "the test-mode wildcard");
    const packageJson = JSON.parse(project.text("agent-traces/functions/package.json") ?? String(plan.changes[4]!.after)) as { type: string; main: string; dependencies: Record<string, string> };
    assert.equal(packageJson.type, "module");
    assert.equal(packageJson.main, "index.js");
    assert.deepEqual(packageJson.dependencies, { [FUNCTIONS_PACKAGE]: "^1.2.3", "firebase-admin": FIREBASE_ADMIN_RANGE, "firebase-functions": FIREBASE_FUNCTIONS_RANGE });
    assert.equal(plan.changes[5]!.after, `// Written by agent-traces init: the functions of the agent-traces codebase (firebase.json, "codebase": "agent-traces").\nexport * from "${FUNCTIONS_PACKAGE}";\n`);
    project.apply(plan.changes);
    const again = planInit(project, assets, {});
    assert.deepEqual(again.changes, []);
    assert.equal(again.warnings.length, 1, "the warning stays while the rule does");
  });

  it("keeps a .secret.local of theirs, takes --functions-package, and replaces an older viewer's files", () => {
    const project = memoryProject({
      ...initProject(),
      "firestore.rules": USER_RULES,
      "agent-traces/functions/.secret.local": "REPORT_WEBHOOK_URL=https://hooks.example.com/x\n",
      "agent-traces/viewer/app-OLD.js": "old",
      "agent-traces/viewer/index.html": '<script src="/app-OLD.js"></script>\n',
    });
    const plan = planInit(project, assets, { functionsPackage: "file:../../functions.tgz" });
    const byPath = new Map(plan.changes.map((change) => [change.path, change]));
    assert.ok(!byPath.has("agent-traces/functions/.secret.local"));
    assert.match(String(byPath.get("agent-traces/functions/package.json")!.after), /"@agent-traces\/functions": "file:..\/..\/functions.tgz"/);
    assert.equal(byPath.get("agent-traces/viewer/app-OLD.js")!.after, undefined, "deleted");
    assert.ok(byPath.get("agent-traces/viewer/index.html")!.before !== undefined, "updated");
    assert.deepEqual(plan.warnings, []);
  });

  it("warns that rules are deployed for the first time when firebase.json named none, and creates the files", () => {
    const project = memoryProject({ "firebase.json": '{ "hosting": { "public": "public" } }\n', ".firebaserc": FIREBASERC });
    const plan = planInit(project, assets, {});
    const paths = plan.changes.map((change) => change.path);
    assert.ok(paths.includes("firestore.rules") && paths.includes("firestore.indexes.json"));
    assert.equal(plan.changes.find((change) => change.path === "firestore.indexes.json")!.before, undefined);
    assert.match(plan.warnings.join("\n"), /replaces the rules in the Firebase console with firestore\.rules/);
  });

  it("prints a dry run as unified diffs, the viewer's files by size, and the notes", () => {
    const plan = planInit(memoryProject(initProject()), assets, {});
    const text = renderDryRun(plan, "/p");
    assert.match(text, /^agent-traces init --dry-run in \/p \(project demo-shop, viewer site demo-shop-traces\): 11 files\n/);
    assert.match(text, /note: firebase\.json: "hosting" becomes a list.*"site": "demo-shop"/);
    assert.match(text, /\n--- a\/firebase\.json\n\+\+\+ b\/firebase\.json\n@@ /);
    assert.match(text, /\n--- \/dev\/null\n\+\+\+ b\/agent-traces\/functions\/index\.js\n@@ -0,0 \+1,2 @@\n/);
    assert.match(text, /\ncreate agent-traces\/viewer\/app-NEW\.js \(16 B, the built viewer\)\n/);
    assert.match(text, /Nothing written \(--dry-run\)/);
  });
});

describe("cli init: the command", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "agent-traces-init-"));
    for (const [path, content] of Object.entries(initProject())) writeFileSync(join(dir, path), content);
    mkdirSync(join(dir, "public"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Every file under `dir` with its content. */
  const snapshot = () => {
    const files: Record<string, string> = {};
    const walk = (at: string) => {
      for (const name of readdirSync(at)) {
        const path = join(at, name);
        if (statSync(path).isDirectory()) walk(path);
        else files[relative(dir, path)] = readFileSync(path, "utf8");
      }
    };
    walk(dir);
    return files;
  };
  const run = (...argv: string[]) => runInit(parseCommand(["init", "--dir", dir, ...argv], new Date()) as Parameters<typeof runInit>[0], "/", () => assets);

  it("writes nothing with --dry-run, writes with it left out, then has nothing to change", () => {
    const before = snapshot();
    const dry = run("--dry-run");
    assert.equal(dry.code, 0);
    assert.match(dry.stdout, /\+\+\+ b\/firestore\.rules/);
    assert.match(dry.stderr, /^agent-traces: warning: firestore\.rules:8: /);
    assert.deepEqual(snapshot(), before);

    const applied = run();
    assert.equal(applied.code, 0);
    assert.match(applied.stdout, /wrote 11 files/);
    assert.match(applied.stdout, /firebase deploy --only functions:agent-traces,firestore,hosting:agent-traces-viewer --project demo-shop/);
    assert.match(applied.stdout, /firebase hosting:sites:create demo-shop-traces/);
    assert.match(applied.stdout, /grant-admin you@example\.com --project demo-shop/);
    const after = snapshot();
    assert.equal(after["agent-traces/viewer/app-NEW.js"], "console.log(1);\n");
    assert.ok(after["firestore.rules"]!.includes("isAgentTracesAdmin"));

    const again = run();
    assert.deepEqual([again.code, again.stdout], [0, `agent-traces init: nothing to change in ${dir} (project demo-shop, viewer site demo-shop-traces).\n`]);
    assert.deepEqual(snapshot(), after);
  });

  it("refuses with exit code 1 and one line naming the file, writing nothing", () => {
    writeFileSync(join(dir, "firestore.rules"), TEST_MODE_RULES.replace("    }\n  }\n}", "    }\n  }\n"));
    const before = snapshot();
    const refused = run();
    assert.equal(refused.code, 1);
    assert.equal(refused.stdout, "");
    assert.match(refused.stderr, /^agent-traces: init refused: firestore\.rules:3: this \{ is never closed \(unbalanced braces\); fix it, then run agent-traces init again\n$/);
    assert.deepEqual(snapshot(), before);
    const missing = runInit({ kind: "init", dir: join(dir, "nope"), dryRun: false }, "/", () => assets);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /nope: is not a folder/);
    rmSync(join(dir, "firebase.json"));
    assert.match(run().stderr, /firebase\.json: not found: run agent-traces init in your Firebase project's folder/);
  });

  it("parses its options", () => {
    assert.deepEqual(parseCommand(["init"], new Date()), { kind: "init", dryRun: false });
    assert.deepEqual(parseCommand(["init", "--dir", "x", "--dry-run", "--project", "p1", "--site", "p1-viewer", "--default-site", "p1-web", "--functions-package", "file:/t/f.tgz"], new Date()), {
      kind: "init",
      dir: "x",
      dryRun: true,
      project: "p1",
      site: "p1-viewer",
      defaultSite: "p1-web",
      functionsPackage: "file:/t/f.tgz",
    });
    assert.throws(() => parseCommand(["init", "--site", "Bad_Site"], new Date()), UsageError);
    assert.throws(() => parseCommand(["init", "somewhere"], new Date()), /init takes no arguments.*--dir/);
    assert.throws(() => parseCommand(["list", "--dry-run"], new Date()), /--dry-run is not an option of list/);
  });
});

describe("cli init: the codebase's dependency ranges", () => {
  it("are the peer ranges of @agent-traces/functions", () => {
    const manifest = JSON.parse(repoFile("functions/package.json")) as { name: string; peerDependencies: Record<string, string> };
    assert.equal(manifest.name, FUNCTIONS_PACKAGE);
    assert.deepEqual(manifest.peerDependencies, { "firebase-admin": FIREBASE_ADMIN_RANGE, "firebase-functions": FIREBASE_FUNCTIONS_RANGE });
  });
});
