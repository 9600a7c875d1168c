import { execFile } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repo's root folder. */
export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** A finished CLI process: its exit code and output. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The CLI as a child process, from source (what `npm run traces` runs; node --import tsx rather
 * than npx, so that npm's own warnings cannot reach stderr). Times in UTC, no colours; a variable
 * set to `undefined` is left out.
 */
export function cli(args: string[], env: Record<string, string | undefined> = {}, timeoutMs = 45_000): Promise<Run> {
  const merged = Object.fromEntries(Object.entries({ ...process.env, TZ: "UTC", NO_COLOR: "1", ...env }).filter(([, value]) => value !== undefined));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "--conditions=source", "packages/cli/src/main.ts", ...args],
      { cwd: root, env: merged, timeout: timeoutMs },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}
