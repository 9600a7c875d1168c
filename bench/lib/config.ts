/**
 * The functions' real configuration: the demo project's `functions/.env.<project>` values (what the
 * emulator gives the functions) read through `functions/src/config.ts`, the same code the functions run.
 */
import { functionsEnv as readFunctionsEnv, functionsEnvFile } from "../../scripts/stack/functionsEnv.js";
import { checkRecordTraceConfig, type RecordTraceConfig } from "../../functions/src/config.js";
import { PROJECT_ID } from "./stack.js";

export const FUNCTIONS_ENV_FILE = functionsEnvFile(PROJECT_ID);

/** The KEY=VALUE lines of the project's functions env file. */
export function functionsEnv(): Record<string, string> {
  return readFunctionsEnv(PROJECT_ID);
}

/** The recordTrace configuration the function sees on the emulator. */
export function recordTraceConfig(): RecordTraceConfig {
  for (const [key, value] of Object.entries(functionsEnv())) process.env[key] ??= value;
  const check = checkRecordTraceConfig();
  if (!check.ok) throw new Error(`the functions' params are invalid: ${check.problems.map((problem) => problem.problem).join("; ")}`);
  return check.config;
}
