import { Timestamp, type Firestore } from "firebase-admin/firestore";
import { randomTraceId, sanitizeTrace, type ModelUsage, type TraceInput } from "@agent-traces/core";
import { traceSchema } from "../../../packages/core/src/schema.js";
import { TRACES_COLLECTION, toTraceDocument } from "@agent-traces/admin";
import { adminFirestore } from "./emulators.js";
import { aTrace } from "./traces.js";

export interface SeedTrace {
  startedAt: Date;
  /** When recordTrace received it (`received_at`); defaults to startedAt. */
  receivedAt?: Date;
  /** When its write was committed (`committed_at`, what the report windows by); defaults to receivedAt. */
  committedAt?: Date;
  status: "success" | "error" | "timeout";
  sampleRate?: number;
  /** "planning" by default; null: a run recorded without a skill. */
  skill?: string | null;
  /** The run's user id; "user-1" by default. */
  userId?: string | number;
  /** The uid that sent it (`recorded_by`); "seed" by default. */
  recordedBy?: string;
  error?: string;
  failedTools?: string[];
  /** Token usage per model; none by default. */
  usage?: ModelUsage[];
}

/** Stores traces exactly as recordTrace would, without going through the function (fast seeding), in the stack's project unless `db` is another. */
export async function seedTraces(traces: readonly SeedTrace[], db: Firestore = adminFirestore()): Promise<string[]> {
  const writer = db.bulkWriter();
  const ids: string[] = [];
  for (const seed of traces) {
    const input: TraceInput = aTrace({
      trace_id: randomTraceId(),
      status: seed.status,
      skill: seed.skill === undefined ? "planning" : seed.skill,
      user_id: seed.userId ?? "user-1",
      started_at: seed.startedAt.toISOString(),
      ended_at: new Date(seed.startedAt.getTime() + 1000).toISOString(),
      tool_traces: (seed.failedTools ?? []).map((name, index) => ({
        name,
        input: { attempt: index },
        output: "failed",
        duration_ms: 10,
        is_error: true,
        timestamp: seed.startedAt.toISOString(),
      })),
      metadata: seed.error ? { error: seed.error } : {},
      ...(seed.usage ? { usage: seed.usage } : {}),
    });
    const document = toTraceDocument(sanitizeTrace(traceSchema.parse(input)), {
      recordedBy: seed.recordedBy ?? "seed",
      receivedAt: seed.receivedAt ?? seed.startedAt,
      ttlDays: 7,
      sampleRate: seed.sampleRate ?? 0.1,
    });
    ids.push(document.trace_id);
    const committedAt = Timestamp.fromDate(seed.committedAt ?? seed.receivedAt ?? seed.startedAt);
    void writer.create(db.collection(TRACES_COLLECTION).doc(document.trace_id), { ...document, committed_at: committedAt });
  }
  await writer.close();
  return ids;
}
