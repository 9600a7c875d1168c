/**
 * The outside apps of the adoption tests: small projects of a user's own (templates under
 * ../apps/<name>/), copied into a folder outside this repo, that install the PACKED tarballs of
 * `npm run pack` (never workspace links) beside the Firebase JS SDK from the registry.
 *
 * A template's package.json names each of our packages as `"<packed @agent-traces/…>"`: that becomes
 * `file:<the tarball's absolute path>` from the pack manifest. Everything else in it (firebase's exact
 * version, the bundlers, TypeScript) is what the app tests, as written.
 *
 * prepareOutsideApps() is called before the stack starts (test/adoption/run.ts) and again by the
 * tests' `before`: an app whose install finished with the same package.json and the same tarballs
 * (a marker file holds their digests) is not installed again; its sources are copied anew each time.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

export const OUTSIDE_APP_NAMES = ["browser-app", "node-service"] as const;
export type OutsideAppName = (typeof OUTSIDE_APP_NAMES)[number];

export const TEMPLATES_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "apps");
const REPO_ROOT = resolve(TEMPLATES_DIR, "../../..");
const MARKER = ".agent-traces-install.json";
/** What npm made or an earlier run built: kept when the sources are copied anew. */
const KEPT_ON_COPY = new Set(["node_modules", "package-lock.json", MARKER]);
const NPM_INSTALL_FLAGS = ["--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"];
const INSTALL_TIMEOUT_MS = 15 * 60_000;
const PLACEHOLDER = /^<packed (@agent-traces\/[a-z-]+)>$/;

export interface OutsideApp {
  name: OutsideAppName;
  /** The app's folder, outside the repo. */
  dir: string;
  /** The tarballs its package.json installs, by package name. */
  tarballs: Record<string, string>;
  /** True when an install finished earlier with the same package.json and tarballs was kept. */
  reused: boolean;
  /** How long this call took for the app (copy, and install unless reused). */
  prepareMs: number;
}

/**
 * Copies every outside app's template into `<workDir>/outside-apps/<name>`, fills in the tarballs of
 * `packs` (the pack manifest: package name -> absolute .tgz path) and installs each app (concurrently),
 * unless its last finished install had the same package.json and tarballs.
 */
export async function prepareOutsideApps(workDir: string, packs: Record<string, string>): Promise<Record<OutsideAppName, OutsideApp>> {
  const appsDir = resolve(workDir, "outside-apps");
  if (isInside(appsDir, REPO_ROOT)) throw new Error(`The outside apps must live outside the repo: ${appsDir} is inside ${REPO_ROOT}.`);
  mkdirSync(appsDir, { recursive: true });
  assertNoNodeModulesAbove(appsDir);
  const prepared = await Promise.all(OUTSIDE_APP_NAMES.map((name) => withLock(join(appsDir, `${name}.lock`), () => prepareApp(name, join(appsDir, name), packs))));
  for (const app of prepared) console.log(`  outside app ${app.name}: ${app.reused ? "install reused" : "installed"} in ${(app.prepareMs / 1000).toFixed(1)} s (${app.dir})`);
  return Object.fromEntries(prepared.map((app) => [app.name, app])) as Record<OutsideAppName, OutsideApp>;
}

async function prepareApp(name: OutsideAppName, dir: string, packs: Record<string, string>): Promise<OutsideApp> {
  const started = Date.now();
  const template = join(TEMPLATES_DIR, name);
  mkdirSync(dir, { recursive: true });
  for (const entry of readdirSync(dir)) if (!KEPT_ON_COPY.has(entry)) rmSync(join(dir, entry), { recursive: true, force: true });
  cpSync(template, dir, { recursive: true, filter: (source) => !relative(template, source).split(sep).some((part) => KEPT_ON_COPY.has(part) || part === "dist") });
  cpSync(join(TEMPLATES_DIR, "shared/report.ts"), join(dir, "src/report.ts"));

  const { packageJson, tarballs } = fillPackageJson(readFileSync(join(template, "package.json"), "utf8"), packs);
  writeFileSync(join(dir, "package.json"), packageJson);
  const marker = `${JSON.stringify({ packageJson, tarballs: Object.fromEntries(Object.entries(tarballs).map(([pkg, path]) => [pkg, sha256(path)])), node: process.version }, null, 2)}\n`;
  const markerPath = join(dir, MARKER);
  if (existsSync(join(dir, "node_modules")) && existsSync(markerPath) && readFileSync(markerPath, "utf8") === marker) {
    return { name, dir, tarballs, reused: true, prepareMs: Date.now() - started };
  }
  // A tarball rebuilt at the same path must not meet a lock file or node_modules of the last one.
  for (const stale of [markerPath, join(dir, "package-lock.json"), join(dir, "node_modules")]) rmSync(stale, { recursive: true, force: true });
  await runCommand("npm", ["install", ...NPM_INSTALL_FLAGS], { cwd: dir, timeoutMs: INSTALL_TIMEOUT_MS });
  writeFileSync(markerPath, marker);
  return { name, dir, tarballs, reused: false, prepareMs: Date.now() - started };
}

/** The template's package.json with each `"<packed NAME>"` dependency made `file:<tarball of NAME>`. */
export function fillPackageJson(text: string, packs: Record<string, string>): { packageJson: string; tarballs: Record<string, string> } {
  const json = JSON.parse(text) as Record<string, unknown>;
  const tarballs: Record<string, string> = {};
  for (const field of ["dependencies", "devDependencies"]) {
    const dependencies = json[field] as Record<string, string> | undefined;
    for (const [pkg, spec] of Object.entries(dependencies ?? {})) {
      const packed = PLACEHOLDER.exec(spec)?.[1];
      if (!packed) continue;
      if (packed !== pkg) throw new Error(`${pkg} is given the tarball of ${packed}`);
      const tarball = packs[pkg];
      if (!tarball) throw new Error(`The pack manifest has no tarball for ${pkg}: run \`npm run pack\``);
      if (!existsSync(tarball)) throw new Error(`${tarball} (the tarball of ${pkg}) is missing: run \`npm run pack\``);
      dependencies![pkg] = `file:${tarball}`;
      tarballs[pkg] = tarball;
    }
  }
  if (Object.keys(tarballs).length === 0) throw new Error("The template installs none of our tarballs");
  return { packageJson: `${JSON.stringify(json, null, 2)}\n`, tarballs };
}

export function sha256(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/** npm's integrity string (`sha512-<base64>`) of a file, as a lock file records it. */
export function sha512Integrity(path: string): string {
  return `sha512-${createHash("sha512").update(readFileSync(path)).digest("base64")}`;
}

/**
 * The environment an app's commands run in: this process's, without what an enclosing `npm run` or
 * mocha set for this repo (the repo as npm's local prefix, its package and lifecycle variables, its
 * node_modules/.bin folders on PATH, NODE_OPTIONS with its loaders), plus `extra`. The user's own npm
 * configuration (npm_config_registry and the like) stays.
 */
export function appEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  const fromRepoRun = /^(npm_config_local_prefix|npm_package_.*|npm_lifecycle_.*|npm_command|npm_execpath|npm_node_execpath|INIT_CWD|NODE_OPTIONS)$/i;
  for (const [key, value] of Object.entries(process.env)) if (!fromRepoRun.test(key)) env[key] = value;
  env.PATH = (env.PATH ?? "")
    .split(delimiter)
    .filter((folder) => folder && !/[\\/]node_modules[\\/]\.bin$/.test(folder))
    .join(delimiter);
  return { ...env, ...extra };
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Runs `command` in `cwd` (in the appEnv unless `env` is given) and resolves with its output; rejects
 * with the output's tail when it exits non-zero (unless `allowFailure`) or outlives `timeoutMs`
 * (then its whole process group is killed).
 */
export function runCommand(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number; allowFailure?: boolean }): Promise<CommandResult> {
  const started = Date.now();
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? appEnv(), stdio: ["ignore", "pipe", "pipe"], detached: true });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const shown = `${command} ${args.join(" ")} (in ${options.cwd})`;
  return new Promise((resolvePromise, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    }, options.timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const result = { code: code ?? -1, stdout, stderr, ms: Date.now() - started };
      const tail = `\n--- stdout (tail) ---\n${stdout.slice(-4000)}\n--- stderr (tail) ---\n${stderr.slice(-4000)}`;
      if (timedOut) reject(new Error(`${shown} did not finish within ${options.timeoutMs / 1000} s${tail}`));
      else if (code !== 0 && !options.allowFailure) reject(new Error(`${shown} failed (${signal ?? `exit ${code}`})${tail}`));
      else resolvePromise(result);
    });
  });
}

function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel === "" || (!rel.startsWith("..") && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel));
}

/** Node resolves packages up the folder tree: a node_modules above the apps would let them find what they did not install. */
function assertNoNodeModulesAbove(dir: string): void {
  for (let folder = dirname(dir); ; folder = dirname(folder)) {
    if (existsSync(join(folder, "node_modules"))) throw new Error(`${join(folder, "node_modules")} is above the outside apps (${dir}): they could resolve packages from it. Set AGENT_TRACES_ADOPTION_DIR elsewhere.`);
    if (dirname(folder) === folder) return;
  }
}

/**
 * Runs `work` holding a lock folder (`mkdir` is atomic), so that two processes never prepare one app
 * at once; a lock left by a process that is gone is taken over.
 */
async function withLock<T>(path: string, work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + INSTALL_TIMEOUT_MS + 60_000;
  for (;;) {
    try {
      mkdirSync(path);
      writeFileSync(join(path, "pid"), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      if (!lockHeld(path)) {
        rmSync(path, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`${path} is still held (pid ${readPid(path) ?? "unknown"}): another process is preparing this app`, { cause: error });
      await new Promise((resolveWait) => setTimeout(resolveWait, 1000));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(path, { recursive: true, force: true });
  }
}

function readPid(lock: string): number | undefined {
  try {
    return Number(readFileSync(join(lock, "pid"), "utf8")) || undefined;
  } catch {
    return undefined;
  }
}

function lockHeld(lock: string): boolean {
  const pid = readPid(lock);
  if (pid === undefined) {
    // Just made, its pid not yet written; or left empty long ago.
    try {
      return Date.now() - statSync(lock).mtimeMs < 10_000;
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
