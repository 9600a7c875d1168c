import type { StoredTrace } from "@agent-traces/store";

/** Shown beside a run's user when the trace names a user other than the signed-in caller that sent it. */
export interface SenderNote {
  /** `recorded_by`: the uid of the signed-in caller that sent the trace. */
  sender: string;
  /** The visible text, e.g. "sent by mallory". */
  text: string;
  /** The tooltip: why it is shown. */
  title: string;
}

/**
 * Who sent a run, when that is not the user it names: `user_id` is whatever the payload says (the
 * sender chooses it), `recorded_by` is the signed-in caller the server saw. Null when they are the
 * same (a numeric user_id compared as text), when the run names no user, or when it has no sender
 * recorded (documents written by other means).
 */
export function senderNote(trace: Pick<StoredTrace, "user_id" | "recorded_by">): SenderNote | null {
  const sender: unknown = trace.recorded_by;
  if (typeof sender !== "string" || sender === "") return null;
  if (trace.user_id === null || trace.user_id === undefined) return null;
  const user = String(trace.user_id);
  if (user === sender) return null;
  return {
    sender,
    text: `sent by ${sender}`,
    title: `The trace names the user "${user}", but it was sent by the signed-in user "${sender}" (recorded_by). A trace's user_id is chosen by whoever sends it.`,
  };
}
