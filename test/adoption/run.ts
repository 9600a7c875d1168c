/**
 * `npm run test:adoption` (after `npm run pack`): makes a user's project like `firebase init` does in a
 * folder outside the repo, installs its functions, runs the packed `agent-traces init` in it, installs
 * the codebase init added and the outside apps, then runs the adoption tests inside the launcher
 * started on that project (its own firebase.json, rules and functions).
 */
import { spawn } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { adoptionPaths, readPacks } from "./support/paths.js";
import { prepareOutsideApps } from "./support/outsideApps.js";
import { USER_PROJECT_ID, writeUserProject } from "./support/userProject.js";

const repoRoot = new URL("../../", import.meta.url).pathname;
const npmFlags = ["--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"];

async function main(): Promise<number> {
  const packs = readPacks();
  const { workDir, projectDir } = adoptionPaths();
  const started = Date.now();
  rmSync(projectDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  writeUserProject(projectDir);

  const userFunctions = (async () => {
    await run("npm", ["install", ...npmFlags], join(projectDir, "functions"));
    await run("npm", ["run", "build"], join(projectDir, "functions"));
  })();
  const outsideApps = prepareOutsideApps(workDir, packs);
  await run("npx", ["--yes", "--package", packs["@agent-traces/cli"]!, "--", "agent-traces", "init", "--dir", projectDir, "--functions-package", `file:${packs["@agent-traces/functions"]}`], projectDir);
  await run("npm", ["install", ...npmFlags], join(projectDir, "agent-traces/functions"));
  await Promise.all([userFunctions, outsideApps]);
  console.log(`Adoption fixtures ready in ${Math.round((Date.now() - started) / 1000)} s (${workDir}).`);

  const stack = ["scripts/stack.ts", "exec", "--project-dir", projectDir, "--project", USER_PROJECT_ID, "--", "npx mocha --config test/.mocharc.adoption.json"];
  return run(join(repoRoot, "node_modules/.bin/tsx"), stack, repoRoot, { allowFailure: true });
}

function run(command: string, args: string[], cwd: string, options: { allowFailure?: boolean } = {}): Promise<number> {
  console.log(`$ (${cwd}) ${command} ${args.join(" ")}`);
  const child = spawn(command, args, { cwd, stdio: "inherit" });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      const status = code ?? (signal ? 1 : 0);
      if (status !== 0 && !options.allowFailure) reject(new Error(`${command} ${args.join(" ")} failed (${signal ?? `exit ${code}`}) in ${cwd}`));
      else resolve(status);
    });
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
