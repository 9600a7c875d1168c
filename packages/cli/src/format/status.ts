import type { TraceStatus } from "@agent-traces/core";
import type { Style } from "./style.js";

/** A status as shown: failures carry a ✗ so that they stand out without colour too. */
export function statusLabel(status: TraceStatus): string {
  return status === "success" ? "  success" : `✗ ${status}`;
}

export function statusStyle(status: TraceStatus, style: Style): (text: string) => string {
  return status === "error" ? style.red : status === "timeout" ? style.yellow : (text) => text;
}
