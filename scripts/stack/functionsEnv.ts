import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The demo project's param values for the functions: what the functions emulator gives them. */
export function functionsEnvFile(projectId: string): string {
  return `functions/.env.${projectId}`;
}

/** The KEY=VALUE lines of the project's functions env file. */
export function functionsEnv(projectId: string): Record<string, string> {
  const text = readFileSync(fileURLToPath(new URL(`../../${functionsEnvFile(projectId)}`, import.meta.url)), "utf8");
  const values: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (match) values[match[1]!] = match[2]!;
  }
  return values;
}
