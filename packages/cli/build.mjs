// Bundles the CLI and the workspace packages it uses into bin/agent-traces.js, so that it packs as
// @agent-traces/cli with only npm dependencies (listed in its package.json), and copies what `init`
// writes into a user's project (our rules, indexes, BigQuery schema and the built viewer) into assets/.
import { build } from "esbuild";
import { cpSync, readFileSync, rmSync } from "node:fs";

const here = (path) => new URL(path, import.meta.url).pathname;
const { dependencies } = JSON.parse(readFileSync(here("./package.json"), "utf8"));

const result = await build({
  entryPoints: [here("./src/main.ts")],
  outfile: here("./bin/agent-traces.js"),
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  conditions: ["source"],
  external: Object.keys(dependencies).flatMap((name) => [name, `${name}/*`]),
  metafile: true,
  logLevel: "warning",
});

// Every bare import left in the bundle must be an npm dependency of the published package.
const packageOf = (path) => (path.startsWith("@") ? path.split("/").slice(0, 2) : path.split("/").slice(0, 1)).join("/");
const unlisted = Object.values(result.metafile.outputs)
  .flatMap((output) => output.imports)
  .filter((imported) => imported.external && !imported.path.startsWith("node:"))
  .map((imported) => packageOf(imported.path))
  .filter((name) => !(name in dependencies));
if (unlisted.length > 0) throw new Error(`packages/cli/bin imports packages its package.json does not list: ${[...new Set(unlisted)].join(", ")}`);

rmSync(here("./assets"), { recursive: true, force: true });
cpSync(here("../../viewer/dist"), here("./assets/viewer"), { recursive: true, filter: (source) => !source.endsWith(".map") });
cpSync(here("../../firestore.rules"), here("./assets/firestore.rules"));
cpSync(here("../../firestore.indexes.json"), here("./assets/firestore.indexes.json"));
cpSync(here("../../bigquery/execution_traces.json"), here("./assets/bigquery/execution_traces.json"));
