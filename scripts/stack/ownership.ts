import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * Which processes belong to one run of the stack. Every process the launcher starts carries
 * `AGENT_TRACES_STACK_RUN=<run id>` in its environment, and passes it on to what it starts (the
 * Pub/Sub JVM firebase-tools detaches into a session of its own, function workers), so a run's
 * processes are found, and only they, whatever their process group or parent.
 */
export const STACK_RUN_ENV = "AGENT_TRACES_STACK_RUN";

/** What a launcher writes (to `.emulators/stack.json`) while its stack runs. */
export interface StackRunRecord {
  runId: string;
  launcher: { pid: number; startTime: string };
  /** Temporary files of the run (a config beside a project's firebase.json): removed with its processes. */
  files?: string[];
}

export function newStackRun(): StackRunRecord {
  return { runId: randomUUID(), launcher: { pid: process.pid, startTime: processStartTime(process.pid) ?? "" } };
}

/** When `pid` started (an opaque token; equal tokens mean the same process), or undefined when it is gone. */
export function processStartTime(pid: number): string | undefined {
  if (process.platform === "linux") {
    try {
      // Field 22, counted after the parenthesized command name (which may hold spaces).
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
    } catch {
      return undefined;
    }
  }
  const ps = spawnSync("ps", ["-o", "lstart=", "-p", String(pid)], { encoding: "utf8" });
  return ps.status === 0 && ps.stdout.trim() ? ps.stdout.trim() : undefined;
}

/** The pids of the live processes that carry this run's marker (never this process). */
export function processesOfRun(runId: string): number[] {
  const marker = `${STACK_RUN_ENV}=${runId}`;
  const found: number[] = [];
  if (process.platform === "linux") {
    for (const entry of readdirSync("/proc")) {
      const pid = Number(entry);
      if (!Number.isInteger(pid) || pid === process.pid) continue;
      try {
        // A zombie's environ reads empty: only processes still running match.
        if (readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(marker)) found.push(pid);
      } catch {
        // gone, or not ours to read
      }
    }
    return found;
  }
  // macOS and the BSDs: -E appends each process's environment to its command.
  const ps = spawnSync("ps", ["-A", "-E", "-ww", "-o", "pid=,command="], { encoding: "utf8" });
  for (const line of ps.stdout?.split("\n") ?? []) {
    const [pid, ...words] = line.trim().split(/\s+/);
    if (words.includes(marker) && Number(pid) !== process.pid) found.push(Number(pid));
  }
  return found;
}

/** SIGKILLs every process of the run, and waits until each has exited; throws if some survive `timeoutMs`. */
export async function killRun(runId: string, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  /** pid -> start time of each process killed, so a pid reused meanwhile is not mistaken for it. */
  const killed = new Map<number, string | undefined>();
  for (;;) {
    const marked = processesOfRun(runId);
    // An exiting process loses its environment before it closes its sockets: wait for those too.
    const exiting = [...killed].filter(([pid, startTime]) => !marked.includes(pid) && isRunning(pid) && processStartTime(pid) === startTime);
    if (marked.length === 0 && exiting.length === 0) return killed.size;
    if (Date.now() > deadline) throw new Error(`processes of the stack survived SIGKILL: ${[...marked, ...exiting.map(([pid]) => pid)].join(", ")}`);
    for (const pid of marked) {
      const startTime = processStartTime(pid);
      try {
        process.kill(pid, "SIGKILL");
        killed.set(pid, startTime);
      } catch {
        // already gone
      }
    }
    await sleep(100);
  }
}

/**
 * Whether `pid` exists and has not finished exiting. On Linux that is any of its threads not yet a
 * zombie: the main thread turns zombie first, while the others may still hold its files and ports.
 */
function isRunning(pid: number): boolean {
  if (process.platform === "linux") {
    try {
      return readdirSync(`/proc/${pid}/task`).some((tid) => {
        try {
          const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
          return !"ZX".includes(stat.slice(stat.lastIndexOf(")") + 2)[0]!);
        } catch {
          return false;
        }
      });
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function readStackRunRecord(path: string): StackRunRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(path, "utf8")) as Partial<StackRunRecord>;
    return typeof record.runId === "string" && typeof record.launcher?.pid === "number" ? (record as StackRunRecord) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes the stack over from the run recorded at `path`: refuses while that run's launcher is alive
 * (another stack is up), otherwise stops whatever processes it left (its launcher was SIGKILLed),
 * then records `run` there. Returns how many processes were left.
 */
export async function claimStack(path: string, run: StackRunRecord): Promise<number> {
  const previous = readStackRunRecord(path);
  let left = 0;
  if (previous) {
    const { pid, startTime } = previous.launcher;
    if (pid !== process.pid && startTime && processStartTime(pid) === startTime) {
      throw new Error(`Another stack is running (launcher pid ${pid}): stop it first (Ctrl-C in its terminal, or \`kill ${pid}\`).`);
    }
    left = await killRun(previous.runId);
    removeFiles(previous);
  }
  writeFileSync(path, `${JSON.stringify(run, null, 2)}\n`);
  return left;
}

/** Stops what is left of `run` and forgets it. */
export async function releaseStack(path: string, run: StackRunRecord): Promise<void> {
  await killRun(run.runId);
  removeFiles(run);
  if (readStackRunRecord(path)?.runId === run.runId) rmSync(path, { force: true });
}

function removeFiles(run: StackRunRecord): void {
  for (const file of Array.isArray(run.files) ? run.files : []) if (typeof file === "string") rmSync(file, { force: true });
}
