import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { restartable, STACK_CONTROL_ENV, startStackControl, type StackControl } from "./control.js";
import { hostPort, readEmulatorPorts, type EmulatorName, type Endpoint } from "./emulatorPorts.js";
import { firestoreCommand } from "./firestoreCommand.js";
import { ensureLocalAdmin } from "./localAdmin.js";
import { planStack, type StackPlan } from "./plan.js";
import { claimStack, newStackRun, releaseStack, STACK_RUN_ENV } from "./ownership.js";
import { isPortOpen, startGroup, stopGroup, waitUntil, type ManagedProcess } from "./processes.js";

export const PROJECT_ID = "demo-agent-traces";
const READY_TIMEOUT_MS = 180_000;

export interface RunningStack {
  plan: StackPlan;
  ports: Record<EmulatorName, Endpoint>;
  /** The variables a client of the stack needs (exported to `exec` commands). */
  env: Record<string, string>;
  logFile: string;
}

export interface LocalStack {
  /**
   * Starts Firestore (the launcher's own process, see plan.ts), then Auth, Functions, Hosting (the
   * viewer) and Pub/Sub for the demo project, with firestore.rules loaded, creates the local admin
   * (localAdmin.ts), and resolves once every emulator answers.
   */
  start(): Promise<RunningStack>;
  /** Stops whatever has started so far; safe to call at any time, also during start(). */
  stop(): Promise<void>;
  /** Resolves, with what happened, when a process of the stack ends without stop() having asked it to. */
  crashed: Promise<string>;
}

export interface StackOptions {
  echo: boolean;
  /**
   * Serve control.ts's endpoint (Firestore stop/start, for fault-injection tests) and export its URL
   * as AGENT_TRACES_STACK_CONTROL. Off unless asked.
   */
  control?: boolean;
  /** Load the benchmark's no-op callable (bench/noopCallable) as a second functions codebase. Off unless asked. */
  bench?: boolean;
}

/** The firebase.json the benchmark's stack runs with: the project's, plus the no-op codebase. Removed when the stack stops. */
const BENCH_CONFIG = "firebase.bench.json";

/**
 * The stack of one launcher run. Everything it starts carries the run's marker (ownership.ts), so
 * stop() ends all of it, the Pub/Sub JVM firebase-tools detaches included, and a later start ends
 * what a SIGKILLed launcher left.
 */
export function localStack(root: string, options: StackOptions): LocalStack {
  const run = newStackRun();
  const recordPath = join(root, ".emulators", "stack.json");
  const processes: ManagedProcess[] = [];
  let control: StackControl | undefined;
  let claimed = false;
  let stopped = false;
  let reportCrash: (message: string) => void = () => undefined;
  const crashed = new Promise<string>((resolve) => (reportCrash = resolve));

  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= stopAll());
  const stopAll = async () => {
    stopped = true;
    // No Firestore restart may begin once stopping; one under way finishes (and is tracked) first.
    await control?.close();
    // firebase-tools first (it may still write to Firestore), then the Firestore JVM.
    for (const managed of [...processes].reverse()) await stopGroup(managed, "SIGINT", 15_000);
    if (claimed) await releaseStack(recordPath, run);
    if (options.bench) rmSync(join(root, BENCH_CONFIG), { force: true });
  };

  const spawnTracked = (name: string, command: string, args: string[], spawnOptions: { env?: NodeJS.ProcessEnv; onOutput: (text: string) => void }) =>
    startGroup(name, command, args, {
      cwd: root,
      env: { ...process.env, ...spawnOptions.env, [STACK_RUN_ENV]: run.runId },
      onOutput: spawnOptions.onOutput,
      onCrash: (managed, code) => {
        if (!stopped) reportCrash(`${managed.name} exited unexpectedly (code ${code}): stopping the stack.`);
      },
    });
  const track = (managed: ManagedProcess) => {
    processes.push(managed);
    if (stopped) void stopGroup(managed, "SIGKILL", 0);
    return managed;
  };

  const start = async (): Promise<RunningStack> => {
    const plan = planStack();
    ensureLocalSecrets(root);
    const ports = readEmulatorPorts(join(root, "firebase.json"));
    const logDir = join(root, ".emulators");
    mkdirSync(logDir, { recursive: true });
    const left = await claimStack(recordPath, run);
    claimed = true;
    if (stopped) {
      await releaseStack(recordPath, run);
      throw new Error("stopped while starting");
    }
    if (left > 0) console.log(`Stopped ${left} processes an earlier stack left running (its launcher was killed).`);
    await assertPortsFree(ports, plan);

    const logFile = join(logDir, "stack.log");
    const log = createWriteStream(logFile);
    // firebase-tools' output (function logs included) is echoed by `npm start`; the Firestore JVM's
    // (stack traces for every expected "already exists") only goes to the log file.
    const output = (prefix: string, echo: boolean) => (text: string) => {
      log.write(text);
      if (echo) process.stdout.write(text.replace(/^(?=.)/gm, prefix));
    };

    const clientEnv: Record<string, string> = {
      GCLOUD_PROJECT: PROJECT_ID,
      GOOGLE_CLOUD_PROJECT: PROJECT_ID,
      FIRESTORE_EMULATOR_HOST: hostPort(ports.firestore),
      FIREBASE_AUTH_EMULATOR_HOST: hostPort(ports.auth),
      FUNCTIONS_EMULATOR_ORIGIN: `http://${hostPort(ports.functions)}`,
      FIREBASE_EMULATOR_HUB: hostPort(ports.hub),
      VIEWER_URL: `http://${hostPort(ports.hosting)}`,
      ...(plan.firebaseEmulators.includes("pubsub") ? { PUBSUB_EMULATOR_HOST: hostPort(ports.pubsub) } : {}),
    };

    try {
      const firestoreRun = await firestoreCommand(plan.firestore, ports.firestore, join(root, "firestore.rules"), PROJECT_ID);
      const startFirestore = () => spawnTracked("Firestore emulator", firestoreRun.command, firestoreRun.args, { onOutput: output("[firestore] ", false) });
      const answers = (managed: ManagedProcess) => waitUntil("Firestore answers", () => firestoreAnswers(ports.firestore), managed, READY_TIMEOUT_MS);
      const firestore = track(startFirestore());
      await answers(firestore);
      if (options.control) {
        control = await startStackControl(restartable(firestore, startFirestore, answers, (managed) => stopGroup(managed, "SIGINT", 15_000)));
        if (stopped) await control.close();
        clientEnv[STACK_CONTROL_ENV] = control.url;
      }

      let firebaseReady = false;
      const firebaseOutput = output("[firebase] ", options.echo);
      const firebase = track(spawnTracked(
        "firebase-tools",
        join(root, "node_modules/.bin/firebase"),
        ["emulators:start", "--only", plan.firebaseEmulators.join(","), "--project", PROJECT_ID, ...(options.bench ? ["--config", writeBenchConfig(root)] : [])],
        {
          env: {
            FIRESTORE_EMULATOR_HOST: hostPort(ports.firestore),
            ...(plan.pubsubBinary ? { PUBSUB_EMULATOR_BINARY_PATH: plan.pubsubBinary } : {}),
          },
          onOutput: (text) => {
            if (text.includes("All emulators ready")) firebaseReady = true;
            firebaseOutput(text);
          },
        },
      ));
      await waitUntil("all emulators are ready", () => firebaseReady, firebase, READY_TIMEOUT_MS);
      await ensureLocalAdmin(ports.auth, PROJECT_ID);
    } catch (error) {
      await stop();
      throw new Error(`${(error as Error).message}\n(see ${logFile})`, { cause: error });
    }
    return { plan, ports, env: clientEnv, logFile };
  };

  return { start, stop, crashed };
}

/** Writes BENCH_CONFIG beside firebase.json (so every path in it means the same) and returns its name. */
function writeBenchConfig(root: string): string {
  const config = JSON.parse(readFileSync(join(root, "firebase.json"), "utf8")) as { functions: object[] };
  config.functions.push({ source: "bench/noopCallable", codebase: "bench" });
  writeFileSync(join(root, BENCH_CONFIG), `${JSON.stringify(config, null, 2)}\n`);
  return BENCH_CONFIG;
}

/**
 * The functions emulator reads secrets from functions/.secret.local (never committed); without it,
 * it tries Google Cloud Secret Manager and warns. The demo posts its report to no webhook.
 */
function ensureLocalSecrets(root: string): void {
  const path = join(root, "functions/.secret.local");
  if (!existsSync(path)) writeFileSync(path, "# Secrets for the emulators only (not committed).\nREPORT_WEBHOOK_URL=none\n");
}

async function assertPortsFree(ports: Record<EmulatorName, Endpoint>, plan: StackPlan): Promise<void> {
  const used: EmulatorName[] = ["hub", "logging", "auth", "functions", "firestore", "eventarc", "tasks", "hosting"];
  if (plan.firebaseEmulators.includes("pubsub")) used.push("pubsub");
  for (const name of used) {
    if (await isPortOpen(ports[name].host, ports[name].port)) {
      throw new Error(`Port ${hostPort(ports[name])} (${name} emulator, pinned in firebase.json) is already in use: is another stack running?`);
    }
  }
}

async function firestoreAnswers({ host, port }: Endpoint): Promise<boolean> {
  try {
    const response = await fetch(`http://${host}:${port}/`);
    return response.ok;
  } catch {
    return false;
  }
}
