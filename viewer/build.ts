/**
 * Builds the viewer into viewer/dist: index.html, a content-hashed app-*.js and app-*.css, for
 * Firebase Hosting (firebase.json `hosting.public`). Run by `npm run build`. It builds beside dist
 * and swaps the result in at the end, so a Hosting emulator serving dist meanwhile never finds it empty.
 */
import { build } from "esbuild";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { readEmulatorPorts } from "../scripts/stack/emulatorPorts.js";

const viewer = dirname(fileURLToPath(import.meta.url));
const dist = join(viewer, "dist");
// Beside dist (same depth, so the source maps' relative paths hold); both removed whatever happens.
const next = join(viewer, `dist-next-${process.pid}`);
const previous = join(viewer, `dist-previous-${process.pid}`);

try {
  await buildInto(next);
  try {
    renameSync(dist, previous);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  renameSync(next, dist);
} finally {
  rmSync(next, { recursive: true, force: true });
  rmSync(previous, { recursive: true, force: true });
}

/** The viewer's files, written into `out` (emptied first). */
async function buildInto(out: string): Promise<void> {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const result = await build({
    entryPoints: { app: join(viewer, "src/main.ts") },
    outdir: out,
    entryNames: "[name]-[hash]",
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    sourcemap: true,
    conditions: ["source"],
    metafile: true,
    legalComments: "linked",
    // Emulator hosts are used only for `demo-` projects (see firebaseSetup.ts), which never reach a real project.
    define: { AGENT_TRACES_EMULATORS: JSON.stringify(emulatorEndpoints()) },
    logLevel: "warning",
  });

  // main.ts imports styles.css, so esbuild writes app-[hash].css beside app-[hash].js.
  const outputs = Object.keys(result.metafile.outputs).map((path) => basename(path));
  const asset = (extension: string) => {
    const name = outputs.find((output) => output.startsWith("app-") && output.endsWith(extension));
    if (!name) throw new Error(`esbuild wrote no app${extension}`);
    return name;
  };
  const html = readFileSync(join(viewer, "index.html"), "utf8").replace("/app.js", `/${asset(".js")}`).replace("/app.css", `/${asset(".css")}`);
  writeFileSync(join(out, "index.html"), html);
}

/** The pinned Auth and Firestore emulators the viewer connects to on a `demo-` project. */
function emulatorEndpoints(): { auth: string; firestore: { host: string; port: number } } {
  const ports = readEmulatorPorts(join(viewer, "..", "firebase.json"));
  return { auth: `http://${ports.auth.host}:${ports.auth.port}`, firestore: ports.firestore };
}
