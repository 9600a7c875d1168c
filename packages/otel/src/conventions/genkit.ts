import { errorMessage, jsonAttribute, STATUS_ERROR, stringAttribute } from "../span/SpanLike.js";
import { toolInputFrom } from "@agent-traces/tracer";
import type { SpanConvention } from "./SpanConvention.js";

const TYPE = "genkit:type";
const SUBTYPE = "genkit:metadata:subtype";

/**
 * Genkit's spans: its outermost span (a flow, or a bare `generate`; Genkit makes it an OTel root,
 * `genkit:isRoot`) is the run, `tool` actions the tool calls, `model` actions the model calls with
 * their usage inside `genkit:output`. Skill: the flow's name. Only `genkit:type`, the subtype and
 * the key are set when a span starts; the rest when it ends.
 */
export const genkitConvention: SpanConvention = {
  name: "genkit",
  isRun: (span) => stringAttribute(span.attributes, TYPE) !== undefined,
  run: ({ attributes }) => ({
    skill: stringAttribute(attributes, "genkit:name"),
    output: jsonAttribute(attributes, "genkit:output"),
  }),
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
  model(span) {
    const { attributes } = span;
    if (attributes[SUBTYPE] !== "model") return undefined;
    const usage = (jsonAttribute(attributes, "genkit:output") as { usage?: { inputTokens?: unknown; outputTokens?: unknown } } | undefined)?.usage;
    const count = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : 0);
    return {
      model: stringAttribute(attributes, "genkit:name") ?? "unknown",
      inputTokens: count(usage?.inputTokens),
      outputTokens: count(usage?.outputTokens),
    };
  },
};
