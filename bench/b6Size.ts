/**
 * B6: the largest stored document over adversarial inputs, sent straight to the handler (a client that
 * skips the tracer), stored on the emulator and read back; its size by Firestore's rules
 * (`storedDocumentSize`) against the 64 KiB budget. Realistic runs go through the same path to give
 * the cost model (B7) its average document size.
 */
import { LIMITS, randomTraceId, TraceIdRatioBasedSampler, validateTrace, type RecordTraceResult } from "@agent-traces/core";
import { storedDocumentSize } from "../packages/core/src/storedSize.js";
import { TRACES_COLLECTION } from "@agent-traces/admin";
import { handleRecordTrace } from "../functions/src/recordTrace/recordTraceHandler.js";
import { recordTraceConfig } from "./lib/config.js";
import { formatNumber, formatRatio, type Row } from "./lib/row.js";
import { adminDb, clearDatabase, withQuietStdout } from "./lib/stack.js";
import { adversarialTraces, asSent, realisticTrace, sampledTraceId, seededRandom } from "./lib/traces.js";

/** A caller per call: the per-uid rate limit (on, as deployed: its counter read and write are part of what is measured) never refuses the benchmark. */
let callers = 0;
const auth = () => ({ uid: `bench-caller-${++callers}`, token: {} as never, rawToken: "" });
const REALISTIC_PER_STATUS = 100;

export interface RealisticSizes {
  /** Average stored bytes of a realistic success / error document, as read back. */
  success: number;
  error: number;
  /** One stored realistic document of each kind, as read back (for the index model). */
  sample: { success: Record<string, unknown>; error: Record<string, unknown> };
}

export async function benchDocumentSize(log: (line: string) => void): Promise<{ row: Row; realistic: RealisticSizes }> {
  const db = adminDb();
  await clearDatabase();
  const config = recordTraceConfig();
  const storeAndMeasure = async (data: unknown, traceId: string): Promise<{ size: number; payloadBytes: number; document: Record<string, unknown> }> => {
    const result = (await withQuietStdout(() => handleRecordTrace({ auth: auth(), data }, { db, config }))) as RecordTraceResult;
    if (!result.stored) throw new Error(`B6: trace ${traceId} was not stored (${result.reason})`);
    const path = `${TRACES_COLLECTION}/${result.trace_id}`;
    const snapshot = await db.doc(path).get();
    const document = snapshot.data()!;
    return { size: storedDocumentSize(path, document), payloadBytes: Buffer.byteLength(JSON.stringify(data)), document };
  };

  const adversarial: { name: string; size: number; payloadBytes: number; tools: number; shortened: number; dropped: number }[] = [];
  for (const { name, trace, keepsShape } of adversarialTraces(new Date(Date.now() - 3_600_000))) {
    const validation = validateTrace(trace);
    if (!validation.ok) throw new Error(`B6: the input "${name}" is not a valid trace: ${validation.message.slice(0, 200)}…`);
    const measured = await storeAndMeasure(trace, String(trace.trace_id));
    const stored = measured.document.tool_traces as { is_error: boolean }[];
    if (keepsShape) checkShapeKept(name, validation.trace.tool_traces, stored);
    adversarial.push({
      name,
      size: measured.size,
      payloadBytes: measured.payloadBytes,
      tools: stored.length,
      shortened: measured.document.tool_traces_shortened as number,
      dropped: measured.document.tool_traces_dropped as number,
    });
    log(`  B6 ${name}: ${formatNumber(measured.payloadBytes / 1024, 0)} KiB sent, ${formatNumber(measured.size)} bytes stored, ${stored.length} tool calls kept`);
  }
  const largest = adversarial.reduce((a, b) => (b.size > a.size ? b : a));

  const sampler = new TraceIdRatioBasedSampler(config.sampleRate);
  const random = seededRandom(6);
  const realistic = { success: [] as number[], error: [] as number[] };
  const sample: Partial<RealisticSizes["sample"]> = {};
  for (const status of ["success", "error"] as const) {
    for (let index = 0; index < REALISTIC_PER_STATUS; index++) {
      const traceId = status === "success" ? sampledTraceId(sampler, true) : randomTraceId();
      const payload = asSent(realisticTrace(random, { traceId, status, startedAt: new Date(Date.now() - 600_000) }));
      const measured = await storeAndMeasure(payload, traceId);
      realistic[status].push(measured.size);
      sample[status] ??= measured.document;
    }
  }
  await clearDatabase();
  const average = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const ratio = largest.size / LIMITS.storedDocumentBytes;
  return {
    realistic: { success: average(realistic.success), error: average(realistic.error), sample: sample as RealisticSizes["sample"] },
    row: {
      id: "B6",
      name: "Largest stored document over adversarial inputs",
      ours: `${formatNumber(largest.size)} B`,
      anchor: `${formatNumber(LIMITS.storedDocumentBytes)} B (64 KiB budget)`,
      ratio: formatRatio(ratio),
      target: "<= 1x (64 KiB)",
      met: ratio <= 1,
      notes: [
        "Each input is sent to `handleRecordTrace` as is (no tracer, no client-side cutting), stored on the emulator, read back, and measured with core's `storedDocumentSize` (Firestore's documented size rules: UTF-8 bytes + 1 per string, 8 per number and timestamp, the document name, 32 bytes of overhead).",
        `Inputs (size sent as JSON, size stored): ${adversarial.map((entry) => `${entry.name}: ${formatNumber(entry.payloadBytes / 1024)} KiB sent, ${formatNumber(entry.size)} B stored (${entry.tools} tool call${entry.tools === 1 ? "" : "s"} kept, ${formatNumber(entry.shortened)} of them shortened, ${formatNumber(entry.dropped)} counted as dropped)`).join("; ")}.`,
        `Over the ${formatNumber(LIMITS.toolTracesBytes / 1024)} KiB tool-call budget, inputs and outputs are cut shorter (successful calls' first) before whole calls are dropped; the run fails if an input marked to keep its shape stores fewer than ${LIMITS.maxToolTraces} calls or loses a failed one.`,
        `Largest: "${largest.name}". Realistic runs through the same path: ${formatNumber(average(realistic.success))} B per success and ${formatNumber(average(realistic.error))} B per failure on average (${REALISTIC_PER_STATUS} each), used by B7.`,
      ],
    },
  };
}

/** Throws unless the stored run kept as many calls as the count limit allows, every failed one among them. */
function checkShapeKept(name: string, sent: readonly { is_error: boolean }[], stored: readonly { is_error: boolean }[]): void {
  const failedSent = sent.filter((tool) => tool.is_error).length;
  const failedStored = stored.filter((tool) => tool.is_error).length;
  const expected = Math.min(sent.length, LIMITS.maxToolTraces);
  if (stored.length < expected || failedStored < Math.min(failedSent, LIMITS.maxToolTraces)) {
    throw new Error(`B6: "${name}" stored ${stored.length} of ${sent.length} tool calls (${failedStored} of ${failedSent} failed ones); expected ${expected}, every failed one kept`);
  }
}
