/**
 * A Node service that traces its agent's runs with @agent-traces/tracer: it signs in (anonymously,
 * on the Auth emulator), sends a failed run and successful runs until the server keeps one, waits
 * until every run is answered, prints one JSON line (see Report) and exits.
 *
 * Its Firebase project and emulators come from the environment: GCLOUD_PROJECT,
 * FIREBASE_AUTH_EMULATOR_HOST (host:port) and FUNCTIONS_EMULATOR_ORIGIN (http://host:port).
 */
import { deleteApp, initializeApp, SDK_VERSION } from "firebase/app";
import { connectAuthEmulator, getAuth, signInAnonymously, signOut } from "firebase/auth";
import { connectFunctionsEmulator, getFunctions } from "firebase/functions";
import { flush, withTrace, type RecordTraceResult, type WithTraceOptions } from "@agent-traces/tracer";
import { answerRefundRequest, answerStatusQuestion, SKILL } from "./agent.js";
import { FLUSH_TIMEOUT_MS, MAX_ROUNDS, RUNS_PER_ROUND, type Report } from "./report.js";

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const app = initializeApp({ projectId: required("GCLOUD_PROJECT"), apiKey: "fake-api-key" });
const auth = getAuth(app);
connectAuthEmulator(auth, `http://${required("FIREBASE_AUTH_EMULATOR_HOST")}`, { disableWarnings: true });
const functions = getFunctions(app);
const functionsOrigin = new URL(required("FUNCTIONS_EMULATOR_ORIGIN"));
connectFunctionsEmulator(functions, functionsOrigin.hostname, Number(functionsOrigin.port));

try {
  const { user } = await signInAnonymously(auth);
  const sent: RecordTraceResult[] = [];
  const errors: string[] = [];
  const traced: WithTraceOptions = {
    functions,
    sampleRate: 1,
    userId: "customer-7",
    skill: SKILL,
    metadata: { app: "node-service" },
    onSent: (result) => sent.push(result),
    onError: (error) => errors.push(error.message),
  };

  const failed = { traceId: "", thrown: "" };
  try {
    await withTrace(traced, (trace) => {
      failed.traceId = trace.traceId;
      return answerRefundRequest(trace, "A-1001");
    });
  } catch (error) {
    failed.thrown = error instanceof Error ? error.message : String(error);
  }

  const successes: string[] = [];
  const keptOne = () => sent.some((result) => result.stored && successes.includes(result.trace_id));
  let flushed = await flush(FLUSH_TIMEOUT_MS);
  for (let round = 0; round < MAX_ROUNDS && flushed && errors.length === 0 && !keptOne(); round++) {
    for (let run = 0; run < RUNS_PER_ROUND; run++) {
      await withTrace(traced, (trace) => {
        successes.push(trace.traceId);
        return answerStatusQuestion(trace, "A-1002");
      });
    }
    flushed = await flush(FLUSH_TIMEOUT_MS);
  }

  const report: Report = { app: "node-service", firebaseVersion: SDK_VERSION, uid: user.uid, failed, successes, sent, errors, flushed };
  console.log(JSON.stringify(report));
} finally {
  await signOut(auth).catch(() => undefined);
  await deleteApp(app);
}
