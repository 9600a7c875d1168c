import { strict as assert } from "node:assert";
import { FirebaseError } from "firebase/app";
import { Timestamp, type DocumentData } from "firebase-admin/firestore";
import { HttpsError, type CallableRequest } from "firebase-functions/v2/https";
import { cutText, LIMITS, randomTraceId, type TraceInput } from "@agent-traces/core";
import { REDACTED } from "../../../packages/core/src/redact.js";
import { TRACES_COLLECTION } from "@agent-traces/admin";
import { flush, withTrace, type RecordTraceResult, type TraceSendError } from "@agent-traces/tracer";
import type { RecordTraceConfig } from "../../../functions/src/config.js";
import { handleRecordTrace } from "../../../functions/src/recordTrace/recordTraceHandler.js";
import { leaks, secretCorpus } from "../../support/fakeSecrets.js";
import { adminFirestore, clearFirestore, clientSession, functionsOrigin, projectId, type ClientSession } from "../support/emulators.js";
import { aTrace } from "../support/traces.js";
import { withoutFunctionLogs } from "./support/quietLogs.js";

/** functions/.env.demo-agent-traces */
const DAY_MS = 86_400_000;
/** Fields only the server sets; a payload may not. */
const SERVER_FIELDS = ["recorded_by", "received_at", "expire_at", "sample_rate", "weight", "kept_for", "cost_usd", "schema_version", "duration_ms", "tool_error_count", "failed_tools"] as const;

async function storedDoc(traceId: string): Promise<DocumentData | undefined> {
  return (await adminFirestore().collection(TRACES_COLLECTION).doc(traceId).get()).data();
}

async function rejection(call: Promise<unknown>): Promise<FirebaseError> {
  const error = await call.then(
    (result) => assert.fail(`expected a rejection, got ${JSON.stringify(result)}`),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof FirebaseError, String(error));
  return error;
}

/** The callable's raw HTTP protocol, for callers that are not the SDK. */
async function rawCall(body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: { error?: { status: string; message: string }; result?: unknown } }> {
  const url = `${functionsOrigin().origin}/${projectId}/us-central1/recordTrace`;
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as { error?: { status: string; message: string } } };
}

/** Every string in a stored document: values at any depth, and map keys. */
function storedStrings(value: unknown, into: string[] = []): string[] {
  if (typeof value === "string") into.push(value);
  else if (value instanceof Timestamp) return into;
  else if (Array.isArray(value)) for (const item of value) storedStrings(item, into);
  else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      into.push(key);
      storedStrings(item, into);
    }
  }
  return into;
}

describe("security: who may write, what a caller cannot set, what is never stored", () => {
  let client: ClientSession;
  before(async () => {
    await clearFirestore();
    client = await clientSession();
  });
  after(async () => client?.close());

  describe("callers without a signed-in user", () => {
    const config: RecordTraceConfig = { sampleRate: 1, ttlDays: 7, errorTtlDays: 7, enforceAppCheck: false, rateLimitPerMinute: 0, captureContent: true };

    it("in-process: no auth, or auth without a uid, is unauthenticated and writes nothing to Firestore", async () => {
      for (const auth of [undefined, { uid: "", token: {} as never, rawToken: "" }]) {
        const trace = aTrace({ status: "error" });
        const error = await handleRecordTrace({ auth, data: trace }, { db: adminFirestore(), config }).then(
          () => assert.fail("accepted without auth"),
          (caught: unknown) => caught,
        );
        assert.ok(error instanceof HttpsError && error.code === "unauthenticated", String(error));
        assert.equal(await storedDoc(trace.trace_id), undefined);
      }
    });

    it("through the emulator: an SDK client never signed in, or signed out, is unauthenticated", async () => {
      const never = await clientSession({ signedIn: false });
      const signedOut = await clientSession();
      await signedOut.auth.signOut();
      try {
        for (const session of [never, signedOut]) {
          const trace = aTrace({ status: "error" });
          assert.equal((await rejection(session.callRecordTrace(trace))).code, "functions/unauthenticated");
          assert.equal(await storedDoc(trace.trace_id), undefined);
        }
      } finally {
        await never.close();
        await signedOut.close();
      }
    });

    it("through the emulator: raw HTTP without a token, or with a malformed one, is unauthenticated", async () => {
      const variants: Record<string, string>[] = [{}, { authorization: "Bearer not-a-jwt" }, { authorization: "Basic dXNlcjpwYXNz" }, { authorization: "Bearer a.b.c" }];
    for (const headers of variants) {
        const trace = aTrace({ status: "error" });
        const { status, body } = await rawCall({ data: trace }, headers);
        assert.equal(body.error?.status, "UNAUTHENTICATED", `${JSON.stringify(headers)}: ${status} ${JSON.stringify(body)}`);
        assert.equal(status, 401);
        assert.equal(await storedDoc(trace.trace_id), undefined);
      }
    });
  });

  describe("App Check enforcement (in-process handler, real Firestore)", () => {
    const signedIn = { uid: "app-check-caller", token: {} as never, rawToken: "" };
    const app = { appId: "1:1234567890:web:0123456789abcdef", token: {} as never } as CallableRequest["app"];
    const call = (enforceAppCheck: boolean, withApp: boolean, trace: TraceInput) =>
      withoutFunctionLogs(() =>
        handleRecordTrace(
          { auth: signedIn, ...(withApp ? { app } : {}), data: trace },
          { db: adminFirestore(), config: { sampleRate: 1, ttlDays: 7, errorTtlDays: 7, enforceAppCheck, rateLimitPerMinute: 0, captureContent: true } },
        ),
      );

    it("switched on: a call without a verified App Check token is unauthenticated and writes nothing", async () => {
      const trace = aTrace({ status: "error" });
      const error = await call(true, false, trace).then(() => assert.fail("accepted without App Check"), (caught: unknown) => caught);
      assert.ok(error instanceof HttpsError && error.code === "unauthenticated", String(error));
      assert.match(error.message, /App Check/);
      assert.equal(await storedDoc(trace.trace_id), undefined);
    });

    it("switched on: a call with one goes on and is stored", async () => {
      const trace = aTrace({ status: "error" });
      assert.deepEqual(await call(true, true, trace), { trace_id: trace.trace_id, stored: true, reason: "error" });
      assert.equal((await storedDoc(trace.trace_id))?.recorded_by, signedIn.uid);
    });

    it("switched off: a call without one is stored", async () => {
      const trace = aTrace({ status: "timeout" });
      assert.deepEqual(await call(false, false, trace), { trace_id: trace.trace_id, stored: true, reason: "timeout" });
    });
  });

  describe("server-set fields cannot be set by the payload", () => {
    for (const field of SERVER_FIELDS) {
      it(`a top-level ${field} is rejected, naming it, and nothing is written`, async () => {
        // A success: a failed run is stored with them left out instead (test/integration/repair.test.ts).
        const trace = { ...aTrace({ status: "success" }), [field]: field === "recorded_by" ? "attacker" : field.endsWith("_at") ? "2099-01-01T00:00:00Z" : 1 };
        const error = await rejection(client.callRecordTrace(trace));
        assert.equal(error.code, "functions/invalid-argument");
        assert.ok(error.message.startsWith(`Invalid trace: ${field}: unknown field`), error.message);
        assert.equal(await storedDoc(trace.trace_id), undefined);
      });
    }

    it("all of them at once, or inside a tool call, are rejected too", async () => {
      const all = { ...aTrace({ status: "success" }), ...Object.fromEntries(SERVER_FIELDS.map((field) => [field, "spoofed"])) };
      const error = await rejection(client.callRecordTrace(all));
      assert.deepEqual((error as FirebaseError & { details: { fields: string[] } }).details.fields, [...SERVER_FIELDS]);
      const inTool = aTrace({ status: "success" });
      (inTool.tool_traces![0] as Record<string, unknown>).recorded_by = "attacker";
      assert.match((await rejection(client.callRecordTrace(inTool))).message, /^Invalid trace: tool_traces\[0\]\.recorded_by: unknown field/);
      for (const trace of [all, inTool]) assert.equal(await storedDoc(trace.trace_id as string), undefined);
    });

    it("inside metadata they are stored as metadata, and the top-level fields stay the server's", async () => {
      const spoofed = {
        recorded_by: "attacker",
        received_at: { seconds: 0, nanoseconds: 0 },
        expire_at: "9999-12-31T23:59:59Z",
        sample_rate: 1,
        schema_version: 99,
        duration_ms: -5,
        tool_error_count: 1000,
      };
      const trace = aTrace({ status: "error", metadata: { ...spoofed, model: "gemini" } });
      const before = Date.now();
      assert.deepEqual(await client.callRecordTrace(trace), { trace_id: trace.trace_id, stored: true, reason: "error" });
      const after = Date.now();
      const doc = await storedDoc(trace.trace_id);
      assert.ok(doc);
      assert.equal(doc.recorded_by, client.uid);
      assert.ok(doc.received_at instanceof Timestamp && doc.expire_at instanceof Timestamp);
      const receivedAt = (doc.received_at as Timestamp).toMillis();
      assert.ok(receivedAt >= before - 2_000 && receivedAt <= after + 2_000, `received_at ${new Date(receivedAt).toISOString()}`);
      assert.equal((doc.expire_at as Timestamp).toMillis() - receivedAt, 7 * DAY_MS);
      assert.equal(doc.sample_rate, 1); // a failure is always stored: its inclusion probability is 1
      assert.equal(doc.schema_version, 1);
      assert.equal(doc.duration_ms, Date.parse(trace.ended_at!) - Date.parse(trace.started_at));
      assert.equal(doc.tool_error_count, 0);
      assert.deepEqual(doc.metadata, { ...spoofed, model: "gemini" });
    });

    it("another caller cannot overwrite, claim or shadow a stored trace: its copy answers conflict and changes nothing", async () => {
      const trace = aTrace({ status: "error", final_output: "the original" });
      assert.equal(((await client.callRecordTrace(trace)) as RecordTraceResult).stored, true);
      const first = await storedDoc(trace.trace_id);
      const intruder = await clientSession();
      try {
        assert.notEqual(intruder.uid, client.uid);
        for (const traceId of [trace.trace_id, trace.trace_id.toUpperCase()]) {
          const copy = { ...trace, trace_id: traceId, final_output: "overwritten", status: "timeout" as const, metadata: { owner: "intruder" } };
          assert.deepEqual(await intruder.callRecordTrace(copy), { trace_id: trace.trace_id, stored: false, reason: "conflict" });
          // Not even the exact run passes for a retry: the document is the caller's that created it.
          assert.deepEqual(await intruder.callRecordTrace({ ...trace, trace_id: traceId }), { trace_id: trace.trace_id, stored: false, reason: "conflict" });
        }
      } finally {
        await intruder.close();
      }
      assert.deepEqual(await storedDoc(trace.trace_id), first);
    });
  });

  describe("fake secrets sent through the functions emulator are never stored", () => {
    const corpus = secretCorpus();
    const secrets = corpus.flatMap((entry) => entry.secrets);
    /** One payload per corpus text, the text in every free-text place a trace has, under innocent and sensitive keys. */
    const payloadFor = (text: string): TraceInput =>
      aTrace({
        status: "error",
        tool_traces: [
          {
            name: "run_shell",
            input: { command: text, query: text, args: { body: text, nested: [text, { deeper: text }] }, list: [text], api_key: text, headers: { Authorization: text } },
            output: text,
            duration_ms: 12,
            is_error: true,
            timestamp: new Date().toISOString(),
          },
          { name: "fetch_page", input: { url: text }, output: `ok: ${text}`, duration_ms: 3, is_error: false, timestamp: new Date().toISOString() },
        ],
        final_output: text,
        metadata: { error: text, note: text, context: { log: text, lines: [text, { line: text }] }, password: text, config: { client_secret: text } },
      });

    /** Asserts that no 10-character piece of any corpus secret is in any string of the stored trace. */
    async function assertNoSecretStored(traceId: string, what: string): Promise<void> {
      const doc = await storedDoc(traceId);
      assert.ok(doc, `${what}: the trace was stored`);
      const strings = storedStrings(doc);
      assert.ok(strings.some((text) => text.includes(REDACTED)), `${what}: something was redacted`);
      for (const secret of secrets) {
        for (const text of strings) {
          const leaked = leaks(text, secret);
          assert.equal(leaked, undefined, `${what}: "${leaked}" of a secret is stored in: ${text.slice(0, 300)}`);
        }
      }
    }

    it(`has at least 30 distinct fake secrets, each of which would be stored if it were not redacted`, () => {
      assert.ok(corpus.length >= 30 && new Set(secrets).size === secrets.length, `${corpus.length} texts, ${secrets.length} secrets`);
      for (const entry of corpus) {
        for (const secret of entry.secrets) {
          // final_output keeps 1000 characters: without redaction, the secret would be stored there.
          assert.ok(leaks(cutText(entry.text, LIMITS.finalOutputChars), secret), `${entry.name}: the secret survives the cut`);
        }
      }
    });

    it("raw payloads (redacted only by the server): no piece of a secret in any stored field", async function () {
      this.timeout(120_000);
      for (const entry of corpus) {
        const trace = payloadFor(entry.text);
        assert.deepEqual(await client.callRecordTrace(trace), { trace_id: trace.trace_id, stored: true, reason: "error" }, entry.name);
        await assertNoSecretStored(trace.trace_id, entry.name);
      }
    });

    it("runs recorded by the tracer: secrets in tool inputs and outputs, output, metadata and the thrown error", async function () {
      this.timeout(120_000);
      const failed: TraceSendError[] = [];
      const sent: RecordTraceResult[] = [];
      const ids = new Map<string, string>();
      await withoutFunctionLogs(async () => {
        for (const entry of corpus) {
          const thrown = new Error(entry.text);
          await assert.rejects(
            withTrace(
              { functions: client.functions, sampleRate: 1, metadata: { note: entry.text }, onError: (error) => failed.push(error), onSent: (result) => sent.push(result) },
              async (trace) => {
                ids.set(entry.name, trace.traceId);
                await trace.tool("lookup", { query: entry.text, options: { raw: entry.text } }, () => `found ${entry.text}`);
                trace.setMetadata("context", { log: entry.text });
                trace.setOutput(entry.text);
                throw thrown;
              },
            ),
            (error) => error === thrown,
          );
          // One send at a time: a burst of dozens of concurrent calls stalls the functions emulator.
          await flush();
        }
      });
      assert.deepEqual(failed, []);
      // "duplicate": an attempt the client gave up on was stored after all, and its retry found it.
      assert.deepEqual(sent.map((result) => result.trace_id).sort(), [...ids.values()].sort());
      assert.ok(sent.every((result) => result.stored || result.reason === "duplicate"), JSON.stringify(sent));
      for (const [name, traceId] of ids) await assertNoSecretStored(traceId, `${name} (tracer)`);
    });
  });
});

/** Trace ids are checked before anything: an id that is not a W3C trace id never becomes a document path. */
describe("security: hostile trace ids", () => {
  let client: ClientSession;
  before(async () => (client = await clientSession()));
  after(async () => client?.close());

  it("path-like and oversized ids are rejected naming trace_id, and no document appears", async () => {
    const before = (await adminFirestore().collection(TRACES_COLLECTION).get()).size;
    for (const traceId of ["../trace_reports/x", "a/b", `${randomTraceId()}/sub/doc`, "__name__", ".", "..", "x".repeat(2_000), `${randomTraceId()} `]) {
      // A success: a failed run is stored under an id derived from it instead (test/integration/repair.test.ts).
      const error = await rejection(client.callRecordTrace({ ...aTrace({ status: "success" }), trace_id: traceId }));
      assert.equal(error.code, "functions/invalid-argument");
      assert.match(error.message, /^Invalid trace: trace_id: /);
    }
    assert.equal((await adminFirestore().collection(TRACES_COLLECTION).get()).size, before);
  });
});

