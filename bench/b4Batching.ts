/** B4: batching several runs into one call. Not implemented; the row says why. */
import type { Row } from "./lib/row.js";

export function batchingRow(): Row {
  return {
    id: "B4",
    name: "Batching several runs per call",
    ours: "not implemented",
    anchor: "—",
    ratio: "—",
    target: "—",
    met: null,
    notes: [
      "Not implemented: the tracer sends one `recordTrace` call per finished run and the function stores one document per call; batching would need a batch callable with per-trace answers and a client-side queue that survives serverless freezes, and with client pre-sampling only about 15% of runs make a call at all (B7). docs/scaling.md says when it would be worth it.",
    ],
  };
}
