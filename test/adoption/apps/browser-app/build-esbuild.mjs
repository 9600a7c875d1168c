// The same app bundled by esbuild instead of Vite: src/main.ts into <outDir>/assets/main.js, and
// index.html with its script pointed there.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

const outDir = process.argv[2] ?? "dist/esbuild";
rmSync(outDir, { recursive: true, force: true });
await build({
  entryPoints: ["src/main.ts"],
  outfile: join(outDir, "assets/main.js"),
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  minify: true,
  sourcemap: true,
  logLevel: "warning",
});
mkdirSync(outDir, { recursive: true });
const html = readFileSync("index.html", "utf8");
if (!html.includes('src="/src/main.ts"')) throw new Error("index.html has no /src/main.ts script");
writeFileSync(join(outDir, "index.html"), html.replace('src="/src/main.ts"', 'src="/assets/main.js"'));
