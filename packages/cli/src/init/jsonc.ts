import { findNodeAtLocation, getNodeValue, parseTree, printParseErrorCode, type FormattingOptions, type JSONPath, type Node, type ParseError } from "jsonc-parser";
import { eolOf, InitRefusal, lineAt } from "./refusal.js";

/**
 * A JSON file as firebase-tools reads it (comments allowed, trailing commas not: it strips comments
 * and runs JSON.parse), edited in place: every line the user wrote stays as written, comments
 * included, but for the `,` that goes right after the value an addition follows (before that value's
 * same-line comment, which stays on its line). Our additions go on lines of their own, indented like
 * their siblings; into a container that closes on the line its last value ends on, they follow that
 * value on the same line (`}, {`), and into an empty `[]` or `{}` they go expanded inside it.
 */
export interface JsoncDocument {
  readonly file: string;
  readonly text: string;
  readonly root: Node;
  readonly formatting: FormattingOptions;
}

/** Parses `text`; a syntax error or a top level that is not an object is a refusal naming the line. */
export function readJsonc(text: string, file: string, formatting: FormattingOptions = formattingOf(text)): JsoncDocument {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: false, allowEmptyContent: false });
  const error = errors[0];
  if (error) throw new InitRefusal(file, lineAt(text, error.offset), `not valid JSON (${printParseErrorCode(error.error)}); fix it, then run agent-traces init again`);
  if (root?.type !== "object") throw new InitRefusal(file, undefined, "the file is not a JSON object; fix it, then run agent-traces init again");
  return { file, text, root, formatting };
}

/** The node at `path`, if any. */
export function nodeAt(doc: JsoncDocument, path: JSONPath): Node | undefined {
  return findNodeAtLocation(doc.root, path);
}

/** The plain value at `path`, if any. */
export function valueAt(doc: JsoncDocument, path: JSONPath): unknown {
  const node = nodeAt(doc, path);
  return node === undefined ? undefined : (getNodeValue(node) as unknown);
}

/** The line of the node at `path` (of the document when there is none). */
export function lineOf(doc: JsoncDocument, path: JSONPath): number | undefined {
  const node = nodeAt(doc, path);
  return node === undefined ? undefined : lineAt(doc.text, node.offset);
}

/**
 * Sets `path` to `value`, creating the objects on the way; a path ending in -1 appends to a list.
 * Adds text only (a `,` after the previous value, then ours), but for a value already at `path`,
 * whose own text is replaced. A value on the way that is not an object (or list) is a refusal.
 */
export function setAt(doc: JsoncDocument, path: JSONPath, value: unknown): JsoncDocument {
  const existing = path.at(-1) === -1 ? undefined : nodeAt(doc, path);
  if (existing) {
    const text = splice(doc.text, existing.offset, existing.offset + existing.length, stringify(value, doc.formatting, indentOfLine(doc.text, existing.offset)));
    return readJsonc(text, doc.file, doc.formatting);
  }
  let depth = path.length - 1;
  let parent = nodeAt(doc, path.slice(0, depth));
  while (!parent) parent = nodeAt(doc, path.slice(0, --depth));
  const key = path[depth];
  const nested = nest(path.slice(depth + 1), value);
  if (parent.type === "array" && key === -1) return readJsonc(insertInto(doc, parent, nested), doc.file, doc.formatting);
  if (parent.type === "object" && typeof key === "string") return readJsonc(insertInto(doc, parent, nested, key), doc.file, doc.formatting);
  const where = depth === 0 ? "the file" : `"${path.slice(0, depth).join(".")}"`;
  throw new InitRefusal(doc.file, lineAt(doc.text, parent.offset), `${where} is not ${key === -1 ? "a list" : "an object"}; fix it, then run agent-traces init again`);
}

/**
 * Replaces the value at `path` (an object) by a list holding it, its text kept as written: `[` goes
 * right before it and `]` right after it (after its same-line comment, on a line of its own, when it
 * has one: the comment stays on the value's line).
 */
export function wrapInList(doc: JsoncDocument, path: JSONPath): JsoncDocument {
  const node = nodeAt(doc, path);
  if (!node) throw new Error(`no value at ${path.join(".")}`);
  const { text, formatting } = doc;
  const end = node.offset + node.length;
  const rest = restOfLine(text, end);
  const close = rest.lineBreak !== undefined && rest.comment ? { at: rest.lineBreak, text: `${formatting.eol ?? "\n"}${indentOfLine(text, node.offset)}]` } : { at: end, text: "]" };
  const wrapped = splice(splice(text, close.at, close.at, close.text), node.offset, node.offset, "[");
  return readJsonc(wrapped, doc.file, formatting);
}

/** A new file's text: 2-space JSON and a final newline. */
export function jsonFileText(value: unknown, eol: string = "\n"): string {
  return `${JSON.stringify(value, null, 2).replace(/\n/g, eol)}${eol}`;
}

/** How a file indents and ends lines, so that our edits look like the rest of it. */
export function formattingOf(text: string): FormattingOptions {
  const indented = /^([ \t]+)\S/m.exec(text)?.[1];
  const eol = eolOf(text);
  if (indented?.startsWith("\t")) return { insertSpaces: false, tabSize: 1, eol };
  return { insertSpaces: true, tabSize: indented ? Math.min(indented.length, 8) : 2, eol };
}

/** The text with `value` (as property `key` of an object) added as the last item of `container`. */
function insertInto(doc: JsoncDocument, container: Node, value: unknown, key?: string): string {
  const { text, formatting } = doc;
  const eol = formatting.eol ?? "\n";
  const item = (indent: string) => `${key === undefined ? "" : `${JSON.stringify(key)}: `}${stringify(value, formatting, indent)}`;
  const parentIndent = indentOfLine(text, container.offset);
  const last = container.children?.at(-1);
  const end = last ? last.offset + last.length : container.offset + 1;
  const { lineBreak } = restOfLine(text, end);
  if (!last) {
    // Empty: ours expanded inside it, after what its opening line holds.
    const indent = parentIndent + indentUnit(formatting);
    if (lineBreak !== undefined) return splice(text, lineBreak, lineBreak, `${eol}${indent}${item(indent)}`);
    const close = container.offset + container.length - 1;
    return splice(text, trimmedBack(text, close), close, `${eol}${indent}${item(indent)}${eol}${parentIndent}`);
  }
  // Closing on the line its last value ends on: ours follows that value on the same line.
  if (lineBreak === undefined) return splice(text, end, end, `, ${item(indentOfLine(text, end))}`);
  const indent = siblingIndent(text, last, end) ?? parentIndent + indentUnit(formatting);
  return splice(splice(text, lineBreak, lineBreak, `${eol}${indent}${item(indent)}`), end, end, ",");
}

/** The indentation of a sibling ending at `end`: its line's when it starts one, else that of the line it closes on. */
function siblingIndent(text: string, last: Node, end: number): string | undefined {
  const lineStart = text.lastIndexOf("\n", last.offset - 1) + 1;
  if (/^[ \t]*$/.test(text.slice(lineStart, last.offset))) return indentOfLine(text, last.offset);
  const endLineStart = text.lastIndexOf("\n", end - 1) + 1;
  return endLineStart > lineStart && /^[ \t]*[}\]]/.test(text.slice(endLineStart, end)) ? indentOfLine(text, end) : undefined;
}

/**
 * What follows `offset` on its line: where the line break is, unless a token comes first (or the
 * text ends), and whether comments come before it (a block comment may span lines).
 */
function restOfLine(text: string, offset: number): { lineBreak: number | undefined; comment: boolean } {
  let i = offset;
  let comment = false;
  while (i < text.length) {
    const c = text[i]!;
    if (c === " " || c === "\t") i++;
    else if (c === "\n") return { lineBreak: i, comment };
    else if (c === "\r" && text[i + 1] === "\n") return { lineBreak: i, comment };
    else if (text.startsWith("//", i)) {
      comment = true;
      const next = text.indexOf("\n", i);
      i = next < 0 ? text.length : text[next - 1] === "\r" ? next - 1 : next;
    } else if (text.startsWith("/*", i)) {
      comment = true;
      const close = text.indexOf("*/", i + 2);
      i = close < 0 ? text.length : close + 2;
    } else break;
  }
  return { lineBreak: undefined, comment };
}

/** `value` as JSON indented with the file's unit, its lines after the first starting with `indent`. */
function stringify(value: unknown, formatting: FormattingOptions, indent: string): string {
  return JSON.stringify(value, null, indentUnit(formatting)).split("\n").join(`${formatting.eol ?? "\n"}${indent}`);
}

/** `value` under the keys of `path` (-1: as the only item of a list). */
function nest(path: JSONPath, value: unknown): unknown {
  return path.reduceRight<unknown>((inner, key) => {
    if (key === -1) return [inner];
    if (typeof key === "string") return { [key]: inner };
    throw new Error(`cannot create the list index ${key}`);
  }, value);
}

function splice(text: string, start: number, end: number, insert: string): string {
  return text.slice(0, start) + insert + text.slice(end);
}

/** `offset`, moved back over the spaces and tabs before it. */
function trimmedBack(text: string, offset: number): number {
  let i = offset;
  while (i > 0 && (text[i - 1] === " " || text[i - 1] === "\t")) i--;
  return i;
}

function indentUnit(formatting: FormattingOptions): string {
  return formatting.insertSpaces ? " ".repeat(formatting.tabSize ?? 2) : "\t";
}

/** The leading whitespace of the line holding `offset`. */
function indentOfLine(text: string, offset: number): string {
  const start = text.lastIndexOf("\n", offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start, offset))![0];
}
