import { eolOf, InitRefusal } from "./refusal.js";
import type { RulesBlock } from "./rulesBlock.js";
import { BEGIN_MARKER, END_MARKER, pathMatches, readRules, type MatchBlock, type RulesFile } from "./rulesReader.js";

export interface RulesMerge {
  text: string;
  /** Rules of the project's that open our collections too (Firestore grants what any matching rule allows). */
  warnings: string[];
}

/** The rules file `init` starts from when the project has none: everything not allowed is denied. */
export const NEW_RULES_FILE = `rules_version = '2';

service cloud.firestore {
  match /databases/{database}/documents {
  }
}
`;

/**
 * Puts our block, between the begin and end marker lines, at the end of the project's
 * `match /databases/{x}/documents`, indented like the file; a block from an earlier run (the marker
 * lines) is replaced. Everything else stays as written. Refuses rules it cannot read.
 */
export function mergeRules(userText: string | undefined, block: RulesBlock, file: string): RulesMerge {
  const text = userText ?? NEW_RULES_FILE;
  const rules = readRules(text, file);
  if (rules.version !== "2") {
    const found = rules.version === undefined ? "has no rules_version (version 1)" : `has rules_version = '${rules.version}'`;
    throw new InitRefusal(file, rules.versionLine, `${found}; agent-traces' rules are version 2: make the first line rules_version = '2'; (in version 2 a {name=**} wildcard also matches zero segments: check yours), then run agent-traces init again`);
  }
  const documents = rules.documents;
  if (!documents) {
    throw new InitRefusal(file, undefined, "has no match /databases/{database}/documents { … } directly inside service cloud.firestore; add it around your match blocks, then run agent-traces init again");
  }
  const ours = ourRegion(text, rules, documents, file);
  const outside = (offset: number) => !ours || offset < ours.start || offset >= ours.end;

  for (const declaration of documents.functions) {
    if (outside(declaration.start) && block.functions.includes(declaration.name)) {
      throw new InitRefusal(file, declaration.line, `declares a function ${declaration.name}(), a name agent-traces' rules use in the same match; rename yours, then run agent-traces init again`);
    }
  }

  const eol = eolOf(text);
  const { bodyIndent, unit } = indentation(text, documents, outside);
  const rename = (line: string) => (block.databaseVariable === rules.databaseVariable ? line : line.replace(new RegExp(`(?<![\\w.])${block.databaseVariable}(?!\\w)`, "g"), rules.databaseVariable!));
  const blockLines = [BEGIN_MARKER, ...block.lines.map((line) => (line.text === "" ? "" : unit.repeat(line.depth) + rename(line.text))), END_MARKER];
  const blockText = blockLines.map((line) => (line === "" ? "" : bodyIndent + line)).join(eol) + eol;

  let merged: string;
  if (ours) {
    merged = text.slice(0, ours.start) + blockText + text.slice(ours.end);
  } else {
    const closeLine = lineStart(text, documents.close);
    if (text.slice(closeLine, documents.close).trim() === "") {
      const before = text.slice(lineStart(text, Math.max(closeLine - 1, 0)), closeLine).trim();
      const gap = before !== "" && !before.endsWith("{") ? eol : "";
      merged = text.slice(0, closeLine) + gap + blockText + text.slice(closeLine);
    } else {
      const end = text.slice(0, documents.close).trimEnd().length;
      merged = text.slice(0, end) + eol + blockText + lineIndent(text, documents.start) + text.slice(documents.close);
    }
  }

  const check = readRules(merged, file);
  if (!check.documents || check.markers.length !== 2) throw new Error(`${file}: the merged rules do not read back`);
  return { text: merged, warnings: openingRules(rules, block, file, outside) };
}

/** The lines of an earlier run's block (begin marker line to end marker line), checked to be whole. */
function ourRegion(text: string, rules: RulesFile, documents: MatchBlock, file: string): { start: number; end: number } | undefined {
  const { markers } = rules;
  if (markers.length === 0) return undefined;
  const broken = (line: number, why: string): never => {
    throw new InitRefusal(file, line, `${why}; delete the agent-traces lines (from "// agent-traces: begin" to "// agent-traces: end"), then run agent-traces init again`);
  };
  const [begin, end] = markers;
  if (markers.length !== 2 || begin!.kind !== "begin" || end!.kind !== "end") broken(markers[0]!.line, "the agent-traces marker lines are not one begin followed by one end");
  for (const marker of [begin!, end!]) {
    if (marker.start < documents.open || marker.start > documents.close) broken(marker.line, "an agent-traces marker line is outside match /databases/{database}/documents");
    if (rules.matches.some((match) => match !== documents && match.open < marker.start && marker.start < match.close)) broken(marker.line, "an agent-traces marker line is inside another match block");
    if (text.slice(lineStart(text, marker.start), marker.start).trim() !== "") broken(marker.line, "an agent-traces marker line has other text before it");
  }
  const after = text.indexOf("\n", end!.end);
  return { start: lineStart(text, begin!.start), end: after < 0 ? text.length : after + 1 };
}

/** How deep the documents match's body is indented, and one indent level, as the file writes them. */
function indentation(text: string, documents: MatchBlock, outside: (offset: number) => boolean): { bodyIndent: string; unit: string } {
  const matchIndent = lineIndent(text, documents.start);
  let at = text.indexOf("\n", documents.open) + 1;
  while (at > 0 && at < documents.close) {
    const newline = text.indexOf("\n", at);
    const line = text.slice(at, newline < 0 ? text.length : newline).replace(/\r$/, "");
    if (line.trim() !== "" && outside(at)) {
      const indent = /^[ \t]*/.exec(line)![0];
      if (indent.length > matchIndent.length && indent.startsWith(matchIndent)) return { bodyIndent: indent, unit: indent.slice(matchIndent.length) };
      break;
    }
    if (newline < 0) break;
    at = newline + 1;
  }
  const unit = fileIndentUnit(text);
  return { bodyIndent: matchIndent + unit, unit };
}

/** The smallest indentation any line of the file uses (a tab if lines start with tabs), else two spaces. */
function fileIndentUnit(text: string): string {
  let smallest: string | undefined;
  for (const [, indent] of text.matchAll(/^([ \t]+)\S/gm)) {
    if (indent!.startsWith("\t")) return "\t";
    if (smallest === undefined || indent!.length < smallest.length) smallest = indent;
  }
  return smallest ?? "  ";
}

/**
 * The project's rules that also match a document of our collections and allow something unless the
 * condition is literally false: Firestore grants a request when any matching rule allows it.
 */
function openingRules(rules: RulesFile, block: RulesBlock, file: string, outside: (offset: number) => boolean): string[] {
  const warnings: string[] = [];
  for (const match of rules.matches) {
    if (!outside(match.start)) continue;
    const opened = block.collections.filter((collection) => pathMatches(match.fullPath, ["databases", "(default)", "documents", collection, "some-id"]));
    const allow = match.allows.find((rule) => rule.condition !== "false");
    if (opened.length === 0 || !allow) continue;
    const grants = allow.condition === "" ? "unconditionally" : `if ${allow.condition}`;
    warnings.push(
      `${file}:${allow.line}: \`match ${match.path}\` allows ${allow.methods.join(", ")} ${grants}. Firestore grants a request when any matching rule allows it, ` +
        `so this rule also opens ${opened.join(", ")} to clients, whatever agent-traces' rules say. Limit it to your own collections (e.g. match /yourCollection/{document=**}).`,
    );
  }
  return warnings;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf("\n", offset - 1) + 1;
}

function lineIndent(text: string, offset: number): string {
  return /^[ \t]*/.exec(text.slice(lineStart(text, offset)))![0];
}
