import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { FileChange, ProjectReader } from "./plan.js";

/** Reads a project's files from `dir` (paths are project-relative with forward slashes). */
export function projectReader(dir: string): ProjectReader {
  const file = (path: string) => {
    const full = join(dir, ...path.split("/"));
    return existsSync(full) && statSync(full).isFile() ? full : undefined;
  };
  return {
    text: (path) => {
      const full = file(path);
      return full === undefined ? undefined : readFileSync(full, "utf8");
    },
    bytes: (path) => {
      const full = file(path);
      return full === undefined ? undefined : readFileSync(full);
    },
    files: (path) => {
      const full = join(dir, ...path.split("/"));
      if (!existsSync(full) || !statSync(full).isDirectory()) return [];
      return readdirSync(full, { withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => entry.name)
        .sort();
    },
  };
}

/** Writes the changes into `dir`: each file through a temporary file and a rename, so none is left half written. */
export function writeChanges(dir: string, changes: readonly FileChange[]): void {
  for (const { path, after } of changes) {
    const full = join(dir, ...path.split("/"));
    if (after === undefined) {
      rmSync(full, { force: true });
      continue;
    }
    mkdirSync(dirname(full), { recursive: true });
    const temporary = `${full}.agent-traces-${process.pid}.tmp`;
    writeFileSync(temporary, after);
    renameSync(temporary, full);
  }
}
