/**
 * The functions' real configuration: the demo project's `functions/.env.<project>` values (what the
 * emulator gives the functions) read through `functions/src/config.ts`, the same code the functions run.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { readRecordTraceConfig, type RecordTraceConfig } from "../../functions/src/config.js";
import { PROJECT_ID } from "./stack.js";

export const FUNCTIONS_ENV_FILE = `functions/.env.${PROJECT_ID}`;

/** The KEY=VALUE lines of the project's functions env file. */
export function functionsEnv(): Record<string, string> {
  const text = readFileSync(fileURLToPath(new URL(`../../${FUNCTIONS_ENV_FILE}`, import.meta.url)), "utf8");
  const values: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (match) values[match[1]!] = match[2]!;
  }
  return values;
}

/** The recordTrace configuration the function sees on the emulator. */
export function recordTraceConfig(): RecordTraceConfig {
  for (const [key, value] of Object.entries(functionsEnv())) process.env[key] ??= value;
  return readRecordTraceConfig();
}
