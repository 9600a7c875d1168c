/**
 * The local stack's launcher, behind `npm start`, `npm test` and `npm run emulators:exec`:
 *   tsx scripts/stack.ts start [--project-dir <dir> --project <id>]
 *                                         stack up, demo agent (this repo only), runs until Ctrl-C
 *   tsx scripts/stack.ts exec [--control] [--bench] [--project-dir <dir> --project <id>] -- <cmd>
 *                                         stack up, runs <cmd> with the emulator variables, tears down;
 *                                         --control serves the fault-injection endpoint (control.ts),
 *                                         --bench loads the benchmark's no-op callable (bench/noopCallable)
 * --project-dir runs another Firebase project (its firebase.json, rules, functions and Hosting, as
 * they are) as project --project (a `demo-` id keeps it offline), its Firestore triggers included;
 * without it, this repo runs as demo-agent-traces.
 * Whatever ends it (the command, Ctrl-C, SIGTERM, SIGHUP, an error, a crashed emulator), it stops
 * every process the stack started.
 */
import { spawn } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { localStack } from "./stack/stack.js";
import { printEndpoints } from "./stack/printEndpoints.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const [mode, ...rest] = process.argv.slice(2);

const USAGE = [
  "usage: tsx scripts/stack.ts start [--project-dir <dir> --project <id>]",
  "       tsx scripts/stack.ts exec [--control] [--bench] [--project-dir <dir> --project <id>] -- <command...>",
].join("\n");

async function main(): Promise<number> {
  if (mode !== "start" && mode !== "exec") {
    console.error(USAGE);
    return 2;
  }
  const flags = new Set<string>();
  const values: Record<string, string> = {};
  let args = rest;
  for (;;) {
    if (args[0] === "--control" || args[0] === "--bench") {
      flags.add(args[0]);
      args = args.slice(1);
    } else if (args[0] === "--project-dir" || args[0] === "--project") {
      if (!args[1] || args[1].startsWith("--")) return usageError(`${args[0]} needs a value`);
      values[args[0]] = args[1];
      args = args.slice(2);
    } else {
      break;
    }
  }
  const command = args[0] === "--" ? args.slice(1) : args;
  if (mode === "exec" && command.length === 0) {
    console.error('usage: npm run emulators:exec -- "<command>"');
    return 2;
  }
  if (mode === "start" && command.length > 0) return usageError(`start takes no command (${command.join(" ")})`);
  const projectDir = values["--project-dir"];
  const projectId = values["--project"];
  if (Boolean(projectDir) !== Boolean(projectId)) return usageError("--project-dir and --project go together (e.g. --project-dir ../my-app --project demo-my-app)");
  const project = projectDir && projectId ? { dir: resolve(projectDir), id: projectId } : undefined;

  console.log(`Starting the local Firebase stack (${project ? `${project.id}, ${project.dir}` : "demo-agent-traces"})…`);
  const stack = localStack(root, { echo: mode === "start", control: mode === "exec" && flags.has("--control"), bench: mode === "exec" && flags.has("--bench"), project });
  const shutdown = () => stack.stop();
  const stopAndExit = (code: number) => void shutdown().finally(() => process.exit(code));
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      console.log(`\n${signal}: stopping the emulators…`);
      stopAndExit(130);
    });
  }
  for (const event of ["uncaughtException", "unhandledRejection"] as const) {
    process.on(event, (error: unknown) => {
      console.error(`\nThe launcher failed (${event}): ${error instanceof Error ? error.stack : String(error)}\nStopping the emulators…`);
      stopAndExit(1);
    });
  }
  const crashed = stack.crashed.then((message) => {
    console.error(`\n${message}`);
    return shutdown();
  });

  try {
    const running = await stack.start();
    printEndpoints(running);
    // exec: a crash stops the stack; the command then fails on its own and its code is returned.
    if (mode === "exec") return await runCommand(command, running.env);
    if (!running.project.isThisRepo) {
      console.log("The stack keeps running; press Ctrl-C to stop it.");
      await crashed;
      return 1;
    }
    const { runDemo } = await import("./demo/runDemo.js");
    await runDemo(running.env);
    // The demo's output pushes the endpoints up: end with what a new user opens.
    console.log(`\nOpen the viewer: ${running.env.VIEWER_URL}  (signed in as the local admin)\nThe stack keeps running; press Ctrl-C to stop it.`);
    await crashed;
    return 1;
  } finally {
    await shutdown();
  }
}

function usageError(message: string): number {
  console.error(`${message}\n${USAGE}`);
  return 2;
}

function runCommand(command: string[], env: Record<string, string>): Promise<number> {
  // A single argument is a shell command line ("npm test -- --grep x"), several are an argv.
  const child =
    command.length === 1
      ? spawn(command[0]!, { shell: true, stdio: "inherit", env: { ...process.env, ...env } })
      : spawn(command[0]!, command.slice(1), { stdio: "inherit", env: { ...process.env, ...env } });
  return new Promise((resolve) => {
    child.once("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
    child.once("error", (error) => {
      console.error(`Could not run ${command.join(" ")}: ${error.message}`);
      resolve(127);
    });
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`\n${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
