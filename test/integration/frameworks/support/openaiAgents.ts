/**
 * An OpenAI Agents SDK agent that runs offline: a scripted `Model` (no network, no API key) and two
 * tools, for the processor's unit and integration tests. Pure: no emulators.
 */
import { Agent, tool, Usage, withGenerationSpan, type AgentInputItem, type Model, type ModelRequest, type ModelResponse, type StreamEvent } from "@openai/agents";
import { z } from "zod";

/** Tokens the scripted model reports: its first call (the tool calls), then its second (the answer). */
export const FIRST_CALL_TOKENS = { inputTokens: 100, outputTokens: 20 };
export const SECOND_CALL_TOKENS = { inputTokens: 200, outputTokens: 30 };

/** The number a run's input carries (`trip #7`), which the model passes to both tools. */
export function runIndex(input: string | AgentInputItem[]): string {
  const text = typeof input === "string" ? input : JSON.stringify(input.find((item) => "role" in item && item.role === "user") ?? "");
  return /#(\d+)/.exec(text)?.[1] ?? "0";
}

/**
 * A model that first calls get_weather and get_flights (in one response) for the run's index, then,
 * once the request holds their results, answers. It decides from the request alone, so concurrent
 * runs may share it. `generationModel` names the model on a generation span of its own, as a custom
 * Model may do (the runner creates none for it).
 */
export class ScriptedModel implements Model {
  /**
   * `answerStalls`: streamed, the answer (the turn after the tools) sends `PARTIAL_ANSWER` and then
   * waits, failing with the abort's reason once the app aborts the run, as a provider's stream does.
   */
  constructor(private readonly options: { generationModel?: string; answerStalls?: boolean } = {}) {}

  async getResponse(request: ModelRequest): Promise<ModelResponse> {
    const { generationModel } = this.options;
    if (generationModel === undefined) return this.respond(request);
    return withGenerationSpan(async (span) => {
      span.spanData.model = generationModel;
      const response = this.respond(request);
      span.spanData.usage = { input_tokens: response.usage.inputTokens, output_tokens: response.usage.outputTokens };
      return response;
    });
  }

  /** The same responses streamed: each one whole, in a `response_done` event (the answer may stall, see the constructor). */
  async *getStreamedResponse(request: ModelRequest): AsyncIterable<StreamEvent> {
    const response = this.respond(request);
    const answering = response.output.some((item) => item.type === "message");
    if (answering && this.options.answerStalls) {
      yield { type: "output_text_delta", delta: PARTIAL_ANSWER };
      const { signal } = request;
      await new Promise<never>((_, reject) => {
        if (!signal) return; // never aborted: the run hangs, and the test times out
        if (signal.aborted) reject(signal.reason);
        signal.addEventListener("abort", () => reject(signal.reason), { once: true });
      });
    }
    const { usage } = response;
    yield {
      type: "response_done",
      response: { id: response.responseId!, usage: { requests: 1, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, totalTokens: usage.totalTokens }, output: response.output as ResponseDone["response"]["output"] },
    };
  }

  private respond(request: ModelRequest): ModelResponse {
    const items = typeof request.input === "string" ? [] : request.input;
    const index = runIndex(request.input);
    const results = items.filter((item) => item.type === "function_call_result");
    if (results.length === 0) {
      return {
        responseId: `resp_${index}_1`,
        usage: new Usage({ requests: 1, ...FIRST_CALL_TOKENS, totalTokens: FIRST_CALL_TOKENS.inputTokens + FIRST_CALL_TOKENS.outputTokens }),
        output: [
          { type: "function_call", callId: `call_weather_${index}`, name: "get_weather", arguments: JSON.stringify({ city: `city-${index}` }), status: "completed" },
          { type: "function_call", callId: `call_flights_${index}`, name: "get_flights", arguments: JSON.stringify({ from: `from-${index}`, to: `to-${index}` }), status: "completed" },
        ],
      };
    }
    return {
      responseId: `resp_${index}_2`,
      usage: new Usage({ requests: 1, ...SECOND_CALL_TOKENS, totalTokens: SECOND_CALL_TOKENS.inputTokens + SECOND_CALL_TOKENS.outputTokens }),
      output: [{ type: "message", id: `msg_${index}`, role: "assistant", status: "completed", content: [{ type: "output_text", text: `Trip #${index}: sunny, no flights.` }] }],
    };
  }
}

type ResponseDone = Extract<StreamEvent, { type: "response_done" }>;

/** What a stalling answer streams before the app aborts it. */
export const PARTIAL_ANSWER = "Trip: sunny, and";

export interface TravelAgentOptions {
  /** get_flights throws `flights backend down (<from>-><to>)`; otherwise it answers. */
  flightsThrow?: boolean;
  /** get_flights' errorFunction: left out for the SDK's default, `null` to make its error fail the run. */
  errorFunction?: null | ((context: unknown, error: unknown) => string);
  model?: Model;
}

/** An agent named `travel` with get_weather and get_flights, both echoing the run's index. */
export function travelAgent(options: TravelAgentOptions = {}): Agent {
  const getWeather = tool({
    name: "get_weather",
    description: "The weather in a city.",
    parameters: z.object({ city: z.string() }),
    execute: async ({ city }) => `sunny in ${city}`,
  });
  const getFlights = tool({
    name: "get_flights",
    description: "Flights between two cities.",
    parameters: z.object({ from: z.string(), to: z.string() }),
    execute: async ({ from, to }) => {
      if (options.flightsThrow) throw new Error(`flights backend down (${from}->${to})`);
      return `no flights ${from}->${to}`;
    },
    ...(options.errorFunction !== undefined && { errorFunction: options.errorFunction }),
  });
  return new Agent({ name: "travel", instructions: "Plan trips.", model: options.model ?? new ScriptedModel(), tools: [getWeather, getFlights] });
}
