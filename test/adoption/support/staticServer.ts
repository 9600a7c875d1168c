/**
 * Serves a built app's folder on 127.0.0.1 at a random port, as any static host would: `/` is
 * index.html, other paths the files under the folder, anything else a 404 (`/favicon.ico` a 204).
 */
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, resolve, sep } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json",
  ".json": "application/json",
  ".svg": "image/svg+xml",
};

export interface StaticServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** The GET requests answered so far, with their status. */
  requests: { path: string; status: number }[];
  close(): Promise<void>;
}

export async function serveFolder(folder: string): Promise<StaticServer> {
  const root = resolve(folder);
  const requests: StaticServer["requests"] = [];
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? "/", "http://localhost").pathname);
    const answer = (status: number, body?: Buffer, type?: string) => {
      requests.push({ path, status });
      response.writeHead(status, { "cache-control": "no-store", ...(type ? { "content-type": type } : {}) }).end(body);
    };
    if (request.method !== "GET") return answer(405);
    if (path === "/favicon.ico") return answer(204);
    const file = normalize(join(root, path === "/" ? "index.html" : path));
    if (!file.startsWith(root + sep)) return answer(404);
    readFile(file).then(
      (body) => answer(200, body, TYPES[extname(file)] ?? "application/octet-stream"),
      () => answer(404),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
