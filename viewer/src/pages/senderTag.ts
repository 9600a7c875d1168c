import type { StoredTrace } from "@agent-traces/store";
import { h } from "../dom.js";
import { senderNote } from "../view/provenance.js";

/** " sent by <recorded_by>", subdued, with a tooltip, when the run names another user than its sender; nothing otherwise. */
export function senderTag(trace: Pick<StoredTrace, "user_id" | "recorded_by">): (Node | string)[] {
  const note = senderNote(trace);
  if (!note) return [];
  return [" ", h("span", { class: "sender", "data-testid": "sender", title: note.title }, note.text)];
}
