import { strict as assert } from "node:assert";
import fc from "fast-check";
import { FirebaseError } from "firebase/app";
import { HttpsError } from "firebase-functions/v2/https";
import { DEFAULT_KEEP_RULES, DEFAULT_PRICES, LIMITS, matchKeepRule, MAX_CALL_BYTES, TraceIdRatioBasedSampler, type KeepRuleFacts, type KeepRules, type RecordTraceResult } from "@agent-traces/core";
import { storedDocumentSize } from "../../../packages/core/src/storedSize.js";
import { TRACES_COLLECTION } from "@agent-traces/admin";
import type { RecordTraceConfig } from "../../../functions/src/config.js";
import { handleRecordTrace } from "../../../functions/src/recordTrace/recordTraceHandler.js";
import { checkAnswer, describePayload, fuzzCaseArb, payloadWithId, traceIdSequence, type FuzzCase, type Rejection } from "../../support/fuzzTraces.js";
import { adminFirestore, clearFirestore, clientSession, type ClientSession } from "../support/emulators.js";
import { withoutFunctionLogs } from "./support/quietLogs.js";

/**
 * Generated payloads (test/support/fuzzTraces.ts: valid traces, and valid traces broken at a known
 * field path) through recordTrace: in-process against the Firestore emulator, and through the
 * functions emulator with the real JS SDK. Every answer is a success or an invalid-argument naming
 * the field; nothing is written for a rejected payload; everything accepted and kept is stored
 * within LIMITS.storedDocumentBytes. FUZZ_SEED replays a run (fast-check prints the seed of a failure).
 */
const IN_PROCESS_RUNS = 10_000;
const EMULATOR_RUNS = 300;
/** functions/.env.demo-agent-traces: the rate the emulated function samples successes at. */
const DEMO_SAMPLE_RATE = 0.1;
/** functions/.env.demo-agent-traces: the keep rules the emulated function applies (TRACE_KEEP_*). */
const DEMO_KEEP_RULES: KeepRules = { failed_tool: true, slower_than_ms: 30_000 };
const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const caller = { uid: "fuzzer", token: {} as never, rawToken: "" };

type Answer = { ok: true; result: RecordTraceResult } | { ok: false; rejection: Rejection };

/**
 * The answer an accepted payload must get, from its status, the keep rule it meets (`rules`: the
 * server's; a single trace's sender kept every run) and whether the sampler keeps successes.
 */
function expectedResult(payload: unknown, traceId: string, keepsSuccess: boolean, rules: KeepRules): RecordTraceResult {
  const status = (payload as { status: string }).status;
  if (status === "error" || status === "timeout") return { trace_id: traceId, stored: true, reason: status };
  const rule = matchKeepRule(payload as KeepRuleFacts, rules, DEFAULT_PRICES);
  if (rule) return { trace_id: traceId, stored: true, reason: rule };
  return keepsSuccess ? { trace_id: traceId, stored: true, reason: "sampled" } : { trace_id: traceId, stored: false, reason: "sampled_out" };
}

function failure(problem: string, fuzzCase: FuzzCase, payload: unknown): string {
  return `${problem}\n  labels: ${fuzzCase.labels.join("; ") || "(valid trace)"}\n  payload: ${describePayload(payload)}`;
}

/**
 * Reads the whole collection once and checks that the documents of this run (ids with its prefix;
 * a write another test left in flight may land meanwhile) are exactly `storedIds`, each within the
 * size limit.
 */
async function assertStoredExactly(storedIds: Set<string>, prefix: string): Promise<{ documents: number; largest: number }> {
  const snapshot = await adminFirestore().collection(TRACES_COLLECTION).get();
  const docs = snapshot.docs.filter((doc) => doc.id.startsWith(prefix));
  let largest = 0;
  for (const doc of docs) {
    assert.ok(storedIds.has(doc.id), `execution_traces/${doc.id} was written, but its payload was rejected or sampled out`);
    const size = storedDocumentSize(`${TRACES_COLLECTION}/${doc.id}`, doc.data());
    assert.ok(size <= LIMITS.storedDocumentBytes, `execution_traces/${doc.id} is ${size} bytes`);
    assert.equal(doc.get("trace_id"), doc.id);
    largest = Math.max(largest, size);
  }
  assert.equal(docs.length, storedIds.size, "every accepted and kept payload is stored");
  return { documents: docs.length, largest };
}

describe("fuzzing recordTrace with generated payloads", () => {
  beforeEach(() => clearFirestore());

  it(`in-process: ${IN_PROCESS_RUNS} payloads through handleRecordTrace and the Firestore emulator`, async function () {
    this.timeout(240_000);
    const db = adminFirestore();
    const nextId = traceIdSequence();
    const storedIds = new Set<string>();
    const counts = { runs: 0, rejected: 0, accepted: 0, stored: 0, sampledOut: 0 };
    const started = performance.now();
    await withoutFunctionLogs(() =>
      fc.assert(
        // A case, and whether this call's config keeps successes (sampleRate 1) or drops them (0).
        fc.asyncProperty(fuzzCaseArb("in-process", 22), fc.boolean(), async (fuzzCase, keepsSuccess) => {
          counts.runs++;
          const traceId = nextId();
          const payload = payloadWithId(fuzzCase, traceId);
          const config: RecordTraceConfig = { sampleRate: keepsSuccess ? 1 : 0, ttlDays: 7, errorTtlDays: 7, enforceAppCheck: false, rateLimitPerMinute: 0, captureContent: true };
          let answer: Answer;
          try {
            answer = { ok: true, result: (await handleRecordTrace({ auth: caller, data: payload }, { db, config })) as RecordTraceResult };
          } catch (error) {
            assert.ok(error instanceof HttpsError, failure(`threw ${String(error)}, not an HttpsError`, fuzzCase, payload));
            answer = { ok: false, rejection: { code: error.code, message: error.message, fields: (error.details as { fields?: unknown } | undefined)?.fields } };
          }
          const problem = checkAnswer(fuzzCase, answer);
          assert.equal(problem, undefined, failure(problem!, fuzzCase, payload));
          if (!answer.ok) {
            counts.rejected++;
            return;
          }
          counts.accepted++;
          assert.deepEqual(answer.result, expectedResult(payload, traceId, keepsSuccess, DEFAULT_KEEP_RULES), failure("unexpected answer", fuzzCase, payload));
          if (answer.result.stored) storedIds.add(traceId);
          else counts.sampledOut++;
        }),
        { numRuns: IN_PROCESS_RUNS, seed },
      ),
    );
    const elapsed = performance.now() - started;
    counts.stored = storedIds.size;
    const { documents, largest } = await assertStoredExactly(storedIds, nextId.prefix);
    assert.equal(counts.runs, IN_PROCESS_RUNS);
    assert.ok(counts.stored >= 1_000, `only ${counts.stored} accepted payloads were written`);
    assert.ok(counts.rejected >= IN_PROCESS_RUNS / 2, `only ${counts.rejected} payloads were rejected`);
    console.log(`      ${JSON.stringify(counts)}; ${documents} documents, largest ${largest} bytes; ${(elapsed / 1000).toFixed(1)} s`);
  });

  describe(`through the functions emulator: ${EMULATOR_RUNS} payloads from the real JS SDK client`, () => {
    let client: ClientSession;
    before(async () => (client = await clientSession()));
    after(async () => client?.close());

    it("answers each as expected, stores what it keeps within the limit, writes nothing for a rejection", async function () {
      this.timeout(180_000);
      const db = adminFirestore();
      const sampler = new TraceIdRatioBasedSampler(DEMO_SAMPLE_RATE);
      const nextId = traceIdSequence();
      const storedIds = new Set<string>();
      const counts = { runs: 0, rejected: 0, tooLarge: 0, accepted: 0, stored: 0 };
      await fc.assert(
        fc.asyncProperty(fuzzCaseArb("wire", 40), async (fuzzCase) => {
          counts.runs++;
          const traceId = nextId();
          const payload = payloadWithId(fuzzCase, traceId);
          let answer: Answer;
          try {
            answer = { ok: true, result: (await client.callRecordTrace(payload)) as RecordTraceResult };
          } catch (error) {
            assert.ok(error instanceof FirebaseError, failure(`the SDK threw ${String(error)}, not a FirebaseError`, fuzzCase, payload));
            const details = (error as FirebaseError & { details?: { fields?: unknown } }).details;
            // The SDK adds the HTTP status to the server's message: "Invalid trace: … [400]".
            const message = error.message.replace(/ \[\d{3}\]$/, "");
            answer = { ok: false, rejection: { code: error.code.replace(/^functions\//, ""), message, fields: details?.fields } };
          }
          // A body over MAX_CALL_BYTES is refused as such when recordTrace's code is reached (callAdmission.ts),
          // never stored; the SDK's body is the payload's JSON within a kilobyte (undefined as null).
          const bodyBytes = Buffer.byteLength(JSON.stringify({ data: payload }) ?? "");
          const refusedAsTooLarge = !answer.ok && answer.rejection.code === "invalid-argument" && /^The request body is \d+ bytes, more than the \d+/.test(answer.rejection.message);
          assert.ok(!(answer.ok && bodyBytes > MAX_CALL_BYTES + 1_024), failure(`a body of ${bodyBytes} bytes was accepted`, fuzzCase, payload));
          if (refusedAsTooLarge) {
            assert.ok(bodyBytes > MAX_CALL_BYTES - 1_024, failure(`a body of ${bodyBytes} bytes was refused as over MAX_CALL_BYTES`, fuzzCase, payload));
            counts.tooLarge++;
            assert.ok(!(await db.collection(TRACES_COLLECTION).doc(traceId).get()).exists, failure("a body over the cap was written", fuzzCase, payload));
            return;
          }
          const problem = checkAnswer(fuzzCase, answer);
          assert.equal(problem, undefined, failure(problem!, fuzzCase, payload));
          const doc = fuzzCase.id === "keep" ? undefined : await db.collection(TRACES_COLLECTION).doc(traceId).get();
          if (!answer.ok) {
            counts.rejected++;
            assert.ok(!doc?.exists, failure("a rejected payload was written", fuzzCase, payload));
            return;
          }
          counts.accepted++;
          assert.deepEqual(answer.result, expectedResult(payload, traceId, sampler.shouldSample(traceId), DEMO_KEEP_RULES), failure("unexpected answer", fuzzCase, payload));
          assert.equal(doc!.exists, answer.result.stored, failure(`stored: ${answer.result.stored}, but the document ${doc!.exists ? "exists" : "does not"}`, fuzzCase, payload));
          if (!answer.result.stored) return;
          storedIds.add(traceId);
          assert.equal(doc!.get("recorded_by"), client.uid);
          const size = storedDocumentSize(`${TRACES_COLLECTION}/${traceId}`, doc!.data()!);
          assert.ok(size <= LIMITS.storedDocumentBytes, failure(`stored ${size} bytes`, fuzzCase, payload));
        }),
        { numRuns: EMULATOR_RUNS, seed },
      );
      counts.stored = storedIds.size;
      await assertStoredExactly(storedIds, nextId.prefix);
      assert.equal(counts.runs, EMULATOR_RUNS);
      assert.ok(counts.stored >= 30 && counts.rejected >= 100, JSON.stringify(counts));
      console.log(`      ${JSON.stringify(counts)}`);
    });
  });
});
