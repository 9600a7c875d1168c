import { readRules } from "./rulesReader.js";

/** What agent-traces adds to a project's rules, taken from the repo's own firestore.rules (the one source). */
export interface RulesBlock {
  /** Its lines, each with its depth in indent levels below the documents match's body. */
  lines: { depth: number; text: string }[];
  /** The functions it declares (their names must be free in the project's documents match). */
  functions: string[];
  /** The collections its match blocks cover (a project's rule that also matches them opens them). */
  collections: string[];
  /** The database variable of the documents match it was written in. */
  databaseVariable: string;
}

const CATCH_ALL = /^\/\{[^}]*=\*\*\}$/;
const COLLECTION_MATCH = /^\/([^/{}]+)\/\{[^}=]+\}$/;

/**
 * The function(s) and match blocks inside `match /databases/{database}/documents` of our rules file,
 * all but the catch-all `match /{document=**}`: in a project's file that catch-all is theirs to write.
 */
export function rulesBlockFrom(rulesText: string, file = "agent-traces firestore.rules"): RulesBlock {
  const rules = readRules(rulesText, file);
  const documents = rules.documents;
  if (!documents || rules.databaseVariable === undefined) throw new Error(`${file}: no match /databases/{database}/documents`);
  const children = rules.matches.filter((match) => match.parent === documents);
  const catchAll = children.find((match) => CATCH_ALL.test(match.path));

  const lineStart = (offset: number) => rulesText.lastIndexOf("\n", offset - 1) + 1;
  const lineEnd = (offset: number) => {
    const end = rulesText.indexOf("\n", offset);
    return end < 0 ? rulesText.length : end + 1;
  };
  let body = rulesText.slice(lineEnd(documents.open), lineStart(documents.close));
  if (catchAll) {
    const from = lineStart(catchAll.start) - lineEnd(documents.open);
    const to = lineEnd(catchAll.close) - lineEnd(documents.open);
    body = body.slice(0, from) + body.slice(to);
  }

  const raw = body.split(/\r?\n/).map((line) => line.trimEnd());
  const kept: string[] = [];
  for (const line of raw) {
    if (line === "" && (kept.length === 0 || kept.at(-1) === "")) continue;
    kept.push(line);
  }
  while (kept.at(-1) === "") kept.pop();

  const widths = kept.filter((line) => line !== "").map((line) => leadingWidth(line));
  const base = Math.min(...widths);
  const unit = Math.min(...widths.map((width) => width - base).filter((step) => step > 0), Infinity);
  const step = Number.isFinite(unit) ? unit : 2;
  const lines = kept.map((line) => {
    if (line === "") return { depth: 0, text: "" };
    const extra = leadingWidth(line) - base;
    return { depth: Math.floor(extra / step), text: " ".repeat(extra % step) + line.trimStart() };
  });

  const collections = children.filter((match) => match !== catchAll).flatMap((match) => COLLECTION_MATCH.exec(match.path)?.[1] ?? []);
  return { lines, functions: documents.functions.map((declaration) => declaration.name), collections, databaseVariable: rules.databaseVariable };
}

/** Leading whitespace width, a tab counting as 2 (our file uses spaces). */
function leadingWidth(line: string): number {
  let width = 0;
  for (const char of line) {
    if (char === " ") width++;
    else if (char === "\t") width += 2;
    else break;
  }
  return width;
}
