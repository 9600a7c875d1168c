import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The demo project's param values for the functions: what the functions emulator gives them. */
export function functionsEnvFile(projectId: string): string {
  return `functions/.env.${projectId}`;
}

/** The KEY=VALUE lines of the project's functions env file, values unquoted as firebase-tools reads them. */
export function functionsEnv(projectId: string): Record<string, string> {
  const text = readFileSync(fileURLToPath(new URL(`../../${functionsEnvFile(projectId)}`, import.meta.url)), "utf8");
  const values: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (match) values[match[1]!] = unquoted(match[2]!);
  }
  return values;
}

/** `'text'` as written, `"text"` with its escapes (\n, \t, \", \\ …) read, anything else as it is. */
function unquoted(value: string): string {
  if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) return value.slice(1, -1);
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    const escapes: Record<string, string> = { n: "\n", r: "\r", t: "\t", v: "\v" };
    return value.slice(1, -1).replace(/\\(.)/g, (_escape, character: string) => escapes[character] ?? character);
  }
  return value;
}
