/**
 * Answers the page's Firebase AI Logic requests (https://firebasevertexai.googleapis.com) through
 * puppeteer's request interception, with canned Gemini `generateContent` responses, so that the real
 * `firebase/ai` SDK runs offline: a request whose last turn carries no function results is answered
 * with two function calls (get_weather, get_flights), tagged `ask: N` when the prompt ends in
 * "(ask N)"; one that carries their results, with a text answer. A streamed request
 * (`:streamGenerateContent?alt=sse`) gets the same answer as server-sent events. Every other request
 * goes through unchanged.
 */
import type { HTTPRequest, Page } from "puppeteer-core";

export const GEMINI_HOST = "firebasevertexai.googleapis.com";

/** What the canned responses report in `usageMetadata`. */
export const USAGE = {
  functionCalls: { promptTokenCount: 120, candidatesTokenCount: 30, totalTokenCount: 150 },
  answer: { promptTokenCount: 210, candidatesTokenCount: 45, totalTokenCount: 255 },
} as const;

export const FUNCTION_CALLS = [
  { name: "get_weather", args: { city: "Paris" } },
  { name: "get_flights", args: { from: "LHR", to: "CDG", date: "2026-12-02" } },
] as const;

export const ANSWER = ["It will be sunny in Paris, 24 °C. ", "BA 304 leaves at 08:10."] as const;

export interface GeminiRequest {
  url: string;
  stream: boolean;
  /** `contents` of the request body. */
  contents: { role?: string; parts: Record<string, unknown>[] }[];
  headers: Record<string, string>;
}

const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-headers": "*",
  "access-control-allow-methods": "POST, OPTIONS",
};

/**
 * Turns on request interception for `page` and answers the Gemini API from the canned responses.
 * Returns the requests seen (preflights aside), in order. `otherwise` decides the other requests
 * (default: continue).
 */
export async function stubGemini(page: Page, otherwise: (request: HTTPRequest) => Promise<void> = (request) => request.continue()): Promise<GeminiRequest[]> {
  const seen: GeminiRequest[] = [];
  await page.setRequestInterception(true);
  page.on("request", (request) => {
    if (request.isInterceptResolutionHandled()) return;
    const url = new URL(request.url());
    if (url.hostname !== GEMINI_HOST) {
      void otherwise(request);
      return;
    }
    if (request.method() === "OPTIONS") {
      void request.respond({ status: 204, headers: CORS });
      return;
    }
    const body = JSON.parse(request.postData() ?? "{}") as { contents?: GeminiRequest["contents"] };
    const contents = body.contents ?? [];
    const stream = url.pathname.endsWith(":streamGenerateContent");
    seen.push({ url: request.url(), stream, contents, headers: request.headers() });
    const lastTurn = contents.at(-1);
    const answered = lastTurn?.parts.some((part) => "functionResponse" in part) ?? false;
    const ask = /\(ask (\d+)\)$/.exec(String(lastTurn?.parts.find((part) => typeof part.text === "string")?.text ?? ""))?.[1];
    const chunks = answered ? answerChunks() : [functionCallsResponse(ask)];
    if (stream) {
      void request.respond({ status: 200, headers: CORS, contentType: "text/event-stream", body: chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\r\n\r\n`).join("") });
    } else {
      void request.respond({ status: 200, headers: CORS, contentType: "application/json", body: JSON.stringify(merge(chunks)) });
    }
  });
  return seen;
}

/** The two calls; `ask` (a prompt ending "(ask N)") is added to their args, so that each call shows which prompt asked for it. */
function functionCallsResponse(ask?: string): Record<string, unknown> {
  const calls = FUNCTION_CALLS.map((call) => (ask === undefined ? call : { ...call, args: { ...call.args, ask } }));
  return {
    candidates: [{ index: 0, content: { role: "model", parts: calls.map((call) => ({ functionCall: call })) }, finishReason: "STOP" }],
    usageMetadata: USAGE.functionCalls,
    modelVersion: "gemini-2.5-flash",
  };
}

/** The text answer in two chunks, the usage in the last (as the API streams it). */
function answerChunks(): Record<string, unknown>[] {
  return ANSWER.map((text, index) => ({
    candidates: [{ index: 0, content: { role: "model", parts: [{ text }] }, ...(index === ANSWER.length - 1 && { finishReason: "STOP" }) }],
    ...(index === ANSWER.length - 1 && { usageMetadata: USAGE.answer }),
    modelVersion: "gemini-2.5-flash",
  }));
}

/** One non-streamed response holding the chunks' parts, the last one's usage and finish reason. */
function merge(chunks: Record<string, unknown>[]): Record<string, unknown> {
  if (chunks.length === 1) return chunks[0]!;
  type Chunk = { candidates: { content: { parts: unknown[] } }[]; usageMetadata?: unknown };
  const parts = (chunks as Chunk[]).flatMap((chunk) => chunk.candidates[0]!.content.parts);
  const last = chunks.at(-1) as Chunk & Record<string, unknown>;
  return { ...last, candidates: [{ index: 0, content: { role: "model", parts: [{ text: parts.map((part) => (part as { text: string }).text).join("") }] }, finishReason: "STOP" }] };
}
