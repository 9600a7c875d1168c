import { spawn, type ChildProcess } from "node:child_process";
import { createConnection } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * Child processes started in their own process group, so that stopping the group also stops
 * whatever they started (Java emulators included), even when a wrapper does not `exec`.
 */
export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  /** Set by stopGroup(): an exit from then on was asked for, not a crash. */
  stopRequested: boolean;
}

export function startGroup(
  name: string,
  command: string,
  args: string[],
  options: {
    env?: NodeJS.ProcessEnv;
    cwd?: string;
    onOutput: (text: string) => void;
    /** Called when the process ends without stopGroup() having asked it to. */
    onCrash?: (managed: ManagedProcess, code: number | null) => void;
  },
): ManagedProcess {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.setEncoding("utf8").on("data", options.onOutput);
  child.stderr?.setEncoding("utf8").on("data", options.onOutput);
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.once("error", () => resolve(-1));
  });
  const managed: ManagedProcess = { name, child, exited, stopRequested: false };
  void exited.then((code) => {
    if (!managed.stopRequested) options.onCrash?.(managed, code);
  });
  return managed;
}

/** Asks the group to stop, then kills it if it has not stopped within `graceMs`. */
export async function stopGroup(process_: ManagedProcess, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  const pid = process_.child.pid;
  process_.stopRequested = true;
  if (pid === undefined) return;
  signalGroup(pid, signal);
  const stopped = await Promise.race([process_.exited.then(() => true), sleep(graceMs).then(() => false)]);
  // The leader may be gone while its children (a JVM) still run: always sweep the group.
  if (!stopped) signalGroup(pid, "SIGTERM");
  await sleep(stopped ? 200 : 2000);
  signalGroup(pid, "SIGKILL");
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

export function isPortOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    socket.setTimeout(1000);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(false));
  });
}

/** Polls until `ready()` holds, the process exits, or the time is up. */
export async function waitUntil(
  what: string,
  ready: () => Promise<boolean> | boolean,
  process_: ManagedProcess,
  timeoutMs: number,
): Promise<void> {
  let exitCode: number | null | undefined;
  void process_.exited.then((code) => (exitCode = code ?? -1));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`${process_.name} exited (code ${exitCode}) before ${what}`);
    if (await ready()) return;
    await sleep(250);
  }
  throw new Error(`${process_.name}: timed out after ${timeoutMs / 1000}s waiting for ${what}`);
}
