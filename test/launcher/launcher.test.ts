import { strict as assert } from "node:assert";
import { execFileSync, spawn } from "node:child_process";
import { createConnection } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { HOUR_MS } from "@agent-traces/core";
import { readEmulatorPorts } from "../../scripts/stack/emulatorPorts.js";
import { LOCAL_ADMIN } from "../../viewer/src/localAdmin.js";

/**
 * `npm start` as a new user runs it: the stack comes up, the demo agent's traces flow through the
 * callable, the scheduled error report runs over the hours they were stored in (through the scheduler's trigger), the
 * viewer is served and its local admin can sign in, and Ctrl-C (SIGINT) leaves no
 * emulator, Java or function worker process and no port behind; a launcher killed with SIGKILL is
 * cleaned up after by the next start.
 * Runs after the integration tests, on its own: it needs the pinned ports free.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const ports = readEmulatorPorts(join(root, "firebase.json"));
const viewerUrl = `http://${ports.hosting.host}:${ports.hosting.port}`;

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

function emulatorProcesses(): string[] {
  try {
    return execFileSync("pgrep", ["-af", "cloud-firestore-emulator|cloud-pubsub-emulator|firebase emulators|functionsEmulatorRuntime"], { encoding: "utf8" })
      .split("\n")
      .filter((line) => line && !line.includes("pgrep"));
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/** The launcher (`tsx scripts/stack.ts <args>`), its output collected. */
function launcher(args: string[]) {
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=source", "scripts/stack.ts", ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  const run = { child, output: "", exited: new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code))) };
  child.stdout.setEncoding("utf8").on("data", (text: string) => (run.output += text));
  child.stderr.setEncoding("utf8").on("data", (text: string) => (run.output += text));
  return run;
}

/** The claims of the ID token the Auth emulator issues for LOCAL_ADMIN's email and password. */
async function localAdminClaims(): Promise<Record<string, unknown>> {
  const url = `http://${ports.auth.host}:${ports.auth.port}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=fake-api-key`;
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: LOCAL_ADMIN.email, password: LOCAL_ADMIN.password, returnSecureToken: true }),
  });
  const body = (await response.json()) as { idToken?: string };
  assert.ok(response.ok && body.idToken, `the local admin signs in: ${JSON.stringify(body)}`);
  return JSON.parse(Buffer.from(body.idToken.split(".")[1]!, "base64url").toString("utf8")) as Record<string, unknown>;
}

/** The failures of the stored report `trace_reports/{windowStart}`, read from the Firestore emulator as its owner; undefined when there is none. */
async function reportFailures(windowStart: string): Promise<number | undefined> {
  const url = `http://${ports.firestore.host}:${ports.firestore.port}/v1/projects/demo-agent-traces/databases/(default)/documents/trace_reports/${encodeURIComponent(windowStart)}`;
  const response = await fetch(url, { headers: { Authorization: "Bearer owner" } });
  if (response.status === 404) return undefined;
  assert.ok(response.ok, `reading ${url}: HTTP ${response.status}`);
  const { fields } = (await response.json()) as { fields: Record<string, { integerValue?: string }> };
  return Number(fields.errors?.integerValue) + Number(fields.timeouts?.integerValue);
}

async function assertNothingLeft(): Promise<void> {
  for (const name of ["firestore", "auth", "functions", "pubsub", "hub", "hosting"] as const) {
    assert.equal(await portOpen(ports[name].port), false, `${name} port ${ports[name].port} is closed`);
  }
  assert.deepEqual(emulatorProcesses(), [], "no emulator, Java or function worker process is left");
}

describe("npm start (the launcher's start mode)", function () {
  this.timeout(540_000);

  it("brings the stack up, runs the demo through the callable and the report over it, serves the viewer, and Ctrl-C leaves nothing running", async () => {
    assert.deepEqual(emulatorProcesses(), [], "no emulator runs before the test");
    const launchedAt = Date.now();
    const run = launcher(["start"]);
    const { child, exited } = run;

    // The stack, the demo, and the report's worker, which a loaded machine takes up to 2 minutes to start.
    const deadline = Date.now() + 420_000;
    while (!run.output.includes("press Ctrl-C to stop it") && Date.now() < deadline) {
      if (child.exitCode !== null) assert.fail(`npm start exited early:\n${run.output.slice(-3000)}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const { output } = run;
    assert.ok(output.includes("press Ctrl-C to stop it"), `the stack did not come up:\n${output.slice(-3000)}`);
    assert.match(output, /Local Firebase stack is up/);
    const summary = /sent to recordTrace: (\d+)\s+stored: (\d+) \(errors (\d+), timeouts (\d+), kept by a rule (\d+), sampled successes (\d+)\)/.exec(output);
    assert.ok(summary, `the demo summary is printed:\n${output.slice(-2000)}`);
    const [, sent, stored, errors, timeouts, keptByRule, sampled] = summary.map(Number);
    assert.ok(stored! > 0 && errors! + timeouts! > 0, "demo traces were stored, failures among them");
    assert.equal(stored, errors! + timeouts! + keptByRule! + sampled!);
    assert.ok(sent! >= stored!);
    assert.match(output, /npm run traces -- show [0-9a-f]{32}/);
    // The report ran once per hour the demo's runs were committed in (two when it crossed an hour),
    // the last one the hour the demo ended in; together they count the demo's failures.
    const reported = [...output.matchAll(/^Report for the hour from (\S+) stored in trace_reports\/\S+ \((\d+) failed runs\), by the scheduled reportTraceErrors: (\S+)$/gm)];
    assert.ok(reported.length >= 1 && reported.length <= 2, `one report line per hour of the demo:\n${output.slice(-2000)}`);
    const lastHour = Date.parse(reported.at(-1)![1]!);
    assert.ok(lastHour >= launchedAt - (launchedAt % HOUR_MS) && lastHour <= Date.now(), `the demo's last hour, got ${reported.at(-1)![1]}`);
    assert.equal(reported[0]![3], `${viewerUrl}/reports`, "the viewer's reports page is named");
    let reportedFailures = 0;
    for (const [, windowStart, printed] of reported) {
      const failures = await reportFailures(windowStart!);
      assert.equal(failures, Number(printed), `trace_reports/${windowStart} is stored with the failures printed`);
      reportedFailures += failures!;
    }
    assert.equal(reportedFailures, errors! + timeouts!, "the report counts the demo's failures, errors and timeouts");
    for (const name of ["firestore", "auth", "functions"] as const) assert.ok(await portOpen(ports[name].port), `${name} listens`);
    assert.equal(/^\s*Viewer\s+(\S+)/m.exec(output)?.[1], viewerUrl, "the viewer's URL is printed");
    assert.equal((await fetch(`${viewerUrl}/`)).status, 200, "the viewer is served (viewer/dist, built by npm run build)");
    const claims = await localAdminClaims();
    assert.equal(claims.user_id, LOCAL_ADMIN.uid);
    assert.equal(claims.admin, true, "the local admin carries the admin claim firestore.rules asks for");

    child.kill("SIGINT");
    const code = await exited;
    assert.equal(code, 130, "Ctrl-C ends it with 130");
    await assertNothingLeft();
  });

  it("after a SIGKILLed launcher, the next run stops what it left, runs, and leaves nothing", async () => {
    const killed = launcher(["start"]);
    const deadline = Date.now() + 240_000;
    while (!killed.output.includes("Local Firebase stack is up") && Date.now() < deadline) {
      if (killed.child.exitCode !== null) assert.fail(`npm start exited early:\n${killed.output.slice(-3000)}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // the demo's function workers are starting
    killed.child.kill("SIGKILL");
    await killed.exited;
    assert.ok(emulatorProcesses().length > 0, "a SIGKILLed launcher stops nothing itself");

    // Its exit code is the command's; no fault-injection endpoint unless asked for with --control.
    const next = launcher(["exec", "--", 'test -z "$AGENT_TRACES_STACK_CONTROL" && exit 7']);
    assert.equal(await next.exited, 7, next.output.slice(-3000));
    assert.match(next.output, /Stopped \d+ processes an earlier stack left running/);
    await assertNothingLeft();
  });
});
