/**
 * Test pages for the browser suite: TypeScript entry points under ../pages bundled by esbuild the way
 * an app's bundler would (platform browser, the `browser` condition, plus `source` so the workspace
 * packages are bundled from their TypeScript without a build), served by a node:http server on
 * 127.0.0.1 at a random port: a real origin, so localStorage and IndexedDB work. The stack's
 * endpoints reach the pages as the compile-time constant `AGENT_TRACES_STACK`.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { functionsOrigin, projectId } from "../../support/emulators.js";
import type { StackEndpoints } from "../pages/stackEndpoints.js";

const PAGES_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "pages");
const OUT_DIR = join(PAGES_DIR, "__out");

/** The stack the pages connect to, from the variables `scripts/stack.ts exec` sets. */
export function stackEndpoints(): StackEndpoints {
  const functions = functionsOrigin();
  return {
    projectId,
    authEmulatorUrl: `http://${process.env.FIREBASE_AUTH_EMULATOR_HOST}`,
    functionsEmulator: { host: functions.hostname, port: Number(functions.port) },
  };
}

export interface PageServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** The URL of `path` on this server (`/overlapping.html?x=1`). */
  url(path: string): string;
  close(): Promise<void>;
}

/**
 * Bundles `pages` (names of ../pages/<name>.ts) and serves each as `/<name>.html`, plus an empty
 * `/blank.html` (somewhere to navigate to). Anything else is a 404 (`/favicon.ico` a 204, so the
 * browser's own request logs no error).
 */
export async function servePages(pages: readonly string[]): Promise<PageServer> {
  const result = await build({
    entryPoints: Object.fromEntries(pages.map((name) => [name, join(PAGES_DIR, `${name}.ts`)])),
    outdir: OUT_DIR,
    write: false,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    conditions: ["browser", "source"],
    sourcemap: "linked",
    define: { AGENT_TRACES_STACK: JSON.stringify(stackEndpoints()) },
    logLevel: "silent",
  });
  const files = new Map<string, { body: Uint8Array; type: string }>();
  for (const file of result.outputFiles) {
    const path = `/${relative(OUT_DIR, file.path).split("\\").join("/")}`;
    files.set(path, { body: file.contents, type: path.endsWith(".map") ? "application/json" : "text/javascript; charset=utf-8" });
  }
  for (const name of pages) files.set(`/${name}.html`, { body: Buffer.from(html(name, `/${name}.js`)), type: "text/html; charset=utf-8" });
  files.set("/blank.html", { body: Buffer.from(html("blank")), type: "text/html; charset=utf-8" });

  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    const file = files.get(path);
    if (request.method !== "GET" || !file) {
      response.writeHead(path === "/favicon.ico" ? 204 : 404, { "cache-control": "no-store" }).end();
      return;
    }
    response.writeHead(200, { "content-type": file.type, "cache-control": "no-store" }).end(file.body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: (path) => new URL(path, origin).href,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function html(title: string, script?: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body>${script ? `<script type="module" src="${script}"></script>` : ""}</body></html>`;
}
