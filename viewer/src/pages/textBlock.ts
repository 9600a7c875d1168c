import { h } from "../dom.js";
import { isLongText, readableText } from "../view/format.js";

/** A stored text as a <pre> (as text, never HTML), JSON pretty-printed; long ones start collapsed. */
export function textBlock(text: string): HTMLElement {
  const { text: shown, json } = readableText(text);
  const pre = h("pre", { class: json ? "json" : null }, shown);
  if (!isLongText(shown)) return pre;
  return h("details", { class: "long" }, h("summary", {}, `${shown.length} characters, ${lineCount(shown)}: show`), pre);
}

function lineCount(text: string): string {
  const lines = text.split("\n").length;
  return lines === 1 ? "1 line" : `${lines} lines`;
}
