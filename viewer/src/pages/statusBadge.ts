import type { TraceStatus } from "@agent-traces/core";
import { h } from "../dom.js";

/** A run's status as a badge; failures are coloured to stand out. */
export function statusBadge(status: TraceStatus): HTMLElement {
  return h("span", { class: `badge ${status}` }, status);
}
