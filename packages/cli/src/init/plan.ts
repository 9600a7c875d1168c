import { BIGQUERY_SCHEMA, type InitAssets } from "./assets.js";
import { codebaseFiles } from "./codebaseFiles.js";
import { mergeFirebaseJson, VIEWER_PUBLIC } from "./firebaseJson.js";
import { chooseProject, FIREBASERC, mergeFirebaserc, type SiteFlags } from "./firebaserc.js";
import { mergeIndexes } from "./indexesMerge.js";
import { InitRefusal } from "./refusal.js";
import { rulesBlockFrom } from "./rulesBlock.js";
import { mergeRules } from "./rulesMerge.js";

export const FIREBASE_JSON = "firebase.json";

export interface InitFlags extends SiteFlags {
  /** The npm spec of @agent-traces/functions in the codebase's package.json (default ^<cli version>). */
  functionsPackage?: string;
}

/** The project's files as `init` reads them, by project-relative path with forward slashes. */
export interface ProjectReader {
  text(path: string): string | undefined;
  bytes(path: string): Uint8Array | undefined;
  /** The names of the files directly in `dir` ([] when there is no such folder). */
  files(dir: string): string[];
}

/** One file `init` would write: created (no before), changed, or deleted (no after). */
export interface FileChange {
  path: string;
  before: string | Uint8Array | undefined;
  after: string | Uint8Array | undefined;
}

export interface InitPlan {
  project: string;
  viewerSite: string;
  changes: FileChange[];
  /** What changed in the project's own entries, and why. */
  notes: string[];
  /** What the project should look at: its rules that open ours, rules deployed for the first time. */
  warnings: string[];
}

/**
 * Everything `init` would change in a project, computed from its files and our assets without writing
 * anything. Throws InitRefusal when a file cannot be merged safely.
 */
export function planInit(project: ProjectReader, assets: InitAssets, flags: InitFlags): InitPlan {
  const firebaseJson = project.text(FIREBASE_JSON);
  if (firebaseJson === undefined) throw new InitRefusal(FIREBASE_JSON, undefined, "not found: run agent-traces init in your Firebase project's folder (the one with firebase.json), or pass --dir <that folder>");
  const rc = project.text(FIREBASERC);
  const choice = chooseProject(rc, flags);
  const merged = mergeFirebaseJson(firebaseJson, { defaultSite: choice.defaultSite, viewerSite: choice.viewerSite }, FIREBASE_JSON);
  const notes = [...merged.notes];
  const warnings: string[] = [];

  const rulesBefore = project.text(merged.rules);
  const rules = mergeRules(rulesBefore, rulesBlockFrom(assets.rules), merged.rules);
  warnings.push(...rules.warnings);
  if (merged.rulesAdded) {
    warnings.push(
      `${FIREBASE_JSON} named no rules file before, so firebase deploy did not publish one: deploying firestore now replaces the rules in the Firebase console with ${merged.rules}. ` +
        `If you edit your rules in the console, copy them into ${merged.rules} first (inside match /databases/{database}/documents).`,
    );
  } else if (rulesBefore === undefined) {
    notes.push(`${merged.rules}: not found, so it is created with agent-traces' rules only (everything else is denied).`);
  }
  const indexesBefore = project.text(merged.indexes);
  const indexes = mergeIndexes(indexesBefore, assets.indexes, merged.indexes);

  const changes: FileChange[] = [];
  const change = (path: string, before: string | Uint8Array | undefined, after: string | Uint8Array | undefined) => {
    if (!sameContent(before, after)) changes.push({ path, before, after });
  };
  change(FIREBASE_JSON, firebaseJson, merged.text);
  change(FIREBASERC, rc, mergeFirebaserc(rc, choice.project, choice.viewerSite));
  change(merged.rules, rulesBefore, rules.text);
  change(merged.indexes, indexesBefore, indexes);
  for (const file of codebaseFiles(flags.functionsPackage ?? `^${assets.cliVersion}`)) {
    const before = project.text(file.path);
    if (file.onlyIfAbsent && before !== undefined) continue;
    change(file.path, before, file.content);
  }
  change(`agent-traces/${BIGQUERY_SCHEMA}`, project.text(`agent-traces/${BIGQUERY_SCHEMA}`), assets.bigquerySchema);
  // The viewer's folder is ours: its files are the built viewer's, and nothing else.
  for (const [name, content] of assets.viewer) change(`${VIEWER_PUBLIC}/${name}`, project.bytes(`${VIEWER_PUBLIC}/${name}`), content);
  for (const name of project.files(VIEWER_PUBLIC)) {
    if (!assets.viewer.has(name)) change(`${VIEWER_PUBLIC}/${name}`, project.bytes(`${VIEWER_PUBLIC}/${name}`), undefined);
  }
  return { project: choice.project, viewerSite: choice.viewerSite, changes, notes, warnings };
}

function sameContent(a: string | Uint8Array | undefined, b: string | Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const bytes = (value: string | Uint8Array) => (typeof value === "string" ? Buffer.from(value, "utf8") : Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  return bytes(a).equals(bytes(b));
}
