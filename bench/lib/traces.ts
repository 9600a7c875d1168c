/**
 * Traces for the benchmarks: realistic agent runs (what the tracer records and sends) and adversarial
 * ones (the largest a caller can send). Seeded, so that every run of the benchmarks sends the same.
 */
import { randomTraceId, sanitizeTrace, TraceIdRatioBasedSampler, type SanitizedTrace, type TraceInput } from "@agent-traces/core";
import { traceSchema } from "../../packages/core/src/schema.js";
import { seededRandom } from "../../scripts/demo/demoAgent.js";

export { seededRandom };

const WORDS = (
  "firestore index query latency region quota budget invoice customer refund order shipment policy ttl " +
  "document collection function deploy schedule report error timeout retry sample trace agent model tool " +
  "search result summary revenue quarter forecast plan task owner deadline onboarding support ticket reply"
).split(" ");

function words(random: () => number, count: number): string {
  const picked: string[] = [];
  for (let index = 0; index < count; index++) picked.push(WORDS[Math.floor(random() * WORDS.length)]!);
  return picked.join(" ");
}

/** A trace id that `sampler` keeps (`keep`) or drops, so a benchmark knows which path a success takes. */
export function sampledTraceId(sampler: TraceIdRatioBasedSampler, keep: boolean): string {
  for (;;) {
    const id = randomTraceId();
    if (sampler.shouldSample(id) === keep) return id;
  }
}

const TOOL_NAMES = ["web_search", "fetch_page", "summarize", "lookup_customer", "search_kb", "create_task"];

/**
 * One agent run as the tracer records it: 3-8 tool calls with short inputs and outputs of a few
 * hundred characters (some longer than the 500 kept), a final answer of 300-1500 characters and a
 * few metadata entries; a failed run has failed tool calls and an error message.
 */
export function realisticTrace(random: () => number, options: { traceId: string; status: "success" | "error" | "timeout"; startedAt: Date; userId?: string }): TraceInput {
  const calls = 3 + Math.floor(random() * 6);
  let clock = options.startedAt.getTime();
  const toolTraces = Array.from({ length: calls }, (_, index) => {
    const name = TOOL_NAMES[Math.floor(random() * TOOL_NAMES.length)]!;
    const failed = options.status !== "success" && index === calls - 1;
    const duration = 20 + Math.floor(random() * 1500);
    const timestamp = new Date(clock).toISOString();
    clock += duration + 5;
    return {
      name,
      input: { query: words(random, 3 + Math.floor(random() * 6)), max_results: 5, page: index },
      output: failed ? `${name} failed: upstream returned HTTP 503 for request ${Math.floor(random() * 1e6)}` : words(random, 20 + Math.floor(random() * 90)),
      duration_ms: duration,
      is_error: failed,
      timestamp,
    };
  });
  return {
    trace_id: options.traceId,
    user_id: options.userId ?? `user-${Math.floor(random() * 5000)}`,
    skill: ["research", "planning", "support"][Math.floor(random() * 3)]!,
    started_at: options.startedAt.toISOString(),
    ended_at: new Date(clock + 200).toISOString(),
    iterations: 1 + Math.floor(calls / 2),
    tool_traces: toolTraces,
    final_output: options.status === "success" ? words(random, 50 + Math.floor(random() * 180)) : "",
    status: options.status,
    metadata: {
      model: "gemini-2.5-flash",
      temperature: 0.2,
      prompt_tokens: 800 + Math.floor(random() * 4000),
      completion_tokens: 100 + Math.floor(random() * 900),
      app_version: "1.8.3",
      ...(options.status === "error" ? { error: `could not complete the run: ${toolTraces.at(-1)!.output}` } : {}),
    },
  };
}

/** What the tracer sends for a run: validated and sanitized on the client, as its batch sender does. */
export function asSent(trace: TraceInput): SanitizedTrace {
  return sanitizeTrace(traceSchema.parse(trace));
}

/** Three bytes of UTF-8 per UTF-16 code unit: the most bytes a character limit lets through. */
const WIDE = "漢";
const EMOJI = "😀"; // 4 bytes, 2 code units
const wide = (units: number) => WIDE.repeat(units);

/**
 * A map nested as deep as metadata may go (maps and arrays at depth 8 at most, the metadata object
 * being depth 1), with long keys and text at every level.
 */
function nestedMetadata(depth: number, text: string): Record<string, unknown> {
  const map: Record<string, unknown> = { text, [`key_${wide(120)}`]: text };
  if (depth < 8) {
    map.child = nestedMetadata(depth + 1, text);
    map.list = [text, 1, true, null];
  }
  return map;
}

/**
 * One tool call a little over every limit (name 128 chars, 32 input keys of 128 chars, values of 100,
 * output of 500) in `unit` characters, with `keys` input entries: cutting, not the sender, bounds it.
 */
function toolAtLimits(index: number, unit: string, keys: number, isError: boolean, timestamp: string) {
  const units = (count: number) => unit.repeat(Math.ceil(count / unit.length));
  return {
    name: units(140) + index,
    // Keys differ in their first characters: cut to 128, keys sharing a long prefix would collapse into one.
    input: Object.fromEntries(Array.from({ length: keys }, (_, key) => [`${key}_${units(140)}`, units(120)])),
    output: units(520),
    duration_ms: 366 * 24 * 3600 * 1000,
    is_error: isError,
    timestamp,
  };
}

/** A long run of tool calls with large inputs and outputs: 300 calls of ~2 KB in and ~2 KB out, 20 failing. */
function largeRun(startedAt: Date): TraceInput["tool_traces"] {
  const random = seededRandom(300);
  const tools = ["search_docs", "read_file", "run_sql", "http_get", "write_file"];
  return Array.from({ length: 300 }, (_, index) => {
    const failed = index % 15 === 7;
    return {
      name: tools[index % tools.length]!,
      input: { query: words(random, 170), context: words(random, 170) },
      output: failed ? `Error: ${words(random, 330)}` : words(random, 330),
      duration_ms: Math.floor(random() * 5_000),
      is_error: failed,
      timestamp: new Date(startedAt.getTime() + index * 150).toISOString(),
    };
  });
}

/** An adversarial trace; `keepsShape`: it must be stored with as many tool calls as the count limit keeps, every failed one among them. */
export interface AdversarialTrace {
  name: string;
  trace: TraceInput;
  keepsShape?: boolean;
}

/**
 * Adversarial traces: each one valid, each under a few MB as sent (a callable request is capped at
 * 32 MB), and each as large as the schema lets some part of it be once stored.
 */
export function adversarialTraces(startedAt: Date): AdversarialTrace[] {
  const at = startedAt.toISOString();
  const base = {
    user_id: wide(128),
    skill: wide(2_000),
    started_at: at,
    ended_at: new Date(startedAt.getTime() + 60_000).toISOString(),
    iterations: 1_000_000,
    tool_traces_dropped: 0,
    final_output: wide(20_000),
    status: "error" as const,
  };
  const wideMetadata = { error: wide(10_000), ...Object.fromEntries(Array.from({ length: 200 }, (_, key) => [`${key}_${wide(140)}`, wide(600)])) };
  // Tool calls of every size from the largest (33 input keys) down, so the byte budget packs tight.
  const packing = Array.from({ length: 300 }, (_, i) => toolAtLimits(i, WIDE, [33, 20, 12, 7, 4, 2, 1, 0][i % 8]!, i % 2 === 0, at));
  return [
    { name: "300 large tool calls (~2 KB in and out each), 20 failed", trace: { ...base, trace_id: randomTraceId(), tool_traces: largeRun(startedAt), metadata: wideMetadata }, keepsShape: true },
    { name: "300 tool calls at every limit, 3-byte characters, half failed", trace: { ...base, trace_id: randomTraceId(), tool_traces: Array.from({ length: 300 }, (_, i) => toolAtLimits(i, WIDE, 33, i % 2 === 0, at)), metadata: wideMetadata } },
    { name: "300 tool calls of mixed sizes packing the byte budget", trace: { ...base, trace_id: randomTraceId(), tool_traces: packing, metadata: wideMetadata } },
    { name: "200 tool calls at every limit, 4-byte emoji", trace: { ...base, trace_id: randomTraceId(), tool_traces: Array.from({ length: 200 }, (_, i) => toolAtLimits(i, EMOJI, 33, i % 3 === 0, at)), metadata: wideMetadata } },
    {
      name: "5,000 small tool calls",
      trace: {
        ...base,
        trace_id: randomTraceId(),
        tool_traces: Array.from({ length: 5_000 }, (_, i) => ({ name: `t${i}`, input: { q: wide(110) }, output: wide(130), duration_ms: 1, is_error: i % 7 === 0, timestamp: at })),
        metadata: wideMetadata,
      },
    },
    {
      name: "metadata nested 8 deep with long keys",
      trace: { ...base, trace_id: randomTraceId(), tool_traces: packing.slice(0, 40), metadata: { error: wide(10_000), ...Object.fromEntries(Array.from({ length: 30 }, (_, key) => [`${key}_${wide(140)}`, nestedMetadata(2, wide(600))])) } },
    },
    {
      name: "lone surrogates and secret-shaped text everywhere",
      trace: {
        ...base,
        trace_id: randomTraceId(),
        tool_traces: Array.from({ length: 200 }, (_, i) => ({
          name: "\uD800".repeat(140) + i,
          input: Object.fromEntries(Array.from({ length: 33 }, (_, key) => [`${key}${"\uDC00".repeat(140)}`, `password=${"\uD83D".repeat(60)} Bearer ${"a1".repeat(40)} ${wide(40)}`])),
          output: `${"\uDFFF".repeat(300)} ${wide(300)}`,
          duration_ms: 5,
          is_error: i % 2 === 1,
          timestamp: at,
        })),
        metadata: { error: "\uD800".repeat(5_000), token: wide(5_000), ...Object.fromEntries(Array.from({ length: 200 }, (_, key) => [`${key}${"\uDBFF".repeat(140)}`, "\uDC00".repeat(600)])) },
      },
    },
  ];
}
