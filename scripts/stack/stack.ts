import { createWriteStream, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { join, resolve } from "node:path";
import { restartable, STACK_CONTROL_ENV, startStackControl, type StackControl } from "./control.js";
import { emulatorPorts, hostingSiteEndpoint, hostPort, type EmulatorName, type Endpoint } from "./emulatorPorts.js";
import { firestoreCommand } from "./firestoreCommand.js";
import type { FirestoreRegistration } from "./firestoreTriggers.js";
import { firestoreRulesPath, hasFunctions, hostingEntries, loadFirebaseConfig } from "./firebaseConfig.js";
import { ensureLocalAdmin } from "./localAdmin.js";
import { planStack, type StackPlan } from "./plan.js";
import { claimStack, newStackRun, releaseStack, STACK_RUN_ENV } from "./ownership.js";
import { isPortOpen, startGroup, stopGroup, waitUntil, type ManagedProcess } from "./processes.js";
import { describePortHolder } from "./portHolder.js";
import { BENCH_CONFIG, stackConfig, writeStackConfig } from "./stackConfig.js";
import { firestoreTriggerSync, type FirestoreTriggerSync } from "./triggerSync.js";

export const PROJECT_ID = "demo-agent-traces";
/** The Hosting target `agent-traces init` gives the viewer in a user's project: its URL is exported as VIEWER_URL. */
export const VIEWER_TARGET = "agent-traces-viewer";
const READY_TIMEOUT_MS = 180_000;

/** The Firebase project a stack runs: this repository (as demo-agent-traces) unless another folder is given. */
export interface StackProject {
  /** The folder of its firebase.json. */
  dir: string;
  id: string;
  /** This repository: its functions/.secret.local is made, its demo and benchmark run. */
  isThisRepo: boolean;
  /** The (default) database's rules file loaded into Firestore; undefined: no rules file. */
  rules?: string;
  /** Its Hosting sites, in firebase.json's order (none: no Hosting emulator). */
  hosting: { name: string; endpoint: Endpoint }[];
}

export interface RunningStack {
  plan: StackPlan;
  project: StackProject;
  ports: Record<EmulatorName, Endpoint>;
  /** The variables a client of the stack needs (exported to `exec` commands). */
  env: Record<string, string>;
  /** The Firestore triggers registered with the Firestore emulator (firestoreTriggers.ts). */
  triggers: FirestoreRegistration[];
  logFile: string;
}

export interface LocalStack {
  /**
   * Starts Firestore (the launcher's own process, see plan.ts) with the project's rules, then Auth,
   * Functions, Hosting and Pub/Sub as the project needs them, registers its Firestore triggers
   * (triggerSync.ts), creates the local admin (localAdmin.ts), and resolves once every emulator answers.
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
  /** Load the benchmark's no-op callable (bench/noopCallable) as a second functions codebase. Off unless asked; this repo only. */
  bench?: boolean;
  /**
   * Run another Firebase project: its folder (firebase.json, rules, functions, hosting, used as they
   * are) and the project id to run it as (a `demo-` id keeps everything offline). Default: this repo.
   */
  project?: { dir: string; id: string };
}

/**
 * The stack of one launcher run. Everything it starts carries the run's marker (ownership.ts), so
 * stop() ends all of it, the Pub/Sub JVM firebase-tools detaches included, and a later start ends
 * what a SIGKILLed launcher left. Its log and ownership record live in this repo's `.emulators/`,
 * whichever project it runs: one stack per machine, whatever project the last one ran.
 */
export function localStack(root: string, options: StackOptions): LocalStack {
  const run = newStackRun();
  const recordPath = join(root, ".emulators", "stack.json");
  const processes: ManagedProcess[] = [];
  let control: StackControl | undefined;
  let triggerSync: FirestoreTriggerSync | undefined;
  let tempConfig: string | undefined;
  let claimed = false;
  let stopped = false;
  let reportCrash: (message: string) => void = () => undefined;
  const crashed = new Promise<string>((resolve) => (reportCrash = resolve));

  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= stopAll());
  const stopAll = async () => {
    stopped = true;
    triggerSync?.close();
    // No Firestore restart may begin once stopping; one under way finishes (and is tracked) first.
    await control?.close();
    // firebase-tools first (it may still write to Firestore), then the Firestore JVM.
    for (const managed of [...processes].reverse()) await stopGroup(managed, "SIGINT", 15_000);
    if (claimed) await releaseStack(recordPath, run);
    if (tempConfig) rmSync(tempConfig, { force: true });
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
    const projectDir = resolve(options.project?.dir ?? root);
    const projectId = options.project?.id ?? PROJECT_ID;
    const isThisRepo = projectDir === resolve(root);
    if (options.bench && !isThisRepo) throw new Error("--bench runs this repository's stack only.");
    const own = loadFirebaseConfig(projectDir);
    // Whatever the project's firebase.json does not pin, this repo's does.
    const config = stackConfig(projectDir, projectId, own, loadFirebaseConfig(root).emulators ?? {}, options.bench ? { extraCodebases: [{ source: "bench/noopCallable", codebase: "bench" }], fileName: BENCH_CONFIG } : {});
    const ports = emulatorPorts(config.config.emulators, join(projectDir, "firebase.json"));
    const project: StackProject = {
      dir: projectDir,
      id: projectId,
      isThisRepo,
      rules: firestoreRulesPath(own, projectDir),
      hosting: hostingEntries(config.config).map((entry, index) => ({ name: entry.site ?? entry.target ?? projectId, endpoint: hostingSiteEndpoint(ports.hosting, index) })),
    };
    const plan = planStack({ functions: hasFunctions(config.config), hosting: project.hosting.length > 0 });
    const functionsRun = plan.firebaseEmulators.includes("functions");
    if (isThisRepo) ensureLocalSecrets(root);
    const logDir = join(root, ".emulators");
    mkdirSync(logDir, { recursive: true });
    if (config.path) run.files = [config.path];
    const left = await claimStack(recordPath, run);
    claimed = true;
    if (stopped) {
      await releaseStack(recordPath, run);
      throw new Error("stopped while starting");
    }
    if (left > 0) console.log(`Stopped ${left} processes an earlier stack left running (its launcher was killed).`);
    // A killed run's sockets close as its processes finish exiting: give them time before calling a port taken.
    await assertPortsFree(ports, plan, project, left > 0 ? 20_000 : 0);
    if (stopped) throw new Error("stopped while starting");
    tempConfig = config.path;
    const configArgs = writeStackConfig(config);

    const logFile = join(logDir, "stack.log");
    const log = createWriteStream(logFile);
    // firebase-tools' output (function logs included) is echoed by `npm start`; the Firestore JVM's
    // (stack traces for every expected "already exists") only goes to the log file.
    const output = (prefix: string, echo: boolean) => (text: string) => {
      log.write(text);
      if (echo) process.stdout.write(text.replace(/^(?=.)/gm, prefix));
    };
    const stackOutput = output("[stack] ", options.echo);

    const viewer = isThisRepo ? 0 : hostingEntries(own).findIndex((entry) => entry.target === VIEWER_TARGET);
    const clientEnv: Record<string, string> = {
      GCLOUD_PROJECT: projectId,
      GOOGLE_CLOUD_PROJECT: projectId,
      FIRESTORE_EMULATOR_HOST: hostPort(ports.firestore),
      FIREBASE_AUTH_EMULATOR_HOST: hostPort(ports.auth),
      ...(functionsRun ? { FUNCTIONS_EMULATOR_ORIGIN: `http://${hostPort(ports.functions)}` } : {}),
      FIREBASE_EMULATOR_HUB: hostPort(ports.hub),
      ...(project.hosting[viewer] ? { VIEWER_URL: `http://${hostPort(project.hosting[viewer].endpoint)}` } : {}),
      ...(plan.firebaseEmulators.includes("pubsub") ? { PUBSUB_EMULATOR_HOST: hostPort(ports.pubsub) } : {}),
    };

    let firebaseReady = false;
    let triggers: FirestoreRegistration[] = [];
    if (functionsRun) {
      triggerSync = firestoreTriggerSync(ports.functions, ports.firestore, projectId, {
        onRegistered: ({ functionId, document, key }) => stackOutput(`functions[${functionId}]: Firestore trigger on ${document} registered with the Firestore emulator (${key}).\n`),
        onWarning: (message) => {
          log.write(`${message}\n`);
          console.error(message);
        },
      });
    }
    try {
      const firestoreRun = await firestoreCommand(plan.firestore, ports.firestore, project.rules, projectId, functionsRun ? ports.functions : undefined);
      const startFirestore = () => spawnTracked("Firestore emulator", firestoreRun.command, firestoreRun.args, { onOutput: output("[firestore] ", false) });
      const answers = (managed: ManagedProcess) => waitUntil("Firestore answers", () => firestoreAnswers(ports.firestore), managed, READY_TIMEOUT_MS);
      const firestore = track(startFirestore());
      await answers(firestore);
      if (options.control) {
        // A restarted Firestore emulator starts empty: triggers included.
        const answersWithTriggers = async (managed: ManagedProcess) => {
          await answers(managed);
          await triggerSync?.restore();
        };
        control = await startStackControl(restartable(firestore, startFirestore, answersWithTriggers, (managed) => stopGroup(managed, "SIGINT", 15_000)));
        if (stopped) await control.close();
        clientEnv[STACK_CONTROL_ENV] = control.url;
      }

      const firebaseOutput = output("[firebase] ", options.echo);
      const firebase = track(spawnTracked(
        "firebase-tools",
        join(root, "node_modules/.bin/firebase"),
        ["emulators:start", "--only", plan.firebaseEmulators.join(","), "--project", projectId, ...configArgs],
        {
          env: {
            FIRESTORE_EMULATOR_HOST: hostPort(ports.firestore),
            ...(plan.pubsubBinary ? { PUBSUB_EMULATOR_BINARY_PATH: plan.pubsubBinary } : {}),
          },
          onOutput: (text) => {
            if (text.includes("All emulators ready")) firebaseReady = true;
            triggerSync?.observe(text);
            firebaseOutput(text);
          },
        },
      ));
      await waitUntil("all emulators are ready", () => firebaseReady, firebase, READY_TIMEOUT_MS);
      if (triggerSync) triggers = await triggerSync.sync();
      await ensureLocalAdmin(ports.auth, projectId);
    } catch (error) {
      await stop();
      throw new Error(`${(error as Error).message}\n(see ${logFile})`, { cause: error });
    }
    return { plan, project, ports, env: clientEnv, triggers, logFile };
  };

  return { start, stop, crashed };
}

/**
 * The functions emulator reads secrets from functions/.secret.local (never committed); without it,
 * it tries Google Cloud Secret Manager and warns. The demo posts its report to no webhook.
 * This repo's only: the launcher writes nothing into another project's folders but its temporary config.
 */
function ensureLocalSecrets(root: string): void {
  const path = join(root, "functions/.secret.local");
  if (!existsSync(path)) writeFileSync(path, "# Secrets for the emulators only (not committed).\nREPORT_WEBHOOK_URL=none\n");
}

/** Throws naming the first port of the stack something listens on, after waiting up to `graceMs` for it to close. */
async function assertPortsFree(ports: Record<EmulatorName, Endpoint>, plan: StackPlan, project: StackProject, graceMs: number): Promise<void> {
  const deadline = Date.now() + graceMs;
  const used: [string, Endpoint][] = (["hub", "logging", "auth", "functions", "firestore", "eventarc", "tasks"] as const).map((name) => [name, ports[name]]);
  if (plan.firebaseEmulators.includes("pubsub")) used.push(["pubsub", ports.pubsub]);
  for (const site of project.hosting) used.push([`hosting, site ${site.name}`, site.endpoint]);
  for (const [name, endpoint] of used) {
    while (await isPortOpen(endpoint.host, endpoint.port)) {
      if (Date.now() >= deadline) {
        const holder = describePortHolder(endpoint.port);
        throw new Error(`Port ${hostPort(endpoint)} (${name} emulator) is already in use${holder ? ` by ${holder}` : ""}: is another stack running?`);
      }
      await sleep(250);
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
