/**
 * The request bodies bench/memory measures, written to the folder given: calls as the tracer builds
 * them under MAX_CALL_BYTES, of the largest traces (9) and of realistic ones (100), and bodies of tiny
 * values that only a hostile caller sends (for parse.mjs).
 */
import { writeFileSync } from "node:fs";
import { escapeWireKeys, randomTraceId, type SanitizedTrace } from "@agent-traces/core";
import { adversarialTraces, asSent, realisticTrace, seededRandom } from "../lib/traces.js";

const dir = process.argv[2]!;
const at = new Date(Date.now() - 600_000);
const adversarial = adversarialTraces(at);
const random = seededRandom(3);
const largest = Array.from({ length: 9 }, (_, index) => asSent({ ...adversarial[index % 6]!.trace, trace_id: randomTraceId() }));
const realistic = Array.from({ length: 100 }, (_, index) =>
  asSent(realisticTrace(random, { traceId: randomTraceId(), status: index % 5 === 0 ? "error" : "success", startedAt: at })),
);
const call = (traces: readonly SanitizedTrace[]) => JSON.stringify({ data: { traces: escapeWireKeys(traces), sample_rate: 1 } });
const tiny = (metadata: Record<string, unknown>) => call([{ ...realistic[0]!, metadata } as SanitizedTrace]);
const bodies: Record<string, string> = {
  "largest9.json": call(largest),
  "realistic100.json": call(realistic),
  "empty-maps.json": tiny({ grid: Array.from({ length: 170_000 }, () => ({})) }),
  "zeros.json": tiny({ grid: Array.from({ length: 250_000 }, () => 0) }),
};
for (const [name, body] of Object.entries(bodies)) {
  writeFileSync(`${dir}/${name}`, body);
  console.log(`${name}: ${Buffer.byteLength(body)} bytes`);
}
