import { strict as assert } from "node:assert";
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { deleteApp, initializeApp, type FirebaseApp } from "firebase/app";
import { connectFunctionsEmulator, getFunctions } from "firebase/functions";
import { createTracer, type RecordTraceResult } from "@agent-traces/tracer";

/**
 * A recordTrace deployed before keep rules, as the Firebase JS SDK sees it over the callable protocol:
 * its strict batch schema refuses `keep_rules` ("unknown field", the whole batch) and stores the rest.
 */
function olderRecordTrace(requests: Record<string, unknown>[]): Server {
  return createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      const data = (JSON.parse(body) as { data: { traces: { trace_id: string; status: string }[]; keep_rules?: unknown } }).data;
      requests.push(data);
      response.setHeader("content-type", "application/json");
      if (data.keep_rules !== undefined) {
        response.statusCode = 400;
        response.end(JSON.stringify({ error: { status: "INVALID_ARGUMENT", message: "Invalid batch: keep_rules: unknown field", details: { fields: ["keep_rules"] } } }));
        return;
      }
      response.end(JSON.stringify({ result: { results: data.traces.map((trace) => ({ trace_id: trace.trace_id, stored: true, reason: trace.status })) } }));
    });
  });
}

describe("tracer and a recordTrace deployed before keep rules", () => {
  let app: FirebaseApp;
  let server: Server;
  const requests: Record<string, unknown>[] = [];

  before(async () => {
    server = olderRecordTrace(requests);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    app = initializeApp({ projectId: "demo-agent-traces", apiKey: "fake-api-key" }, `older-server-${randomUUID()}`);
    connectFunctionsEmulator(getFunctions(app), "127.0.0.1", (server.address() as AddressInfo).port);
  });

  after(async () => {
    await deleteApp(app);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("sends the batch again without keep_rules, and every later batch without them: no failed run is lost", async () => {
    const answers: RecordTraceResult[] = [];
    const tracer = createTracer({ functions: getFunctions(app), onSent: (answer) => answers.push(answer), onError: (error) => assert.fail(error.message) });
    await tracer.withTrace({ skill: "first" }, () => Promise.reject(new Error("the model call failed"))).catch(() => undefined);
    assert.equal(await tracer.flush(20_000), true);
    await tracer.withTrace({ skill: "second" }, () => Promise.reject(new Error("the model call failed"))).catch(() => undefined);
    assert.equal(await tracer.shutdown(20_000), true);
    assert.deepEqual(answers.map((answer) => [answer.stored, answer.reason]), [[true, "error"], [true, "error"]]);
    assert.deepEqual(requests.map((request) => "keep_rules" in request), [true, false, false]);
  });
});
