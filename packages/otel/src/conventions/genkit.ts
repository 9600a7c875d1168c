import { errorMessage, idAttribute, jsonAttribute, STATUS_ERROR, stringAttribute, type Attributes } from "../span/SpanLike.js";
import { genkitTokenCounts, type GenkitUsage } from "@agent-traces/core";
import { toolInputFrom } from "@agent-traces/tracer";
import { modelCallTokens } from "./modelCallTokens.js";
import type { SpanConvention } from "./SpanConvention.js";

const TYPE = "genkit:type";
const SUBTYPE = "genkit:metadata:subtype";
/**
 * A chat session's id: an agent's turn span (`ai.defineAgent`, Genkit 1.4x: `agent:sessionId` custom
 * metadata), else the Chat API's `send` span (`ai.chat()`, before Genkit removed it: `genkit:sessionId`).
 */
const SESSION_ID_KEYS = ["genkit:metadata:agent:sessionId", "genkit:sessionId"] as const;

/** An agent turn's output (Genkit's AgentOutput): a failed turn resolves, its span ending without an error. */
interface AgentOutputLike {
  message?: { content?: unknown };
  finishReason?: unknown;
  error?: { status?: unknown; message?: unknown };
}

function agentOutput(attributes: Attributes): AgentOutputLike | undefined {
  const output = jsonAttribute(attributes, "genkit:output");
  return typeof output === "object" && output !== null ? (output as AgentOutputLike) : undefined;
}

/** The text of an agent turn's answer (`{ message: { content: [{ text }, …] } }`); `undefined` when it has none, or failed (its message is then the last good turn's). */
function agentAnswer(output: AgentOutputLike | undefined): string | undefined {
  const content = output?.finishReason === "failed" ? undefined : output?.message?.content;
  if (!Array.isArray(content)) return undefined;
  const text = content.flatMap((part: { text?: unknown } | null) => (typeof part?.text === "string" ? [part.text] : [])).join("");
  return text || undefined;
}

/**
 * Genkit's spans: its outermost span (a flow, or a bare `generate`; Genkit makes it an OTel root,
 * `genkit:isRoot`) is the run, `tool` actions the tool calls, `model` actions the model calls with
 * their usage inside `genkit:output` (GenerationUsage). Skill: the flow's (or agent's) name. An agent turn's output is
 * its answer text; a turn that failed (a span Genkit ends as a success) is an error. Session: the
 * chat session's id, on the run span or (a chat inside a flow) under it. Only `genkit:type`, the
 * subtype, the key and labels are set when a span starts; the rest when it ends.
 */
export const genkitConvention: SpanConvention = {
  name: "genkit",
  isRun: (span) => stringAttribute(span.attributes, TYPE) !== undefined,
  run: ({ attributes }) => ({
    skill: stringAttribute(attributes, "genkit:name"),
    sessionId: idAttribute(attributes, SESSION_ID_KEYS),
    output: attributes[SUBTYPE] === "agent" ? agentAnswer(agentOutput(attributes)) : jsonAttribute(attributes, "genkit:output"),
  }),
  sessionId: ({ attributes }) => idAttribute(attributes, SESSION_ID_KEYS),
  tool(span) {
    const { attributes } = span;
    if (attributes[SUBTYPE] !== "tool") return undefined;
    const isError = span.status.code === STATUS_ERROR || attributes["genkit:state"] === "error";
    return {
      name: stringAttribute(attributes, "genkit:name") ?? "tool",
      input: toolInputFrom(attributes["genkit:input"]),
      // genkit:output is JSON text: parsed, so that a tool returning a string is stored without quotes.
      output: isError ? errorMessage(span) : jsonAttribute(attributes, "genkit:output"),
      isError,
    };
  },
  /** An agent turn that failed (`finishReason: "failed"`, its error in the output) or was aborted: Genkit ends its span as a success. */
  runEnd({ attributes }) {
    if (attributes[SUBTYPE] !== "agent") return undefined;
    const output = agentOutput(attributes);
    if (output?.finishReason === "aborted") return { status: "timeout", message: "aborted: the agent's turn was aborted" };
    if (output?.finishReason !== "failed") return undefined;
    const message = typeof output.error?.message === "string" && output.error.message ? output.error.message : "the agent's turn failed";
    return { status: output.error?.status === "DEADLINE_EXCEEDED" ? "timeout" : "error", message };
  },
  model(span) {
    const { attributes } = span;
    if (attributes[SUBTYPE] !== "model") return undefined;
    const usage = (jsonAttribute(attributes, "genkit:output") as { usage?: GenkitUsage | null } | null | undefined)?.usage;
    return {
      model: stringAttribute(attributes, "genkit:name") ?? "unknown",
      // Genkit's GenerationUsage: the Google plugins' thoughts beside the output, the Anthropic plugin's cache counts beside the input (core's genkitTokenCounts).
      ...modelCallTokens(genkitTokenCounts(typeof usage === "object" && usage !== null ? usage : {})),
    };
  },
};
