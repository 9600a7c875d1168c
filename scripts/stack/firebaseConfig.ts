import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";

/** One Hosting site of firebase.json (`hosting` is one of these or a list of them). */
export interface HostingEntry {
  site?: string;
  target?: string;
  [key: string]: unknown;
}

/** One Firestore database of firebase.json (`firestore` is one of these or a list of them). */
interface FirestoreEntry {
  database?: string;
  rules?: string;
}

/** The parts of firebase.json the launcher reads; everything else is passed on to firebase-tools untouched. */
export interface FirebaseConfig {
  functions?: object | object[];
  hosting?: HostingEntry | HostingEntry[];
  firestore?: FirestoreEntry | FirestoreEntry[];
  emulators?: Record<string, unknown>;
  [key: string]: unknown;
}

/** firebase-tools' own reader of firebase.json and .firebaserc (comments allowed); it ships no types. */
const { loadCJSON } = createRequire(import.meta.url)("firebase-tools/lib/loadCJSON.js") as { loadCJSON(path: string): unknown };

/** The project's firebase.json, read exactly as firebase-tools reads it. */
export function loadFirebaseConfig(projectDir: string): FirebaseConfig {
  const path = join(projectDir, "firebase.json");
  if (!existsSync(path)) throw new Error(`No firebase.json in ${projectDir}: --project-dir must be a Firebase project folder.`);
  const config = loadCJSON(path);
  if (typeof config !== "object" || config === null || Array.isArray(config)) throw new Error(`${path} is not a JSON object.`);
  return config as FirebaseConfig;
}

/** The absolute path of the (default) database's rules file, or undefined when firebase.json names none. */
export function firestoreRulesPath(config: FirebaseConfig, projectDir: string): string | undefined {
  const entries = asList(config.firestore);
  // The list form names each database; a single object is the (default) one.
  const entry = Array.isArray(config.firestore) ? entries.find((candidate) => (candidate.database ?? "(default)") === "(default)") : entries[0];
  if (!entry?.rules) return undefined;
  const path = resolve(projectDir, entry.rules);
  if (!existsSync(path)) throw new Error(`firebase.json names the Firestore rules file ${entry.rules}, but ${path} does not exist.`);
  return path;
}

/** The Hosting sites of firebase.json, in the order firebase-tools serves them (none when it has no `hosting`). */
export function hostingEntries(config: FirebaseConfig): HostingEntry[] {
  return asList(config.hosting);
}

/** Whether firebase.json declares any functions codebase. */
export function hasFunctions(config: FirebaseConfig): boolean {
  return asList(config.functions).length > 0;
}

/** The Hosting targets .firebaserc maps to sites for `projectId` (empty when there is no .firebaserc). */
export function hostingTargets(projectDir: string, projectId: string): Record<string, string[]> {
  const path = join(projectDir, ".firebaserc");
  if (!existsSync(path)) return {};
  const rc = loadCJSON(path) as { targets?: Record<string, { hosting?: Record<string, string[]> }> };
  return rc.targets?.[projectId]?.hosting ?? {};
}

function asList<T>(value: T | T[] | undefined): T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}
