/**
 * A web app that traces its agent's runs with @agent-traces/tracer: it signs in anonymously, sends a
 * failed run and successful runs until the server keeps one, waits until every run is answered, then
 * sets `window.agentTraces` (see Report) and `data-ready="done"` on the body (`"error"` and the
 * message in [data-testid=error] when something failed).
 *
 * Its Firebase project and emulators come from the query string:
 * `?project=<id>&auth=<host:port>&functions=<http://host:port>&app=<name stored in the runs' metadata>`.
 */
import { initializeApp, SDK_VERSION } from "firebase/app";
import { connectAuthEmulator, getAuth, signInAnonymously } from "firebase/auth";
import { connectFunctionsEmulator, getFunctions } from "firebase/functions";
import { createTracer, type RecordTraceResult } from "@agent-traces/tracer";
import { answerRefundRequest, answerStatusQuestion, SKILL } from "./agent";
import { FLUSH_TIMEOUT_MS, MAX_ROUNDS, RUNS_PER_ROUND, type Report } from "./report";

declare global {
  interface Window {
    agentTraces?: Report;
  }
}

function showStatus(text: string): void {
  document.querySelector("#status")!.textContent = text;
}

async function main(): Promise<Report> {
  const query = new URLSearchParams(location.search);
  const param = (name: string): string => {
    const value = query.get(name);
    if (!value) throw new Error(`the page needs ?${name}=`);
    return value;
  };
  const appName = param("app");
  const firebaseApp = initializeApp({ projectId: param("project"), apiKey: "fake-api-key" });
  const auth = getAuth(firebaseApp);
  connectAuthEmulator(auth, `http://${param("auth")}`, { disableWarnings: true });
  const functions = getFunctions(firebaseApp);
  const functionsOrigin = new URL(param("functions"));
  connectFunctionsEmulator(functions, functionsOrigin.hostname, Number(functionsOrigin.port));

  showStatus("Signing in…");
  const { user } = await signInAnonymously(auth);

  const sent: RecordTraceResult[] = [];
  const errors: string[] = [];
  const tracer = createTracer({
    functions,
    sampleRate: 1,
    onSent: (result) => sent.push(result),
    onError: (error) => errors.push(error.message),
  });
  const run = { userId: "customer-7", skill: SKILL, metadata: { app: appName } };

  showStatus("Running the agent…");
  const failed = { traceId: "", thrown: "" };
  try {
    await tracer.withTrace(run, (trace) => {
      failed.traceId = trace.traceId;
      return answerRefundRequest(trace, "A-1001");
    });
  } catch (error) {
    failed.thrown = error instanceof Error ? error.message : String(error);
  }

  const successes: string[] = [];
  const keptOne = () => sent.some((result) => result.stored && successes.includes(result.trace_id));
  let flushed = await tracer.flush(FLUSH_TIMEOUT_MS);
  for (let round = 0; round < MAX_ROUNDS && flushed && errors.length === 0 && !keptOne(); round++) {
    for (let index = 0; index < RUNS_PER_ROUND; index++) {
      await tracer.withTrace(run, (trace) => {
        successes.push(trace.traceId);
        return answerStatusQuestion(trace, "A-1002");
      });
    }
    flushed = await tracer.flush(FLUSH_TIMEOUT_MS);
  }
  return { app: appName, firebaseVersion: SDK_VERSION, uid: user.uid, failed, successes, sent, errors, flushed };
}

main().then(
  (report) => {
    window.agentTraces = report;
    showStatus(`Sent ${report.sent.length} runs.`);
    document.body.dataset.ready = "done";
  },
  (error: unknown) => {
    document.querySelector("[data-testid=error]")!.textContent = error instanceof Error ? error.message : String(error);
    document.body.dataset.ready = "error";
  },
);
