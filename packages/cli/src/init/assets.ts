import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { InitRefusal } from "./refusal.js";

/** What `init` copies or merges into a project, read from the CLI's assets (or this repo). */
export interface InitAssets {
  rules: string;
  indexes: string;
  /** The schema file for the BigQuery extension's schema-views script (bigquery/execution_traces.json). */
  bigquerySchema: string;
  /** The built viewer's static files, by name. */
  viewer: Map<string, Uint8Array>;
  /** The CLI's version: the default range of @agent-traces/functions is ^version. */
  cliVersion: string;
}

const CLI_PACKAGE = "@agent-traces/cli";
/** The BigQuery schema file, under the assets and the repo alike; `init` writes it to the same path under agent-traces/. */
export const BIGQUERY_SCHEMA = "bigquery/execution_traces.json";

/**
 * The published CLI carries `assets/` (firestore.rules, firestore.indexes.json, bigquery/ and viewer/: the built
 * viewer without source maps) beside its bundle; run from this repo's sources it reads the repo's own
 * files (firestore.rules, firestore.indexes.json, bigquery/, viewer/dist), so that they are the one source.
 */
export function loadAssets(moduleUrl: string = import.meta.url): InitAssets {
  const packageDir = cliPackageDir(dirname(fileURLToPath(moduleUrl)));
  const cliVersion = (JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as { version: string }).version;
  const fromSources = moduleUrl.endsWith(".ts");
  const assets = join(packageDir, "assets");
  const repo = join(packageDir, "..", "..");
  const [base, viewerDir] = !fromSources && existsSync(join(assets, "firestore.rules")) ? [assets, join(assets, "viewer")] : [repo, join(repo, "viewer", "dist")];
  if (!existsSync(join(base, "firestore.rules"))) throw new InitRefusal(base, undefined, `no firestore.rules here: the ${CLI_PACKAGE} package is incomplete; reinstall it`);
  if (!existsSync(join(viewerDir, "index.html"))) throw new InitRefusal(viewerDir, undefined, "no built viewer here (index.html): run npm run build in the agent-traces repo first, or reinstall the package");
  const viewer = new Map<string, Uint8Array>();
  for (const name of readdirSync(viewerDir).sort()) {
    const path = join(viewerDir, name);
    if (name.endsWith(".map") || !statSync(path).isFile()) continue;
    viewer.set(name, readFileSync(path));
  }
  return {
    rules: readFileSync(join(base, "firestore.rules"), "utf8"),
    indexes: readFileSync(join(base, "firestore.indexes.json"), "utf8"),
    bigquerySchema: readFileSync(join(base, BIGQUERY_SCHEMA), "utf8"),
    viewer,
    cliVersion,
  };
}

/** The nearest folder above `from` whose package.json is the CLI's (src/init/ in the repo, bin/ when published). */
function cliPackageDir(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === CLI_PACKAGE) return dir;
    if (dirname(dir) === dir) throw new Error(`cannot find the ${CLI_PACKAGE} package above ${from}`);
  }
}
