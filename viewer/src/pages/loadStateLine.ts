import { h } from "../dom.js";
import type { LoadState } from "../view/loadState.js";

/** How a load-state line looks: a warning (a cache answer that may mislead) or muted text. */
export type LoadStateTone = "warning" | "muted";

/** The page's one `[data-testid=load-state]` element: its `data-state` and the text that says it; a `<p>`, or a `<span>` inside a line. */
export function loadStateLine(state: LoadState, text: string, tag: "p" | "span" = "p"): HTMLElement {
  const line = h(tag, { "data-testid": "load-state", role: "status" });
  setLoadState(line, state, text);
  return line;
}

/**
 * Sets a load-state line in place: its state, text and tone (by default a warning when offline,
 * muted otherwise). Unchanged text is left alone: a screen reader announces every change of a status region.
 */
export function setLoadState(line: HTMLElement, state: LoadState, text: string, tone: LoadStateTone = state === "offline" ? "warning" : "muted"): void {
  line.dataset.state = state;
  line.className = `load-state ${tone}`;
  if (line.textContent !== text) line.textContent = text;
}
