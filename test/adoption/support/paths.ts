/** Where the adoption tests work (outside the repo) and the tarballs `npm run pack` wrote. */
import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface AdoptionPaths {
  /** Everything the adoption tests install or make: AGENT_TRACES_ADOPTION_DIR, else under the system temp folder. */
  workDir: string;
  /** The user's project (firebase.json, functions/, agent-traces/ once init ran). */
  projectDir: string;
}

export function adoptionPaths(): AdoptionPaths {
  const workDir = process.env.AGENT_TRACES_ADOPTION_DIR ?? join(tmpdir(), "agent-traces-adoption");
  return { workDir, projectDir: join(workDir, "project") };
}

const manifestPath = new URL("../../../.packs/manifest.json", import.meta.url).pathname;

/** `{ "<package name>": "<absolute .tgz path>" }` from `npm run pack`. */
export function readPacks(): Record<string, string> {
  if (!existsSync(manifestPath)) throw new Error(`${manifestPath} is missing: run \`npm run pack\` first`);
  return JSON.parse(readFileSync(manifestPath, "utf8")) as Record<string, string>;
}
