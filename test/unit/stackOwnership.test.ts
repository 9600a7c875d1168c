import { strict as assert } from "node:assert";
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  claimStack,
  newStackRun,
  processesOfRun,
  processStartTime,
  readStackRunRecord,
  releaseStack,
  STACK_RUN_ENV,
  type StackRunRecord,
} from "../../scripts/stack/ownership.js";

/** A process that idles, detached into a session of its own (as firebase-tools starts Pub/Sub), marked with `runId` if given. */
function idler(runId?: string): ChildProcess {
  const env = { ...process.env };
  delete env[STACK_RUN_ENV];
  if (runId) env[STACK_RUN_ENV] = runId;
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { detached: true, stdio: "ignore", env });
  child.unref();
  return child;
}

/** Whether `pid` runs (a zombie, killed but not yet reaped by this test process, does not). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  if (process.platform !== "linux") return true;
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
}

/** A record as a launcher that has since died would have left it. */
function recordOfDeadLauncher(runId: string): StackRunRecord {
  return { runId, launcher: { pid: 2 ** 22 + 1, startTime: "1" } };
}

describe("which processes a stack run owns (scripts/stack/ownership.ts)", () => {
  const children: ChildProcess[] = [];
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "stack-ownership-"))));
  afterEach(() => {
    for (const child of children.splice(0)) if (child.pid && alive(child.pid)) process.kill(child.pid, "SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });
  const started = (runId?: string) => {
    const child = idler(runId);
    children.push(child);
    return child.pid!;
  };

  it("finds the run's processes by their marker, in any session, and nothing else", async () => {
    const runId = randomUUID();
    const marked = [started(runId), started(runId)];
    const other = started(randomUUID());
    const unmarked = started();
    await sleep(200);
    assert.deepEqual(processesOfRun(runId).sort(), marked.sort());
    assert.ok(!processesOfRun(runId).includes(other) && !processesOfRun(runId).includes(unmarked));
  });

  it("a start after a killed launcher stops exactly what that run left, then records itself", async () => {
    const path = join(dir, "stack.json");
    const old = recordOfDeadLauncher(randomUUID());
    await claimStack(path, old);
    const left = [started(old.runId), started(old.runId)];
    const stranger = started();
    await sleep(200);

    const run = newStackRun();
    assert.equal(await claimStack(path, run), 2);
    for (const pid of left) assert.equal(alive(pid), false, `left-over ${pid} was stopped`);
    assert.equal(alive(stranger), true, "a process the stack did not start is untouched");
    assert.deepEqual(readStackRunRecord(path), run);

    const mine = started(run.runId);
    await sleep(200);
    await releaseStack(path, run);
    assert.equal(alive(mine), false, "release stops the run's own processes");
    assert.throws(() => readFileSync(path), "and forgets the run");
  });

  it("removes the temporary files of a killed launcher's run, and of its own run on release", async () => {
    const path = join(dir, "stack.json");
    const leftFile = join(dir, "firebase.agent-traces-stack.json");
    writeFileSync(leftFile, "{}");
    await claimStack(path, { ...recordOfDeadLauncher(randomUUID()), files: [leftFile] });
    const run = { ...newStackRun(), files: [join(dir, "mine.json")] };
    await claimStack(path, run);
    assert.equal(existsSync(leftFile), false, "the killed run's config is gone");
    writeFileSync(run.files[0]!, "{}");
    await releaseStack(path, run);
    assert.equal(existsSync(run.files[0]!), false, "release removes the run's own");
  });

  it("refuses while the recorded launcher still runs, and touches none of its processes", async () => {
    const path = join(dir, "stack.json");
    const launcher = started();
    await sleep(100);
    const running: StackRunRecord = { runId: randomUUID(), launcher: { pid: launcher, startTime: processStartTime(launcher)! } };
    await claimStack(path, running);
    const emulator = started(running.runId);
    await sleep(200);
    await assert.rejects(claimStack(path, newStackRun()), /Another stack is running \(launcher pid \d+\)/);
    assert.equal(alive(emulator), true);
    assert.deepEqual(readStackRunRecord(path), running);
  });

  it("tells a reused pid from the launcher it recorded by its start time", async () => {
    const path = join(dir, "stack.json");
    const reused = started();
    await sleep(100);
    const old: StackRunRecord = { runId: randomUUID(), launcher: { pid: reused, startTime: "0" } };
    await claimStack(path, old);
    const left = started(old.runId);
    await sleep(200);
    assert.equal(await claimStack(path, newStackRun()), 1);
    assert.equal(alive(left), false);
    assert.equal(alive(reused), true, "the process that now has the pid is not the launcher, and is left alone");
  });
});
