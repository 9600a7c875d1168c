import type { StoredFeedback } from "@agent-traces/store";
import { isoOf } from "./traceFromDocument.js";

/** A stored `trace_feedback` document as the viewer shows it: instants as ISO strings, tags always a list. */
export function feedbackFromDocument(data: Record<string, unknown>): StoredFeedback {
  return {
    ...(data as unknown as StoredFeedback),
    ...(Array.isArray(data.tags) ? { tags: data.tags.map(String) } : { tags: [] }),
    run_started_at: isoOf(data.run_started_at),
    created_at: isoOf(data.created_at),
    updated_at: isoOf(data.updated_at),
    expire_at: isoOf(data.expire_at),
  };
}
