import type { StoredTrace } from "@agent-traces/store";

/** A Firestore Timestamp as the JS SDK returns it. */
interface TimestampLike {
  toDate(): Date;
}

function isTimestamp(value: unknown): value is TimestampLike {
  return typeof value === "object" && value !== null && typeof (value as TimestampLike).toDate === "function";
}

/** A Timestamp as an ISO string; anything else as its text. */
export function isoOf(value: unknown): string {
  return isTimestamp(value) ? value.toDate().toISOString() : String(value);
}

/** A stored `execution_traces` document as the viewer shows it: instants as ISO strings, fields absent on older documents defaulted. */
export function traceFromDocument(data: Record<string, unknown>): StoredTrace {
  const toolTraces = Array.isArray(data.tool_traces) ? (data.tool_traces as Record<string, unknown>[]) : [];
  return {
    ...(data as unknown as StoredTrace),
    started_at: isoOf(data.started_at),
    ended_at: data.ended_at ? isoOf(data.ended_at) : null,
    received_at: isoOf(data.received_at),
    ...(data.committed_at === undefined ? {} : { committed_at: isoOf(data.committed_at) }),
    expire_at: isoOf(data.expire_at),
    tool_traces: toolTraces.map((tool) => ({ ...(tool as unknown as StoredTrace["tool_traces"][number]), timestamp: isoOf(tool.timestamp) })),
    tool_traces_dropped: typeof data.tool_traces_dropped === "number" ? data.tool_traces_dropped : 0,
    tool_traces_shortened: typeof data.tool_traces_shortened === "number" ? data.tool_traces_shortened : 0,
    metadata: typeof data.metadata === "object" && data.metadata !== null ? (data.metadata as StoredTrace["metadata"]) : {},
  };
}

/** Whether the TTL policy may delete the run now (Firestore deletes within about a day of `expire_at`). */
export function isExpired(trace: Pick<StoredTrace, "expire_at">, now: number): boolean {
  const expireAt = Date.parse(trace.expire_at);
  return Number.isFinite(expireAt) && expireAt <= now;
}
