import type { SanitizedTrace } from "@agent-traces/core";

/** A finished run made ready to send: sanitized (redacted, cut, bounded), or why it cannot be sent. */
export type PreparedTrace = { ok: true; trace: SanitizedTrace } | { ok: false; message: string; fields: string[] };
