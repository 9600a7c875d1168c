import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { randomTraceId } from "@agent-traces/core";
import { getTrace } from "@agent-traces/admin";
import { createTracer, type RecordTraceResult, type TraceSendError } from "@agent-traces/tracer";
import { functionsEnv } from "../../scripts/stack/functionsEnv.js";
import { adminFirestore, clearFirestore, clientSession, projectId, type ClientSession } from "./support/emulators.js";

const LONG_TYPE = "type.googleapis.com/google.protobuf.Int64Value";

describe("the error contract: never internal for what a client can cause", () => {
  let client: ClientSession;

  before(async () => {
    await clearFirestore();
    client = await clientSession();
  });
  after(async () => client.close());

  it('stores a traced run with "@type" and hasOwnProperty keys as sent (the tracer escapes them for the wire)', async () => {
    const sent: RecordTraceResult[] = [];
    const failed: TraceSendError[] = [];
    const tracer = createTracer({ functions: client.functions, sampleRate: 1, onSent: (result) => sent.push(result), onError: (error) => failed.push(error) });
    const jsonLd = { "@context": "https://schema.org", "@type": "Person", name: "Ada", knows: [{ "@type": "Person", name: "Bob" }] };
    const protobuf = { "@type": LONG_TYPE, value: "12" };
    let traceId = "";
    await tracer
      .withTrace({ skill: "json-ld", metadata: { person: jsonLd, count: protobuf, "@type": "AgentRun", "@@type": "literal", hasOwnProperty: "yes" } }, async (trace) => {
        traceId = trace.traceId;
        await trace.tool("lookup", { "@type": "Query", hasOwnProperty: "x", q: "ada" }, () => "found");
        throw new Error("failed after the lookup");
      })
      .catch(() => undefined);
    assert.equal(await tracer.flush(20_000), true);
    assert.deepEqual(failed.map((error) => error.message), []);
    assert.deepEqual(sent.map((result) => [result.trace_id, result.stored]), [[traceId, true]]);
    const stored = await getTrace(adminFirestore(), traceId);
    assert.ok(stored);
    assert.deepEqual(stored.metadata.person, jsonLd);
    assert.deepEqual(stored.metadata.count, protobuf, "a protobuf-JSON value is kept as sent, not decoded into a number");
    assert.equal(stored.metadata["@type"], "AgentRun");
    assert.equal(stored.metadata["@@type"], "literal");
    assert.equal(stored.metadata.hasOwnProperty, "yes");
    assert.deepEqual(stored.tool_traces[0]!.input, { "@type": "Query", hasOwnProperty: "x", q: "ada" });
  });

  it("answers a raw caller's unescaped \"@type\" key the way the README says (the decoder's internal, before our handler)", async () => {
    const traceId = randomTraceId();
    const raw = { trace_id: traceId, started_at: new Date().toISOString(), status: "error", metadata: { "@type": "Person" } };
    await assert.rejects(client.callRecordTrace(raw), (error: { code?: string }) => error.code === "functions/internal");
    assert.equal(await getTrace(adminFirestore(), traceId), undefined, "nothing is written");
  });

  it("answers every call with failed-precondition naming a misconfigured param, checked and logged once per instance", async () => {
    // A fresh process is a cold start of the real functions entry point (index.ts), with a bad param.
    const script = `
      const { recordTrace } = await import(${JSON.stringify(fileURLToPath(new URL("../../functions/src/index.ts", import.meta.url)))});
      const request = { auth: { uid: "u1", token: {} }, data: { trace_id: "${randomTraceId()}", started_at: new Date().toISOString(), status: "error" } };
      for (let call = 0; call < 2; call++) {
        try { await recordTrace.run(request); console.log("ANSWER " + JSON.stringify({ ok: true })); }
        catch (error) { console.log("ANSWER " + JSON.stringify({ code: error.code, message: error.message, details: error.details })); }
      }
      process.exit(0);`;
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ["--import", "tsx", "--conditions=source", "--input-type=module", "-e", script], {
      env: { ...process.env, ...functionsEnv(projectId), TRACE_SAMPLE_RATE: "2", TRACE_TTL_DAYS: "0", FUNCTIONS_EMULATOR: "" },
      cwd: fileURLToPath(new URL("../..", import.meta.url)),
    });
    const answers = stdout.split("\n").filter((line) => line.startsWith("ANSWER ")).map((line) => JSON.parse(line.slice(7)) as { code?: string; message?: string; details?: { params?: string[] } });
    assert.equal(answers.length, 2, stdout + stderr);
    for (const answer of answers) {
      assert.equal(answer.code, "failed-precondition");
      assert.deepEqual(answer.details?.params, ["TRACE_SAMPLE_RATE", "TRACE_TTL_DAYS"]);
      assert.match(answer.message!, /TRACE_SAMPLE_RATE must be a number from 0 to 1, got "2"/);
      assert.match(answer.message!, /TRACE_TTL_DAYS must be a whole number from 1 to 3650, got 0/);
    }
    const logged = `${stdout}\n${stderr}`.split("\n").filter((line) => line.includes("config_invalid"));
    assert.equal(logged.length, 1, `logged once, not per call:\n${logged.join("\n")}`);
  });
});
