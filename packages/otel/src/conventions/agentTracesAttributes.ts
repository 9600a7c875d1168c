import { idAttribute, jsonAttribute, numberAttribute, stringAttribute, type Attributes } from "../span/SpanLike.js";
import type { RunFields } from "./SpanConvention.js";

/**
 * Attributes a run's outermost span may carry in any framework, set by the app (the user above all)
 * or by our OTLP export; each wins over what the framework's convention reads.
 */
export const AGENT_TRACES_ATTRIBUTES = {
  userId: "agent_traces.user_id",
  skill: "agent_traces.skill",
  /** The conversation the run is one turn of (on the run span or any span under it). */
  sessionId: "agent_traces.session_id",
  finalOutput: "agent_traces.final_output",
  iterations: "agent_traces.iterations",
  /** The run's metadata as a JSON object text. */
  metadata: "agent_traces.metadata",
  /** `success`, `error` or `timeout`: the stored status, when the span's status cannot say `timeout`. */
  status: "agent_traces.status",
  /** Tool calls dropped or shortened before these spans were made (by an exported trace's sender). */
  toolTracesDropped: "agent_traces.tool_traces_dropped",
  toolTracesShortened: "agent_traces.tool_traces_shortened",
} as const;

/** The session id the app set on a span (`agent_traces.session_id`: text, or a safe integer as text). */
export function agentTracesSessionId(attributes: Attributes): string | undefined {
  return idAttribute(attributes, [AGENT_TRACES_ATTRIBUTES.sessionId]);
}

/** The run fields the app set through AGENT_TRACES_ATTRIBUTES (or `enduser.id` / `user.id` for the user). */
export function agentTracesRunFields(attributes: Attributes): RunFields {
  const metadata = jsonAttribute(attributes, AGENT_TRACES_ATTRIBUTES.metadata);
  const user = attributes[AGENT_TRACES_ATTRIBUTES.userId] ?? attributes["enduser.id"] ?? attributes["user.id"];
  return {
    userId: typeof user === "string" || (typeof user === "number" && Number.isSafeInteger(user)) ? user : undefined,
    skill: stringAttribute(attributes, AGENT_TRACES_ATTRIBUTES.skill),
    sessionId: agentTracesSessionId(attributes),
    output: attributes[AGENT_TRACES_ATTRIBUTES.finalOutput],
    iterations: numberAttribute(attributes, AGENT_TRACES_ATTRIBUTES.iterations),
    metadata: typeof metadata === "object" && metadata !== null && !Array.isArray(metadata) ? (metadata as Record<string, unknown>) : undefined,
    toolTracesDropped: numberAttribute(attributes, AGENT_TRACES_ATTRIBUTES.toolTracesDropped),
    toolTracesShortened: numberAttribute(attributes, AGENT_TRACES_ATTRIBUTES.toolTracesShortened),
  };
}
