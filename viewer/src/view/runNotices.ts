import { CONTENT_NOT_CAPTURED_NOTICE, DROPPED_KEYS_FIELD, lengthBeforeCut, LIMITS } from "@agent-traces/core";
import type { StoredTrace } from "@agent-traces/store";

/** What was cut, shortened or dropped from a run before it was stored, said plainly; empty when nothing was. */
export function runNotices(trace: Pick<StoredTrace, "final_output" | "tool_traces" | "tool_traces_dropped" | "tool_traces_shortened" | "metadata" | "content_captured">): string[] {
  const notices: string[] = [];
  if (trace.content_captured === false) notices.push(CONTENT_NOT_CAPTURED_NOTICE);
  if (trace.tool_traces_dropped > 0) {
    notices.push(
      `${plural(trace.tool_traces_dropped, "tool call was", "tool calls were")} dropped to keep the stored run within its limits ` +
        `(${LIMITS.maxToolTraces} calls, ${LIMITS.toolTracesBytes / 1024} KiB); they are not shown.`,
    );
  }
  if (trace.tool_traces_shortened > 0) {
    notices.push(`${plural(trace.tool_traces_shortened, "tool call had its", "tool calls had their")} input and output shortened further to fit the run's size budget.`);
  }
  const finalOutputLength = lengthBeforeCut(trace.final_output);
  if (finalOutputLength !== undefined) notices.push(`The final output was cut from ${finalOutputLength} characters.`);
  let cutFields = 0;
  for (const tool of trace.tool_traces) {
    if (lengthBeforeCut(tool.output) !== undefined) cutFields++;
    for (const value of Object.values(tool.input)) if (lengthBeforeCut(value) !== undefined) cutFields++;
  }
  if (cutFields > 0) notices.push(`${plural(cutFields, "tool input or output was", "tool inputs and outputs were")} cut to the stored limits (each ends with "…[truncated, N chars]").`);
  const droppedKeys = trace.metadata[DROPPED_KEYS_FIELD];
  if (typeof droppedKeys === "number" && droppedKeys > 0) {
    notices.push(`${plural(droppedKeys, "metadata key was", "metadata keys were")} dropped to keep metadata within ${LIMITS.metadataBytes / 1024} KiB.`);
  }
  return notices;
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}
