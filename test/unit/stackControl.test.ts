import { strict as assert } from "node:assert";
import { setTimeout as sleep } from "node:timers/promises";
import { restartable, startStackControl, type FirestoreSwitch, type StackControl } from "../../scripts/stack/control.js";
import { startGroup, stopGroup, type ManagedProcess } from "../../scripts/stack/processes.js";

/** A switch that records what it was asked, and whether two operations ever overlapped. */
function fakeSwitch(options: { failStarts?: number; delayMs?: number } = {}) {
  const calls: string[] = [];
  let active = 0;
  let overlapped = false;
  let failStarts = options.failStarts ?? 0;
  const operation = (name: string) => async () => {
    calls.push(name);
    active++;
    overlapped ||= active > 1;
    await sleep(options.delayMs ?? 20);
    active--;
    if (name === "start" && failStarts-- > 0) throw new Error("the JVM exited before Firestore answered");
  };
  const firestoreSwitch: FirestoreSwitch = { stop: operation("stop"), start: operation("start") };
  return { firestoreSwitch, calls, overlapped: () => overlapped };
}

async function request(control: StackControl, method: string, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${control.url}${path}`, { method });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Whether a process with this pid exists (signal 0 only checks). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("the launcher's control endpoint (scripts/stack/control.ts)", () => {
  let control: StackControl | undefined;
  afterEach(async () => {
    await control?.close();
    control = undefined;
  });

  it("listens on 127.0.0.1 only, on an ephemeral port, under a secret path new for each run", async () => {
    control = await startStackControl(fakeSwitch().firestoreSwitch);
    assert.match(control.url, /^http:\/\/127\.0\.0\.1:\d+\/[0-9a-f]{32}$/);
    assert.notEqual(new URL(control.url).port, "0");
    const other = await startStackControl(fakeSwitch().firestoreSwitch);
    await other.close();
    assert.notEqual(new URL(other.url).pathname, new URL(control.url).pathname);
  });

  it("does nothing for a request without the secret", async () => {
    const fake = fakeSwitch();
    control = await startStackControl(fake.firestoreSwitch);
    const origin = new URL(control.url).origin;
    for (const path of ["/", "/firestore/stop", `/${"0".repeat(32)}/firestore/stop`, `${new URL(control.url).pathname}x/firestore/stop`]) {
      const response = await fetch(`${origin}${path}`, { method: path === "/" ? "GET" : "POST" });
      assert.equal(response.status, 404, path);
      assert.doesNotMatch(await response.text(), /[0-9a-f]{32}/, "the secret is never echoed");
    }
    assert.deepEqual(fake.calls, []);
  });

  it("stops and starts Firestore, answering once each is done, and does nothing twice", async () => {
    const fake = fakeSwitch();
    control = await startStackControl(fake.firestoreSwitch);
    assert.deepEqual(await request(control, "GET", "/"), { status: 200, body: { firestore: "running" } });
    assert.deepEqual(await request(control, "POST", "/firestore/start"), { status: 200, body: { firestore: "running" } });
    assert.deepEqual(await request(control, "POST", "/firestore/stop"), { status: 200, body: { firestore: "stopped" } });
    assert.deepEqual(await request(control, "POST", "/firestore/stop"), { status: 200, body: { firestore: "stopped" } });
    assert.deepEqual(await request(control, "GET", "/"), { status: 200, body: { firestore: "stopped" } });
    assert.deepEqual(await request(control, "POST", "/firestore/start"), { status: 200, body: { firestore: "running" } });
    assert.deepEqual(fake.calls, ["stop", "start"]);
  });

  it("runs requests one at a time, in the order they came", async () => {
    const fake = fakeSwitch({ delayMs: 50 });
    control = await startStackControl(fake.firestoreSwitch);
    const answers = await Promise.all(["stop", "start", "stop", "start"].map((action) => request(control!, "POST", `/firestore/${action}`)));
    assert.deepEqual(answers.map((answer) => answer.body.firestore), ["stopped", "running", "stopped", "running"]);
    assert.deepEqual(fake.calls, ["stop", "start", "stop", "start"]);
    assert.equal(fake.overlapped(), false);
  });

  it("reports a failed start as a 500, stays stopped, and starts on the next request", async () => {
    const fake = fakeSwitch({ failStarts: 1 });
    control = await startStackControl(fake.firestoreSwitch);
    await request(control, "POST", "/firestore/stop");
    const failed = await request(control, "POST", "/firestore/start");
    assert.equal(failed.status, 500);
    assert.match(String(failed.body.error), /exited before Firestore answered/);
    assert.equal(failed.body.firestore, "stopped");
    assert.deepEqual(await request(control, "POST", "/firestore/start"), { status: 200, body: { firestore: "running" } });
  });

  it("answers 404 and 405 for anything else", async () => {
    control = await startStackControl(fakeSwitch().firestoreSwitch);
    assert.equal((await request(control, "POST", "/firestore/restart")).status, 404);
    assert.equal((await request(control, "POST", "/auth/stop")).status, 404);
    assert.equal((await request(control, "GET", "/firestore/stop")).status, 405);
  });

  it("close() waits for the operation under way, then takes no more", async () => {
    const fake = fakeSwitch({ delayMs: 200 });
    control = await startStackControl(fake.firestoreSwitch);
    const stopping = request(control, "POST", "/firestore/stop");
    await sleep(50);
    const start = performance.now();
    await control.close();
    assert.ok(performance.now() - start >= 100, "close() waited for the stop under way");
    assert.equal((await stopping).status, 200);
    // Refused: the connection (the server is closed), or a 503 on a connection still open.
    const refused = await request(control, "POST", "/firestore/start").then((answer) => answer.status, () => "connection refused");
    assert.ok(refused === 503 || refused === "connection refused", String(refused));
    assert.deepEqual(fake.calls, ["stop"]);
  });
});

describe("restartable: a process stopped and started again with the same command", () => {
  const spawn = () => startGroup("sleeper", process.execPath, ["-e", "setInterval(() => {}, 1000)"], { onOutput: () => undefined });
  const ready = async () => undefined;
  const stop = (managed: ManagedProcess) => stopGroup(managed, "SIGTERM", 2_000);

  it("takes the old process's place, so the stack's stop() ends the restarted one", async function () {
    this.timeout(20_000);
    const managed = spawn();
    const first = managed.child.pid!;
    const firestoreSwitch = restartable(managed, spawn, ready, stop);
    try {
      await firestoreSwitch.stop();
      assert.equal(alive(first), false, "the first process is gone");
      assert.equal(managed.child.pid, undefined, "nothing is left to signal until it starts again");
      await stopGroup(managed, "SIGTERM", 100); // what the stack's stop() does: nothing to stop, no error

      await firestoreSwitch.start();
      const second = managed.child.pid!;
      assert.ok(second !== undefined && second !== first && alive(second));
    } finally {
      // The stack's stop(): it tracks `managed`, which now holds the restarted process.
      await stopGroup(managed, "SIGTERM", 2_000);
    }
    assert.equal(alive(managed.child.pid!), false, "the restarted process is gone too");
  });
});
