import type { StoredTrace } from "@agent-traces/store";

/** Where a session is shown (`/sessions/<id>`), how its id is read back, and what its runs add up to. */

/** The session page's path: the id percent-encoded, so any id (slashes, spaces) is one path segment. */
export function sessionHref(sessionId: string): string {
  return `/sessions/${encodeURIComponent(sessionId)}`;
}

/**
 * The session id of a session page's path (`/sessions/<id>`) or of its hash form (`#/session/<id>`);
 * undefined for any other location or an id that does not decode.
 */
export function sessionIdOf(url: Pick<URL, "pathname" | "hash">): string | undefined {
  const match = /^\/sessions\/([^/]+)\/?$/.exec(url.pathname) ?? /^#\/sessions?\/([^/]+)\/?$/.exec(url.hash);
  if (!match) return undefined;
  try {
    const id = decodeURIComponent(match[1]!);
    return id === "" ? undefined : id;
  } catch {
    return undefined;
  }
}

/** The distinct users of `traces` as text ("—" for none), in order of first appearance. */
export function sessionUsers(traces: readonly Pick<StoredTrace, "user_id">[]): string[] {
  return [...new Set(traces.map((trace) => (trace.user_id === null || trace.user_id === undefined ? "—" : String(trace.user_id))))];
}

/** How many of `traces` ended in each status, and the first and last start among them. */
export interface SessionSummary {
  runs: number;
  success: number;
  error: number;
  timeout: number;
  firstStartedAt?: string;
  lastStartedAt?: string;
}

export function summarizeSession(traces: readonly Pick<StoredTrace, "status" | "started_at">[]): SessionSummary {
  const summary: SessionSummary = { runs: traces.length, success: 0, error: 0, timeout: 0 };
  for (const trace of traces) {
    summary[trace.status]++;
    if (summary.firstStartedAt === undefined || trace.started_at < summary.firstStartedAt) summary.firstStartedAt = trace.started_at;
    if (summary.lastStartedAt === undefined || trace.started_at > summary.lastStartedAt) summary.lastStartedAt = trace.started_at;
  }
  return summary;
}
