import { strict as assert } from "node:assert";
import { randomUUID } from "node:crypto";
import { createServer, type AddressInfo } from "node:net";
import { deleteApp, initializeApp, type FirebaseApp } from "firebase/app";
import { connectFunctionsEmulator, getFunctions, type Functions, type FunctionsError } from "firebase/functions";
import { flush, TraceSendError, withTrace } from "@agent-traces/tracer";

/** A port that was free a moment ago, so connecting to it is refused. */
async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  return port;
}

describe("tracer with the real Firebase JS SDK and the functions endpoint unreachable", () => {
  let app: FirebaseApp;
  let functions: Functions;

  before(async () => {
    app = initializeApp({ projectId: "demo-agent-traces", apiKey: "fake-api-key" }, `tracer-test-${randomUUID()}`);
    functions = getFunctions(app);
    connectFunctionsEmulator(functions, "127.0.0.1", await unusedPort());
  });

  after(async () => {
    await flush();
    await deleteApp(app);
  });

  const retry = { attempts: 3, initialDelayMs: 100, maxDelayMs: 200 };

  it("returns the agent's result at once and reports through onError after the retries", async () => {
    const events: string[] = [];
    let reported!: (error: TraceSendError) => void;
    const errorReported = new Promise<TraceSendError>((resolve) => (reported = resolve));
    const answer = { text: "It will rain tomorrow." };
    let traceId = "";

    const start = performance.now();
    const result = await withTrace(
      { functions, sampleRate: 1, retry, onError: (error) => (events.push("onError"), reported(error)) },
      async (trace) => {
        traceId = trace.traceId;
        await trace.tool("weather", { city: "Paris" }, () => "rain");
        trace.setOutput(answer.text);
        return answer;
      },
    );
    const returnedAfter = performance.now() - start;
    events.push("returned");

    assert.equal(result, answer);
    const error = await errorReported;
    const reportedAfter = performance.now() - start;
    assert.deepEqual(events, ["returned", "onError"]);
    // The two waits between three attempts are at least 50 + 100 ms.
    assert.ok(reportedAfter - returnedAfter >= 145, `returned after ${returnedAfter} ms, reported after ${reportedAfter} ms`);
    assert.ok(error instanceof TraceSendError);
    assert.equal(error.traceId, traceId);
    assert.equal(error.attempts, 3);
    assert.equal((error.cause as FunctionsError).code, "functions/internal", "the SDK's code for a request that got no response");
  });

  it("rethrows the agent's own error unchanged while the error trace fails to send in the background", async () => {
    const failure = new Error("tool budget exhausted");
    const errors: TraceSendError[] = [];
    let traceId = "";
    await assert.rejects(
      withTrace({ functions, retry, onError: (error) => errors.push(error) }, (trace) => {
        traceId = trace.traceId;
        throw failure;
      }),
      (error) => error === failure,
    );
    assert.equal(errors.length, 0, "withTrace did not wait for the send");
    await flush();
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.traceId, traceId);
    assert.equal(errors[0]!.attempts, 3);
  });
});
