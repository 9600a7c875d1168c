// Bundles the functions and the workspace packages they use into lib/index.js, so that this folder
// deploys on its own and packs as @agent-traces/functions: its npm dependencies and peers stay external.
import { build } from "esbuild";
import { readFileSync } from "node:fs";

const { dependencies, peerDependencies } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"));

await build({
  entryPoints: [new URL("./src/index.ts", import.meta.url).pathname],
  outfile: new URL("./lib/index.js", import.meta.url).pathname,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  sourcemap: true,
  conditions: ["source"],
  external: Object.keys({ ...dependencies, ...peerDependencies }).flatMap((name) => [name, `${name}/*`]),
  logLevel: "warning",
});
