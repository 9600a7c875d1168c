import { InitRefusal, lineAt } from "./refusal.js";

/**
 * A reader for Firestore security rules at the level `init` needs: strings, comments and braces, the
 * `service cloud.firestore` block, its `match` blocks with their full paths, `allow` statements and
 * `function` declarations. It does not check expressions; the Firestore emulator does that.
 */

export type TokenKind = "word" | "path" | "string" | "comment" | "punct" | "other";

export interface Token {
  kind: TokenKind;
  text: string;
  start: number;
  end: number;
  line: number;
}

/** A `match` block: its path as written, the path from the service's root, and what it holds. */
export interface MatchBlock {
  path: string;
  fullPath: string;
  /** The `match` keyword, and the block's braces. */
  start: number;
  open: number;
  close: number;
  line: number;
  parent: MatchBlock | undefined;
  allows: AllowRule[];
  functions: FunctionDeclaration[];
}

export interface FunctionDeclaration {
  name: string;
  start: number;
  line: number;
}

export interface AllowRule {
  methods: string[];
  /** The condition's text; "" when the rule has none (it always allows). */
  condition: string;
  line: number;
}

export interface Marker {
  kind: "begin" | "end";
  start: number;
  end: number;
  line: number;
}

export interface RulesFile {
  /** The value of `rules_version`, undefined when the file has none (version 1). */
  version: string | undefined;
  versionLine: number | undefined;
  /** Every match block inside `service cloud.firestore`, outermost first. */
  matches: MatchBlock[];
  /** The `match /databases/{x}/documents` block directly inside the service, and its variable's name. */
  documents: MatchBlock | undefined;
  databaseVariable: string | undefined;
  markers: Marker[];
}

export const BEGIN_MARKER = "// agent-traces: begin (added by agent-traces init; it replaces this block when run again)";
export const END_MARKER = "// agent-traces: end";
/** A comment that is one of our markers: the marker's words, then nothing that continues a word ("// agent-traces: endpoint" is not one). */
const MARKER_COMMENT = /^\/\/ agent-traces: (begin|end)(?![\w-])/;
const DOCUMENTS_PATH = /^\/databases\/\{([A-Za-z_][A-Za-z0-9_]*)\}\/documents$/;

/** Splits rules text into tokens; an unterminated string or comment is a refusal. */
export function tokenize(text: string, file: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  const push = (kind: TokenKind, start: number, end: number, startLine: number) => tokens.push({ kind, text: text.slice(start, end), start, end, line: startLine });
  const lastSignificant = () => {
    for (let k = tokens.length - 1; k >= 0; k--) if (tokens[k]!.kind !== "comment") return tokens[k];
    return undefined;
  };
  while (i < text.length) {
    const char = text[i]!;
    const start = i;
    const startLine = line;
    if (char === "\n") {
      line++;
      i++;
    } else if (/\s/.test(char)) {
      i++;
    } else if (text.startsWith("//", i)) {
      while (i < text.length && text[i] !== "\n" && text[i] !== "\r") i++;
      push("comment", start, i, startLine);
    } else if (text.startsWith("/*", i)) {
      const close = text.indexOf("*/", i + 2);
      if (close < 0) throw new InitRefusal(file, startLine, "a /* comment is never closed; fix it, then run agent-traces init again");
      i = close + 2;
      line += countNewlines(text, start, i);
      push("comment", start, i, startLine);
    } else if (char === "'" || char === '"') {
      i++;
      while (i < text.length && text[i] !== char) {
        if (text[i] === "\n") throw new InitRefusal(file, startLine, "a string is never closed; fix it, then run agent-traces init again");
        i += text[i] === "\\" ? 2 : 1;
      }
      if (i >= text.length) throw new InitRefusal(file, startLine, "a string is never closed; fix it, then run agent-traces init again");
      i++;
      push("string", start, i, startLine);
    } else if (char === "/" && lastSignificant()?.text === "match") {
      i = readPath(text, i);
      push("path", start, i, startLine);
    } else if (/[A-Za-z_]/.test(char)) {
      while (i < text.length && /[A-Za-z0-9_.]/.test(text[i]!)) i++;
      push("word", start, i, startLine);
    } else if ("{}()[];,:=".includes(char)) {
      i++;
      push("punct", start, i, startLine);
    } else {
      i++;
      push("other", start, i, startLine);
    }
  }
  return tokens;
}

/** The end of a match path starting at `i`: up to whitespace or the block's `{`, taking `{var}` and `{var=**}` segments whole. */
function readPath(text: string, i: number): number {
  while (i < text.length && !/\s/.test(text[i]!)) {
    if (text[i] === "{") {
      if (text[i - 1] !== "/") return i;
      const close = text.indexOf("}", i);
      if (close < 0) return text.length;
      i = close + 1;
    } else {
      i++;
    }
  }
  return i;
}

function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === 10) count++;
  return count;
}

type Frame = { kind: "service" | "match" | "function" | "other"; open: number; match?: MatchBlock };

/**
 * Reads the structure of a rules file. Refuses unbalanced braces and a file without
 * `service cloud.firestore`; the documents match may be missing (the caller decides).
 */
export function readRules(text: string, file: string): RulesFile {
  const tokens = tokenize(text, file);
  const code = tokens.filter((token) => token.kind !== "comment");
  const result: RulesFile = { version: undefined, versionLine: undefined, matches: [], documents: undefined, databaseVariable: undefined, markers: [] };
  const stack: Frame[] = [];
  let sawService = false;
  let pending: Omit<Frame, "open"> | undefined;

  for (let k = 0; k < code.length; k++) {
    const token = code[k]!;
    const next = code[k + 1];
    const top = stack.at(-1);
    if (token.kind === "word" && token.text === "rules_version" && stack.length === 0 && next?.text === "=" && code[k + 2]?.kind === "string") {
      result.version = code[k + 2]!.text.slice(1, -1);
      result.versionLine = token.line;
      k += 2;
    } else if (token.kind === "word" && token.text === "service" && stack.length === 0 && next?.kind === "word") {
      if (next.text === "cloud.firestore") {
        if (sawService) throw new InitRefusal(file, token.line, "has two `service cloud.firestore` blocks; keep one, then run agent-traces init again");
        sawService = true;
        pending = { kind: "service" };
      } else {
        pending = { kind: "other" };
      }
      k += 1;
    } else if (token.kind === "word" && token.text === "match" && next?.kind === "path" && (top?.kind === "service" || top?.kind === "match")) {
      const parent = top.kind === "match" ? top.match : undefined;
      const match: MatchBlock = { path: next.text, fullPath: (parent?.fullPath ?? "") + next.text, start: token.start, open: -1, close: -1, line: token.line, parent, allows: [], functions: [] };
      pending = { kind: "match", match };
      k += 1;
    } else if (token.kind === "word" && token.text === "function" && next?.kind === "word" && (top?.kind === "service" || top?.kind === "match")) {
      const declaration = { name: next.text, start: token.start, line: token.line };
      if (top.kind === "match") top.match!.functions.push(declaration);
      pending = { kind: "function" };
      k += 1;
    } else if (token.kind === "word" && token.text === "allow" && top?.kind === "match") {
      k = readAllow(code, k, text, top.match!) - 1;
    } else if (token.text === "{" && token.kind === "punct") {
      const frame: Frame = { ...(pending ?? { kind: "other" }), open: token.start };
      pending = undefined;
      if (frame.match) {
        frame.match.open = token.start;
        result.matches.push(frame.match);
      }
      stack.push(frame);
    } else if (token.text === "}" && token.kind === "punct") {
      const frame = stack.pop();
      if (!frame) throw new InitRefusal(file, token.line, "a } closes nothing (unbalanced braces); fix it, then run agent-traces init again");
      if (frame.match) frame.match.close = token.start;
    }
  }
  const open = stack.at(-1);
  if (open) throw new InitRefusal(file, lineAt(text, open.open), "this { is never closed (unbalanced braces); fix it, then run agent-traces init again");
  if (!sawService) throw new InitRefusal(file, undefined, "has no `service cloud.firestore { … }` block; fix the file, then run agent-traces init again");

  for (const match of result.matches) {
    const variable = match.parent === undefined ? DOCUMENTS_PATH.exec(match.path)?.[1] : undefined;
    if (variable !== undefined && result.documents === undefined) {
      result.documents = match;
      result.databaseVariable = variable;
    }
  }
  for (const token of tokens) {
    if (token.kind !== "comment") continue;
    const kind = MARKER_COMMENT.exec(token.text)?.[1] as "begin" | "end" | undefined;
    if (kind) result.markers.push({ kind, start: token.start, end: token.end, line: token.line });
  }
  return result;
}

/** Reads `allow <methods>[: if <condition>];` from code[k]; returns the index after it. */
function readAllow(code: Token[], k: number, text: string, match: MatchBlock): number {
  const allow = code[k]!;
  const methods: string[] = [];
  let i = k + 1;
  while (code[i]?.kind === "word" || code[i]?.text === ",") {
    if (code[i]!.kind === "word") methods.push(code[i]!.text);
    i++;
  }
  let condition = "";
  if (code[i]?.text === ":") {
    i++;
    if (code[i]?.text === "if") i++;
    const first = code[i];
    let depth = 0;
    let last: Token | undefined;
    // The condition runs to `;`, or to the `}` closing the match, or to the next statement.
    while (i < code.length) {
      const token = code[i]!;
      if (depth === 0 && (token.text === ";" || token.text === "}" || (token.kind === "word" && ["allow", "match", "function"].includes(token.text)))) break;
      if ("([{".includes(token.text) && token.kind === "punct") depth++;
      if (")]}".includes(token.text) && token.kind === "punct") depth--;
      last = token;
      i++;
    }
    if (first && last && last.end > first.start) condition = text.slice(first.start, last.end);
  }
  if (code[i]?.text === ";") i++;
  match.allows.push({ methods, condition: condition.replace(/\s+/g, " ").trim(), line: allow.line });
  return i;
}

/** Whether a match path (from the service's root) matches the document path `segments`. */
export function pathMatches(fullPath: string, segments: readonly string[]): boolean {
  const pattern = fullPath.split("/").filter((part) => part !== "");
  const walk = (p: number, s: number): boolean => {
    if (p === pattern.length) return s === segments.length;
    const part = pattern[p]!;
    if (/^\{[^}]*=\*\*\}$/.test(part)) {
      for (let rest = s; rest <= segments.length; rest++) if (walk(p + 1, rest)) return true;
      return false;
    }
    if (s === segments.length) return false;
    if (/^\{[^}]*\}$/.test(part)) return walk(p + 1, s + 1);
    return part === segments[s] && walk(p + 1, s + 1);
  };
  return walk(0, 0);
}
