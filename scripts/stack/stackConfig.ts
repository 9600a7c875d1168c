import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { hostingEntries, hostingTargets, type FirebaseConfig } from "./firebaseConfig.js";

/** The config the benchmark's stack runs with: this repo's firebase.json plus the no-op codebase (bench/noopCallable). */
export const BENCH_CONFIG = "firebase.bench.json";
/** The config the launcher writes beside another project's firebase.json when that one is not enough on its own. */
export const STACK_CONFIG = "firebase.agent-traces-stack.json";

export interface StackConfig {
  /** What firebase-tools runs with. */
  config: FirebaseConfig;
  /** The temporary file (beside the project's firebase.json, so every path in it means the same) to write `config` to
   *  and pass as `--config`; undefined when the project's own firebase.json is used as it is. Removed when the stack stops. */
  path?: string;
}

/**
 * The config firebase-tools runs the project with: its own firebase.json, never edited, completed in a
 * temporary copy only where it lacks something the stack needs:
 *   - every entry of `defaults` (this repo's pinned `emulators` block) the project's `emulators` lacks;
 *   - a Hosting `target` that .firebaserc maps to no site for `projectId` becomes a `site` of that name
 *     (firebase-tools refuses to start a target it can't resolve; the emulator needs no real site);
 *   - `extraCodebases` appended to `functions` (the benchmark's no-op codebase).
 */
export function stackConfig(
  projectDir: string,
  projectId: string,
  own: FirebaseConfig,
  defaults: Record<string, unknown>,
  options: { extraCodebases?: object[]; fileName?: string } = {},
): StackConfig {
  const config: FirebaseConfig = structuredClone(own);
  const missing = Object.entries(defaults).filter(([name]) => own.emulators?.[name] === undefined);
  if (missing.length > 0) config.emulators = { ...own.emulators, ...Object.fromEntries(missing) };

  const targets = hostingTargets(projectDir, projectId);
  const hosting = hostingEntries(own).map((entry) => {
    if (entry.site || !entry.target || targets[entry.target]?.length) return entry;
    // An entry names a site or a target, never both.
    const { target, ...rest } = entry;
    return { ...rest, site: target };
  });
  if (hosting.length > 0) config.hosting = Array.isArray(own.hosting) ? hosting : hosting[0];

  if (options.extraCodebases?.length) {
    const functions = Array.isArray(own.functions) ? own.functions : own.functions ? [own.functions] : [];
    config.functions = [...functions, ...options.extraCodebases];
  }

  const changed = JSON.stringify(config) !== JSON.stringify(own);
  return { config, path: changed ? join(projectDir, options.fileName ?? STACK_CONFIG) : undefined };
}

/** Writes the temporary config, if there is one, and returns the `--config` arguments for firebase-tools. */
export function writeStackConfig({ config, path }: StackConfig): string[] {
  if (!path) return [];
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`);
  return ["--config", path];
}
