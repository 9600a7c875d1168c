import { h } from "../dom.js";
import type { LoadState } from "../view/loadState.js";

/** The page's one `[data-testid=load-state]` element: its `data-state` and the text that says it. */
export function loadStateLine(state: LoadState, text: string): HTMLElement {
  return h("p", { class: `load-state ${state === "offline" ? "warning" : "muted"}`, "data-testid": "load-state", "data-state": state, role: "status" }, text);
}
