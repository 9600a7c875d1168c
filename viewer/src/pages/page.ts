import type { ViewerFirebase } from "../session/firebaseSetup.js";

/** What a page gets: where to render, the app's Firebase, the URL it was opened at, and navigation. */
export interface PageContext {
  root: HTMLElement;
  firebase: ViewerFirebase;
  url: URL;
  navigate(path: string): void;
}

/** A rendered page; `dispose` ends its listeners (snapshots, keys) when another page replaces it. */
export interface Page {
  dispose(): void;
}

/** What tests and people can wait for: the page has rendered its first data (`document.body.dataset.ready`). */
export type ReadyState = "list" | "run" | "session" | "not-found" | "reports" | "signin" | "compare";

export function setReady(state: ReadyState | undefined): void {
  if (state) document.body.dataset.ready = state;
  else delete document.body.dataset.ready;
}
