/**
 * The tracer in a user's own apps, outside this repo (templates in ./apps, installed by
 * support/outsideApps.ts from the PACKED tarballs): a Node service (ESM, firebase 12.0.0, the oldest
 * of the tracer's peer range, moduleResolution node16, compiled by tsc) and a browser app (firebase
 * 13.2.0, the newest, moduleResolution bundler, built by Vite and by esbuild, run in headless
 * Chromium). Each signs in anonymously, sends a run whose tool fails and throws, and successful runs
 * until the server keeps one; the stored traces are read back with firebase-admin.
 *
 * Runs inside the launcher (test/adoption/run.ts, or `npm run emulators:exec`), which exports the
 * emulators' addresses: only those variables are read.
 */
import { strict as assert } from "node:assert";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { TraceIdRatioBasedSampler } from "@agent-traces/core";
import { getApps, initializeApp, type App } from "firebase-admin/app";
import { getFirestore, type Firestore } from "firebase-admin/firestore";
import type { Browser } from "puppeteer-core";
import { launchBrowser, openPage, waitForReady } from "../integration/support/browser.js";
import { appEnv, prepareOutsideApps, runCommand, sha512Integrity, TEMPLATES_DIR, type OutsideApp, type OutsideAppName } from "./support/outsideApps.js";
import { adoptionPaths, readPacks } from "./support/paths.js";
import { serveFolder } from "./support/staticServer.js";
import type { Report } from "./apps/shared/report.js";

/** What both apps' agents do (apps/<name>/src/agent.ts) and report (apps/<name>/src/main.ts). */
const SKILL = "order-support";
const USER_ID = "customer-7";
const REFUND_ERROR = "payment provider unavailable";
const LOOKUP_OUTPUT = (orderId: string) => JSON.stringify({ orderId, status: "shipped" });

// The tests run beside the emulators, never on Google Cloud: skip google-auth's metadata-server probe.
process.env.METADATA_SERVER_DETECTION ??= "none";

const STACK_VARIABLES = ["GCLOUD_PROJECT", "FIRESTORE_EMULATOR_HOST", "FIREBASE_AUTH_EMULATOR_HOST", "FUNCTIONS_EMULATOR_ORIGIN"] as const;
const BUILD_TIMEOUT_MS = 180_000;
/** How long an app may take to sign in, send its runs and hear every answer, on a loaded 2-core machine. */
const RUN_TIMEOUT_MS = 240_000;

function stackVariables(): Record<(typeof STACK_VARIABLES)[number], string> {
  const missing = STACK_VARIABLES.filter((name) => !process.env[name]);
  if (missing.length > 0) throw new Error(`The outside apps need the local stack (${missing.join(", ")} unset): run them inside the launcher (npm run test:adoption).`);
  return Object.fromEntries(STACK_VARIABLES.map((name) => [name, process.env[name]!])) as Record<(typeof STACK_VARIABLES)[number], string>;
}

function readJson<T = Record<string, unknown>>(path: string): T {
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

/** The exact version the app's template pins for `pkg`. */
function pinnedVersion(app: OutsideAppName, pkg: string): string {
  const { dependencies } = readJson<{ dependencies: Record<string, string> }>(join(TEMPLATES_DIR, app, "package.json"));
  const version = dependencies[pkg]!;
  assert.match(version, /^\d+\.\d+\.\d+$/, `${app} pins ${pkg} to one version`);
  return version;
}

describe("the packed tracer in a user's own apps, outside this repo", function () {
  let stack: ReturnType<typeof stackVariables>;
  let apps: Record<OutsideAppName, OutsideApp>;
  let packs: Record<string, string>;
  let db: Firestore;

  before(async function () {
    this.timeout(20 * 60_000);
    stack = stackVariables();
    packs = readPacks();
    apps = await prepareOutsideApps(adoptionPaths().workDir, packs);
    const app: App = getApps().find((candidate) => candidate.name === "adoption-outside-apps") ?? initializeApp({ projectId: stack.GCLOUD_PROJECT }, "adoption-outside-apps");
    db = getFirestore(app);
  });

  /** The app's commands, in its folder, with nothing of this repo's npm or mocha in their environment. */
  const inApp = (name: OutsideAppName, command: string, args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; allowFailure?: boolean } = {}) =>
    runCommand(command, args, { cwd: apps[name].dir, env: options.env, timeoutMs: options.timeoutMs ?? BUILD_TIMEOUT_MS, allowFailure: options.allowFailure });

  /** The app installed our packages from the tarballs (one copy each) and firebase at its pinned version. */
  function assertInstalledFromTarballs(name: OutsideAppName): void {
    const { dir, tarballs } = apps[name];
    assert.deepEqual(Object.keys(tarballs).sort(), ["@agent-traces/core", "@agent-traces/tracer"]);
    const lock = readJson<{ packages: Record<string, { version?: string; resolved?: string; integrity?: string }> }>(join(dir, "package-lock.json"));
    for (const [pkg, tarball] of Object.entries(tarballs)) {
      const copies = Object.keys(lock.packages).filter((path) => path === `node_modules/${pkg}` || path.endsWith(`/node_modules/${pkg}`));
      assert.deepEqual(copies, [`node_modules/${pkg}`], `one copy of ${pkg}, at the top`);
      const entry = lock.packages[`node_modules/${pkg}`]!;
      const resolved = entry.resolved ?? "";
      assert.ok(resolved.startsWith("file:"), `${pkg} resolved from a file, not a registry: ${entry.resolved}`);
      assert.equal(join(dir, resolved.slice("file:".length)), tarball, `${pkg} comes from the packed tarball`);
      assert.equal(entry.integrity, sha512Integrity(tarball), `${pkg} installed is the tarball as packed now`);
      const installed = readJson<{ version: string; exports?: unknown }>(join(dir, "node_modules", pkg, "package.json"));
      assert.equal(installed.version, entry.version);
      assert.doesNotMatch(JSON.stringify(installed.exports ?? {}), /"source"/, `${pkg} as published has no "source" condition`);
    }
    assert.equal(readJson<{ version: string }>(join(dir, "node_modules/firebase/package.json")).version, pinnedVersion(name, "firebase"));
    const tracerPeers = readJson<{ peerDependencies: Record<string, string> }>(join(dir, "node_modules/@agent-traces/tracer/package.json")).peerDependencies;
    assert.equal(tracerPeers.firebase, "^12.0.0 || ^13.0.0", "the range whose oldest and newest these apps install");
  }

  /**
   * The type check of the app's own tsconfig passes; so does one that checks every declaration file
   * (`--skipLibCheck false`) except the Firebase SDK's own (`allowedLibErrors`): ours type-check too.
   */
  async function assertTypeChecks(name: OutsideAppName, options: Record<string, string>, allowedLibErrors: RegExp[]): Promise<void> {
    const shown = JSON.parse((await inApp(name, "npx", ["--no-install", "tsc", "--showConfig"])).stdout) as { compilerOptions: Record<string, unknown>; files: string[] };
    for (const [option, value] of Object.entries(options)) assert.equal(shown.compilerOptions[option], value, `the app's own tsc has ${option} ${value}`);
    assert.ok(shown.files.includes("./src/main.ts"), `the app's sources are checked: ${shown.files.join(", ")}`);
    const version = (await inApp(name, "npx", ["--no-install", "tsc", "--version"])).stdout.trim();
    await inApp(name, "npm", ["run", "typecheck"]);
    const strict = await inApp(name, "npx", ["--no-install", "tsc", "--noEmit", "--skipLibCheck", "false"], { allowFailure: true });
    const errors = strict.stdout.split("\n").filter((line) => /error TS\d+/.test(line));
    assert.deepEqual(
      errors.filter((line) => !allowedLibErrors.some((allowed) => allowed.test(line))),
      [],
      `no type error in our declarations or the app (tsc exit ${strict.code}):\n${strict.stdout}${strict.stderr}`,
    );
    assert.equal(strict.code === 0, errors.length === 0, `tsc's exit code agrees with its errors:\n${strict.stdout}${strict.stderr}`);
    console.log(`      ${name}: ${version}, ${JSON.stringify(options)}`);
  }

  /** Every run was answered once; exactly the failed run and the successes the server kept are stored, as the agent ran them. */
  async function assertStoredRuns(report: Report, expected: { app: string; firebaseVersion: string }): Promise<void> {
    assert.deepEqual(report.errors, [], "no run failed to send");
    assert.equal(report.flushed, true, "every run was answered before the app stopped waiting");
    assert.equal(report.app, expected.app);
    assert.equal(report.firebaseVersion, expected.firebaseVersion, "the Firebase JS SDK that ran");
    assert.match(report.uid, /^\w+$/, "signed in anonymously");
    assert.equal(report.failed.thrown, REFUND_ERROR, "withTrace rethrows the agent's own error");

    const failedId = report.failed.traceId;
    const runIds = [failedId, ...report.successes];
    assert.equal(new Set(runIds).size, runIds.length, "every run has an id of its own");
    assert.deepEqual(report.sent.map((result) => result.trace_id).sort(), [...runIds].sort(), "every run was sent and answered once");
    const answers = new Map(report.sent.map((result) => [result.trace_id, result]));
    // `duplicate`: a call retried after the server stored it (slow emulator) is answered as stored by then.
    assert.ok(["error", "duplicate"].includes(answers.get(failedId)!.reason) && answers.get(failedId)!.stored, `the failed run is stored: ${JSON.stringify(answers.get(failedId))}`);
    const kept = report.successes.filter((id) => answers.get(id)!.stored);
    assert.equal(kept.length > 0, true, "the app ran until the server kept a success");
    for (const id of report.successes) {
      assert.ok(answers.get(id)!.stored ? ["sampled", "duplicate"].includes(answers.get(id)!.reason) : answers.get(id)!.reason === "sampled_out", JSON.stringify(answers.get(id)));
    }

    const snapshots = await db.getAll(...runIds.map((id) => db.collection("execution_traces").doc(id)));
    assert.deepEqual(snapshots.filter((snapshot) => snapshot.exists).map((snapshot) => snapshot.id).sort(), [failedId, ...kept].sort(), "stored: the failed run and the kept successes, nothing else");

    const failed = snapshots.find((snapshot) => snapshot.id === failedId)!.data()!;
    assert.equal(failed.status, "error");
    assert.equal(failed.recorded_by, report.uid);
    assert.equal(failed.user_id, USER_ID);
    assert.equal(failed.skill, SKILL);
    assert.equal(failed.iterations, 2);
    assert.equal(failed.metadata.app, expected.app);
    assert.equal(failed.metadata.error, REFUND_ERROR);
    assert.equal(failed.tool_error_count, 1);
    assert.deepEqual(
      failed.tool_traces.map((tool: Record<string, unknown>) => [tool.name, tool.input, tool.output, tool.is_error]),
      [
        ["lookup_order", { orderId: "A-1001" }, LOOKUP_OUTPUT("A-1001"), false],
        ["refund_order", { orderId: "A-1001", amount: "42" }, REFUND_ERROR, true],
      ],
    );

    const sampleRates = new Set<number>();
    for (const id of kept) {
      const success = snapshots.find((snapshot) => snapshot.id === id)!.data()!;
      assert.equal(success.status, "success");
      assert.equal(success.recorded_by, report.uid);
      assert.equal(success.user_id, USER_ID);
      assert.equal(success.metadata.app, expected.app);
      assert.equal(success.final_output, "Order A-1002 has shipped.");
      assert.deepEqual(
        success.tool_traces.map((tool: Record<string, unknown>) => [tool.name, tool.input, tool.output, tool.is_error]),
        [["lookup_order", { orderId: "A-1002" }, LOOKUP_OUTPUT("A-1002"), false]],
      );
      sampleRates.add(success.sample_rate);
    }
    // The tracer sent every success (sampleRate 1); the server kept those its own rate keeps, by id.
    assert.equal(sampleRates.size, 1, "one server rate");
    const sampler = new TraceIdRatioBasedSampler([...sampleRates][0]!);
    assert.deepEqual(kept, report.successes.filter((id) => sampler.shouldSample(id)), "the server kept exactly the ids its rate keeps");
  }

  describe("node-service: ESM, firebase 12.0.0, moduleResolution node16, tsc then node", () => {
    it("installs @agent-traces/core and /tracer from the tarballs, and firebase 12.0.0", () => {
      assertInstalledFromTarballs("node-service");
      assert.equal(pinnedVersion("node-service", "firebase"), "12.0.0");
      assert.equal(readJson<{ type: string }>(join(apps["node-service"].dir, "package.json")).type, "module");
    });

    it("type-checks under node16 (tsc)", async function () {
      this.timeout(4 * BUILD_TIMEOUT_MS);
      // firebase/auth's declarations name DOM types, absent from a Node service's lib.
      await assertTypeChecks("node-service", { module: "node16", moduleResolution: "node16" }, [/^node_modules\/@firebase\/auth\/dist\/auth-public\.d\.ts\(\d+,\d+\): error TS2304: Cannot find name '(Window|HTMLElement)'\.$/]);
    });

    it("compiles with tsc, stores a failed run and a kept success through the emulators, and exits", async function () {
      this.timeout(BUILD_TIMEOUT_MS + RUN_TIMEOUT_MS + 60_000);
      await inApp("node-service", "npm", ["run", "build"]);
      const { GCLOUD_PROJECT, FIREBASE_AUTH_EMULATOR_HOST, FUNCTIONS_EMULATOR_ORIGIN } = stack;
      const run = await inApp("node-service", "node", ["dist/main.js"], { env: appEnv({ GCLOUD_PROJECT, FIREBASE_AUTH_EMULATOR_HOST, FUNCTIONS_EMULATOR_ORIGIN }), timeoutMs: RUN_TIMEOUT_MS });
      const lines = run.stdout.trim().split("\n");
      const report = JSON.parse(lines.at(-1)!) as Report;
      await assertStoredRuns(report, { app: "node-service", firebaseVersion: "12.0.0" });
      console.log(`      node-service: ${report.successes.length} successes sent, exited after ${(run.ms / 1000).toFixed(1)} s`);
    });
  });

  describe("browser-app: firebase 13.2.0, moduleResolution bundler, built by Vite and by esbuild", () => {
    let browser: Browser | undefined;
    after(async () => browser?.close());

    it("installs @agent-traces/core and /tracer from the tarballs, and firebase 13.2.0", () => {
      assertInstalledFromTarballs("browser-app");
      assert.equal(pinnedVersion("browser-app", "firebase"), "13.2.0");
    });

    it("type-checks under bundler (tsc)", async function () {
      this.timeout(4 * BUILD_TIMEOUT_MS);
      await assertTypeChecks("browser-app", { module: "esnext", moduleResolution: "bundler" }, []);
    });

    for (const bundler of ["vite", "esbuild"] as const) {
      describe(`built by ${bundler}`, () => {
        const outDir = () => join(apps["browser-app"].dir, "dist", bundler);

        it("bundles the tracer's browser platform and nothing of Node's", async () => {
          await inApp("browser-app", "npm", ["run", `build:${bundler}`]);
          const scripts = readdirSync(join(outDir(), "assets")).filter((file) => file.endsWith(".js"));
          assert.ok(scripts.length > 0, "the build wrote scripts");
          const code = scripts.map((file) => readFileSync(join(outDir(), "assets", file), "utf8")).join("\n");
          assert.ok(code.includes("agent-traces:"), "the browser platform's persisted queue (localStorage keys agent-traces:…) is bundled");
          assert.doesNotMatch(code, /AsyncLocalStorage|["'`]node:[a-z_]+["'`]/, "nothing of the Node platform");
        });

        it("in headless Chromium, stores a failed run and a kept success through the emulators", async function () {
          this.timeout(RUN_TIMEOUT_MS + 60_000);
          browser ??= await launchBrowser();
          const server = await serveFolder(outDir());
          const page = await openPage(browser);
          try {
            const app = `browser-app-${bundler}`;
            const query = new URLSearchParams({ project: stack.GCLOUD_PROJECT, auth: stack.FIREBASE_AUTH_EMULATOR_HOST, functions: stack.FUNCTIONS_EMULATOR_ORIGIN, app });
            const started = Date.now();
            await page.page.goto(`${server.origin}/?${query}`);
            await waitForReady(page.page, "done", RUN_TIMEOUT_MS);
            const report = (await page.page.evaluate(() => (window as unknown as { agentTraces: unknown }).agentTraces)) as Report;
            page.assertNoProblems();
            assert.deepEqual(server.requests.filter((request) => request.status !== 200), [], "every file the page asked for was served");
            await assertStoredRuns(report, { app, firebaseVersion: "13.2.0" });
            console.log(`      ${app}: ${report.successes.length} successes sent, done after ${((Date.now() - started) / 1000).toFixed(1)} s`);
          } finally {
            await page.close();
            await server.close();
          }
        });
      });
    }
  });
});
