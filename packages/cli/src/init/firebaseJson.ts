import { posix } from "node:path";
import type { JSONPath } from "jsonc-parser";
import { lineOf, readJsonc, setAt, valueAt, wrapInList, type JsoncDocument } from "./jsonc.js";
import { InitRefusal } from "./refusal.js";
import { isSiteId, SITE_ID_RULE } from "./siteId.js";

/** The functions codebase `init` adds: its own folder and name, beside the project's codebases. */
export const CODEBASE = "agent-traces";
export const CODEBASE_SOURCE = "agent-traces/functions";
/** The viewer: a Hosting entry of its own, deployed to the site the .firebaserc target names. */
export const VIEWER_TARGET = "agent-traces-viewer";
export const VIEWER_PUBLIC = "agent-traces/viewer";
/** Where `firebase init` puts the rules and indexes: used when firebase.json names none. */
export const DEFAULT_RULES_PATH = "firestore.rules";
export const DEFAULT_INDEXES_PATH = "firestore.indexes.json";
const DEFAULT_DATABASE = "(default)";

export const CODEBASE_ENTRY = {
  source: CODEBASE_SOURCE,
  codebase: CODEBASE,
  ignore: ["node_modules", ".git", "firebase-debug.log", "firebase-debug.*.log", "*.local"],
};

export const VIEWER_ENTRY = {
  target: VIEWER_TARGET,
  public: VIEWER_PUBLIC,
  rewrites: [{ source: "**", destination: "/index.html" }],
};

export interface FirebaseJsonOptions {
  /** The site the project's own single hosting entry deploys to today (the project id unless told). */
  defaultSite: string;
  /** The site the viewer deploys to: an entry of the project's may not claim it. */
  viewerSite: string;
}

export interface FirebaseJsonMerge {
  text: string;
  /** The (default) database's rules and indexes files, relative to the project folder. */
  rules: string;
  indexes: string;
  /** firebase.json named no rules file before: deploying firestore will replace the rules in the console. */
  rulesAdded: boolean;
  indexesAdded: boolean;
  /** What changed in the project's own entries, and why. */
  notes: string[];
}

/**
 * Adds the agent-traces codebase and the viewer's hosting entry to a firebase.json, and the rules and
 * indexes paths when it names none; every line of the project's stays as written, comments included,
 * ours added after them (see jsonc.ts: a `,` after a value, a single `functions` or `hosting` object
 * made a list's first item by `[` and `]` around its text). Refuses what it cannot merge safely.
 */
export function mergeFirebaseJson(text: string, options: FirebaseJsonOptions, file = "firebase.json"): FirebaseJsonMerge {
  const notes: string[] = [];
  let doc = readJsonc(text, file);
  doc = addCodebase(doc, notes);
  doc = addViewer(doc, options, notes);
  const firestore = firestoreFiles(doc, notes);
  return { ...firestore, text: firestore.doc.text, notes };
}

function addCodebase(doc: JsoncDocument, notes: string[]): JsoncDocument {
  const functions = valueAt(doc, ["functions"]);
  if (functions === undefined) return setAt(doc, ["functions"], [CODEBASE_ENTRY]);
  if (isObject(functions)) {
    if (hasCodebase(doc, [functions], ["functions"])) return doc;
    notes.push(`${doc.file}: "functions" becomes a list, your codebase its first entry (as written), ours the second: firebase-tools reads both forms alike.`);
    return setAt(wrapInList(doc, ["functions"]), ["functions", -1], CODEBASE_ENTRY);
  }
  if (Array.isArray(functions)) return hasCodebase(doc, functions, ["functions"], true) ? doc : setAt(doc, ["functions", -1], CODEBASE_ENTRY);
  throw new InitRefusal(doc.file, lineOf(doc, ["functions"]), `"functions" is neither an object nor a list; fix it, then run agent-traces init again`);
}

/** True when the codebase is there already; refuses a codebase named ours elsewhere, or our folder under another name. */
function hasCodebase(doc: JsoncDocument, entries: unknown[], path: JSONPath, list = false): boolean {
  let found = false;
  entries.forEach((entry, i) => {
    if (!isObject(entry)) return;
    const at = list ? [...path, i] : path;
    const codebase = typeof entry.codebase === "string" ? entry.codebase : "default";
    const source = typeof entry.source === "string" ? normalizePath(entry.source) : undefined;
    if (codebase === CODEBASE && source !== CODEBASE_SOURCE) {
      throw new InitRefusal(doc.file, lineOf(doc, at), `a functions codebase named "${CODEBASE}" already exists with source ${JSON.stringify(entry.source)}, not "${CODEBASE_SOURCE}"; rename that codebase (its "codebase" value), then run agent-traces init again`);
    }
    if (codebase !== CODEBASE && source === CODEBASE_SOURCE) {
      throw new InitRefusal(doc.file, lineOf(doc, at), `the functions codebase "${codebase}" uses "${CODEBASE_SOURCE}", the folder agent-traces init writes; move that codebase elsewhere, then run agent-traces init again`);
    }
    if (codebase === CODEBASE) found = true;
  });
  return found;
}

function addViewer(doc: JsoncDocument, options: FirebaseJsonOptions, notes: string[]): JsoncDocument {
  const hosting = valueAt(doc, ["hosting"]);
  if (hosting === undefined) return setAt(doc, ["hosting"], [VIEWER_ENTRY]);
  if (isObject(hosting)) {
    if (hasViewer(doc, [hosting], ["hosting"], options)) return doc;
    let next = doc;
    if (hosting.site === undefined && hosting.target === undefined) {
      if (!isSiteId(options.defaultSite)) {
        throw new InitRefusal(doc.file, lineOf(doc, ["hosting"]), `your hosting entry names no site, and "${options.defaultSite}" is not a Hosting site id (${SITE_ID_RULE}); pass --default-site <your site id>`);
      }
      next = setAt(next, ["hosting", "site"], options.defaultSite);
      notes.push(
        `${doc.file}: "hosting" becomes a list, your entry its first item (as written) and the viewer's the second. ` +
          `In a list every entry must name its site or target, so yours gets "site": "${options.defaultSite}", the project's default site, ` +
          `where it deploys today (--default-site names another). If you deploy this firebase.json to several projects, use a target instead ` +
          `(firebase target:apply hosting <name> <site>, then "target": "<name>").`,
      );
    } else {
      notes.push(`${doc.file}: "hosting" becomes a list, your entry its first item (as written) and the viewer's the second.`);
    }
    return setAt(wrapInList(next, ["hosting"]), ["hosting", -1], VIEWER_ENTRY);
  }
  if (Array.isArray(hosting)) return hasViewer(doc, hosting, ["hosting"], options, true) ? doc : setAt(doc, ["hosting", -1], VIEWER_ENTRY);
  throw new InitRefusal(doc.file, lineOf(doc, ["hosting"]), `"hosting" is neither an object nor a list; fix it, then run agent-traces init again`);
}

/** True when the viewer's entry is there already; refuses one serving another folder, or an entry of theirs on the viewer's site. */
function hasViewer(doc: JsoncDocument, entries: unknown[], path: JSONPath, options: FirebaseJsonOptions, list = false): boolean {
  let found = false;
  entries.forEach((entry, i) => {
    if (!isObject(entry)) return;
    const at = list ? [...path, i] : path;
    if (entry.target === VIEWER_TARGET) {
      const served = typeof entry.public === "string" ? normalizePath(entry.public) : undefined;
      if (served !== VIEWER_PUBLIC) {
        throw new InitRefusal(doc.file, lineOf(doc, at), `the hosting entry with target "${VIEWER_TARGET}" serves ${JSON.stringify(entry.public ?? entry.source)}, not "${VIEWER_PUBLIC}"; set its "public" to "${VIEWER_PUBLIC}" or remove the entry, then run agent-traces init again`);
      }
      found = true;
    } else if (entry.site === options.viewerSite) {
      throw new InitRefusal(doc.file, lineOf(doc, at), `your hosting entry deploys to the site "${options.viewerSite}", the one chosen for the viewer; pass --site <another site id>`);
    }
  });
  return found;
}

/** The (default) database's rules and indexes paths, adding the ones firebase.json lacks. */
function firestoreFiles(doc: JsoncDocument, notes: string[]): { doc: JsoncDocument; rules: string; indexes: string; rulesAdded: boolean; indexesAdded: boolean } {
  const firestore = valueAt(doc, ["firestore"]);
  if (firestore === undefined) {
    notes.push(`${doc.file}: adds "firestore" with "rules": "${DEFAULT_RULES_PATH}" and "indexes": "${DEFAULT_INDEXES_PATH}", so that firebase deploy publishes them.`);
    const next = setAt(doc, ["firestore"], { rules: DEFAULT_RULES_PATH, indexes: DEFAULT_INDEXES_PATH });
    return { doc: next, rules: DEFAULT_RULES_PATH, indexes: DEFAULT_INDEXES_PATH, rulesAdded: true, indexesAdded: true };
  }
  let path: JSONPath;
  if (Array.isArray(firestore)) {
    const index = firestore.findIndex((entry) => isObject(entry) && entry.database === DEFAULT_DATABASE);
    if (index < 0) {
      throw new InitRefusal(doc.file, lineOf(doc, ["firestore"]), `"firestore" lists named databases but not "${DEFAULT_DATABASE}", where agent-traces stores its traces; add an entry with "database": "${DEFAULT_DATABASE}" and its rules and indexes, then run agent-traces init again`);
    }
    path = ["firestore", index];
  } else if (isObject(firestore)) {
    if (firestore.database !== undefined && firestore.database !== DEFAULT_DATABASE) {
      throw new InitRefusal(doc.file, lineOf(doc, ["firestore"]), `"firestore" configures the database ${JSON.stringify(firestore.database)}, but agent-traces stores its traces in "${DEFAULT_DATABASE}"; make "firestore" a list with an entry for "${DEFAULT_DATABASE}", then run agent-traces init again`);
    }
    path = ["firestore"];
  } else {
    throw new InitRefusal(doc.file, lineOf(doc, ["firestore"]), `"firestore" is neither an object nor a list; fix it, then run agent-traces init again`);
  }
  let next = doc;
  const named: Record<"rules" | "indexes", string> = { rules: DEFAULT_RULES_PATH, indexes: DEFAULT_INDEXES_PATH };
  const added = { rules: false, indexes: false };
  for (const key of ["rules", "indexes"] as const) {
    const value = valueAt(next, [...path, key]);
    if (typeof value === "string" && value.trim() !== "") {
      named[key] = normalizePath(value);
    } else if (value === undefined) {
      next = setAt(next, [...path, key], named[key]);
      added[key] = true;
      notes.push(`${doc.file}: adds "${key}": "${named[key]}" to the (default) database's entry, so that firebase deploy publishes it.`);
    } else {
      throw new InitRefusal(doc.file, lineOf(doc, [...path, key]), `"${key}" is not a file name; fix it, then run agent-traces init again`);
    }
  }
  return { doc: next, ...named, rulesAdded: added.rules, indexesAdded: added.indexes };
}

/** A project-relative path as firebase.json may write it ("./x/", "x"), in one form. */
export function normalizePath(path: string): string {
  return posix.normalize(path.replace(/\\/g, "/")).replace(/^\.\//, "").replace(/\/+$/, "");
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
