import { applyEdits, findNodeAtLocation, getNodeValue, modify, parseTree, printParseErrorCode, type FormattingOptions, type JSONPath, type Node, type ParseError } from "jsonc-parser";
import { eolOf, InitRefusal, lineAt } from "./refusal.js";

/**
 * A JSON file as firebase-tools reads it (comments allowed, trailing commas not: it strips comments
 * and runs JSON.parse), edited in place so that the comments and formatting of the rest stay as written.
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

/** Sets `path` to `value` (creating the objects on the way); a path ending in -1 appends to an array. */
export function setAt(doc: JsoncDocument, path: JSONPath, value: unknown): JsoncDocument {
  const append = path.at(-1) === -1;
  const text = applyEdits(doc.text, modify(doc.text, path, value, { formattingOptions: doc.formatting, isArrayInsertion: append }));
  return readJsonc(text, doc.file, doc.formatting);
}

/**
 * Replaces the value at `path` (an object) by a list holding it, its text kept as written (comments
 * included) and indented one level deeper.
 */
export function wrapInList(doc: JsoncDocument, path: JSONPath): JsoncDocument {
  const node = nodeAt(doc, path);
  if (!node) throw new Error(`no value at ${path.join(".")}`);
  const { text, formatting } = doc;
  const eol = formatting.eol ?? "\n";
  const unit = indentUnit(formatting);
  const indent = indentOfLine(text, node.offset);
  const original = text.slice(node.offset, node.offset + node.length);
  const deeper = original
    .split(/\r?\n/)
    .map((line, i) => (i === 0 || line.trim() === "" ? line : unit + line))
    .join(eol);
  const wrapped = `[${eol}${indent}${unit}${deeper}${eol}${indent}]`;
  return readJsonc(text.slice(0, node.offset) + wrapped + text.slice(node.offset + node.length), doc.file, formatting);
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

function indentUnit(formatting: FormattingOptions): string {
  return formatting.insertSpaces ? " ".repeat(formatting.tabSize ?? 2) : "\t";
}

/** The leading whitespace of the line holding `offset`. */
function indentOfLine(text: string, offset: number): string {
  const start = text.lastIndexOf("\n", offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start, offset))![0];
}
