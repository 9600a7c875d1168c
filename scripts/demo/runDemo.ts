import { initializeApp, deleteApp } from "firebase/app";
import { connectAuthEmulator, getAuth, signInAnonymously } from "firebase/auth";
import { connectFunctionsEmulator, getFunctions } from "firebase/functions";
import { flush, withTrace, type RecordTraceResult, type TraceSendError } from "@agent-traces/tracer";
import { runAgent, seededRandom, SKILLS } from "./demoAgent.js";
import { runDemoReport } from "./runDemoReport.js";

const RUNS = 50;
const QUESTIONS = ["quarterly revenue", "team offsite", "refund for order 1042", "GPU prices", "onboarding plan", "password reset"];

/**
 * Runs the demo agent against the local stack through the real callable and says what happened, then
 * has the scheduled error report run over the hour its runs were stored in, or both hours when it
 * crossed one (runDemoReport).
 */
export async function runDemo(env: Record<string, string>): Promise<void> {
  const startedAt = new Date();
  const app = initializeApp({ projectId: env.GCLOUD_PROJECT, apiKey: "demo-api-key" }, "agent-traces-demo");
  const auth = getAuth(app);
  connectAuthEmulator(auth, `http://${env.FIREBASE_AUTH_EMULATOR_HOST}`, { disableWarnings: true });
  const functions = getFunctions(app);
  const origin = new URL(env.FUNCTIONS_EMULATOR_ORIGIN!);
  connectFunctionsEmulator(functions, origin.hostname, Number(origin.port));
  await signInAnonymously(auth);

  console.log(`Demo: running the sample agent ${RUNS} times through httpsCallable('recordTrace')…`);
  const answers: RecordTraceResult[] = [];
  const failures: TraceSendError[] = [];
  const random = seededRandom(42);
  const outcomes = { success: 0, crashed: 0 };
  for (let run = 0; run < RUNS; run++) {
    const skill = SKILLS[run % SKILLS.length]!;
    const question = QUESTIONS[Math.floor(random() * QUESTIONS.length)]!;
    try {
      await withTrace(
        { functions, userId: `demo-user-${1 + (run % 4)}`, skill, metadata: { model: "gemini-2.5-flash", run }, onSent: (answer) => answers.push(answer), onError: (error) => failures.push(error) },
        () => runAgent(skill, question, random),
      );
      outcomes.success++;
    } catch {
      outcomes.crashed++; // the agent's own error, rethrown by withTrace after it was recorded
    }
  }
  await flush();
  await deleteApp(app);

  const byReason = (...reasons: string[]) => answers.filter((answer) => reasons.includes(answer.reason)).length;
  const stored = answers.filter((answer) => answer.stored);
  const firstError = answers.find((answer) => answer.reason === "error");
  console.log(
    [
      "",
      `Demo finished: ${RUNS} runs (${outcomes.crashed} threw).`,
      `  sent to recordTrace: ${answers.length + failures.length}   stored: ${stored.length} (errors ${byReason("error")}, timeouts ${byReason("timeout")}, kept by a rule ${byReason("failed_tool", "slow", "tokens", "cost")}, sampled successes ${byReason("sampled")})`,
      `  sampled out: ${RUNS - answers.length - failures.length} successes not sent by the tracer, ${byReason("sampled_out")} dropped by the server (sample rate 0.1)`,
      ...(byReason("duplicate") ? [`  duplicate: ${byReason("duplicate")} retried sends of traces already stored (stored once)`] : []),
      ...(failures.length ? [`  not delivered: ${failures.length} (${failures[0]!.message})`] : []),
      "",
      "Inspect them:",
      "  npm run traces -- list",
      "  npm run traces -- list --status error",
      ...(firstError ? [`  npm run traces -- show ${firstError.trace_id}`] : []),
      "  npm run report -- --window-start <ISO hour> --hours 1",
      "",
    ].join("\n"),
  );
  try {
    await runDemoReport(env, startedAt);
  } catch (error) {
    // The stack and the stored runs stand without the report: say why it is missing.
    console.error(`The demo's error report did not run: ${error instanceof Error ? error.message : String(error)}`);
  }
}
