/* global global, setTimeout, setInterval, clearInterval */
// What recordTrace holds per call: the functions as deployed (BUNDLE: functions/src/index.ts bundled),
// behind body-parser set up as the Functions Framework sets it up (limit 1024mb, rawBody kept), against
// the Firestore emulator at FIRESTORE_EMULATOR_HOST. For each round of COUNTS it sends that many
// concurrent calls of BODY (sender.mjs, another process), holds their commits, and measures heap +
// external memory after a full GC, and the peak RSS of the round. STALL=gate holds each commit in JS
// before it is encoded; STALL=stop stops the Firestore emulator (SIGSTOP to JAVA_PID), so that the
// commits are encoded and wait in gRPC's buffers, as when Firestore is slow.
// Run it through bench/memory/run.sh.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { statSync } from "node:fs";
import http from "node:http";

const here = new URL(".", import.meta.url).pathname;
const { BUNDLE, BODY, BODIES_DIR, JAVA_PID } = process.env;
const stall = process.env.STALL ?? "gate";
const counts = (process.env.COUNTS ?? "1,8,24").split(",").map(Number);

// A stand-in for the Auth emulator: firebase-admin looks each token's user up (accounts:lookup).
const fakeAuth = http
  .createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const ids = JSON.parse(body || "{}").localId ?? [];
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ kind: "identitytoolkit#GetAccountInfoResponse", users: ids.map((localId) => ({ localId, disabled: false })) }));
    });
  })
  .listen(0);
await once(fakeAuth, "listening");
Object.assign(process.env, {
  GCLOUD_PROJECT: "demo-memory",
  FIREBASE_AUTH_EMULATOR_HOST: `127.0.0.1:${fakeAuth.address().port}`,
  METADATA_SERVER_DETECTION: "none",
  TRACE_SAMPLE_RATE: "1",
  TRACE_TTL_DAYS: "7",
  ERROR_TRACE_TTL_DAYS: "7",
  ENFORCE_APP_CHECK: "false",
  TRACE_RATE_LIMIT_PER_MINUTE: "0",
  RECORD_TRACE_MAX_INSTANCES: "10",
  RECORD_TRACE_CONCURRENCY: "80",
  RECORD_TRACE_MEMORY_MIB: "512",
  ...JSON.parse(process.env.PARAMS ?? "{}"),
});

const { default: express } = await import("express");
const { default: bodyParser } = await import("body-parser");
const { Firestore } = await import("@google-cloud/firestore");
const gate = { closed: false, waiting: [], entered: 0, settled: 0 };
const request = Firestore.prototype.request;
Firestore.prototype.request = function (method, ...rest) {
  if (method !== "commit") return request.call(this, method, ...rest);
  gate.entered++;
  const go = () => request.call(this, method, ...rest).finally(() => gate.settled++);
  if (stall !== "gate" || !gate.closed) return go();
  return new Promise((resolve) => gate.waiting.push(resolve)).then(go);
};
// functions/src/firestore.ts starts the default app only when no app exists; the callable's token
// check has started firebase-functions' own app by then: start the default app first.
(await import("firebase-admin/app")).initializeApp();
const { recordTrace } = await import(BUNDLE);

// Calls the in-flight budget refused, counted from their log line.
let refused = 0;
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream);
  stream.write = (chunk, ...rest) => {
    if (typeof chunk === "string" && chunk.includes('"trace_call_over_budget"')) refused++;
    return write(chunk, ...rest);
  };
}

const app = express();
app.use(bodyParser.json({ limit: "1024mb", verify: (req, _res, buffer) => (req.rawBody = buffer) }));
app.post("/*", (req, res) => recordTrace(req, res));
const server = http.createServer(app).listen(0);
await once(server, "listening");
const port = server.address().port;

const mb = (bytes) => (bytes / 1e6).toFixed(1);
const measure = () => {
  for (let index = 0; index < 4; index++) global.gc();
  const { heapUsed, external, rss } = process.memoryUsage();
  return { used: heapUsed + external, heapUsed, external, rss };
};
const waitFor = async (check, what) => {
  const end = Date.now() + 120_000;
  while (!check()) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};
function send(file, count, tag) {
  const child = spawn(process.execPath, [`${here}/sender.mjs`, String(port), file, String(count), tag], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (chunk) => (out += chunk));
  return once(child, "exit").then(() => out.trim().split("\n").filter(Boolean).map((line) => JSON.parse(line)));
}
const tally = (answers) => {
  const counted = new Map();
  for (const { outcome } of answers) counted.set(outcome, (counted.get(outcome) ?? 0) + 1);
  return [...counted].map(([outcome, number]) => `${number} ${outcome}`).join(", ");
};

async function rounds() {
  const file = `${BODIES_DIR}/${BODY}`;
  const bodyBytes = statSync(file).size;
  console.error(`warm-up: ${tally(await send(`${BODIES_DIR}/realistic100.json`, 2, "warm-up"))}`);
  const base = measure();
  console.error(`baseline: heap ${mb(base.heapUsed)} MB, external ${mb(base.external)} MB, rss ${mb(base.rss)} MB`);
  for (const count of counts) {
    const entered = gate.entered;
    const refusedBefore = refused;
    let peakRss = 0;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 5);
    gate.closed = true;
    if (stall === "stop") process.kill(Number(JAVA_PID), "SIGSTOP");
    let finished = false;
    const answers = send(file, count, `${count}-${Date.now()}`).finally(() => (finished = true));
    const seen = () => gate.entered - entered + (refused - refusedBefore);
    await waitFor(() => seen() >= count || finished, "the commits");
    if (seen() < count) throw new Error(`calls ended before their commits: ${tally(await answers)}`);
    if (stall === "stop") await new Promise((resolve) => setTimeout(resolve, 1_500));
    const held = measure();
    const admitted = gate.entered - entered;
    gate.closed = false;
    for (const resolve of gate.waiting.splice(0)) resolve();
    if (stall === "stop") process.kill(Number(JAVA_PID), "SIGCONT");
    const done = await answers;
    await waitFor(() => gate.settled >= gate.entered, "the writes to settle");
    clearInterval(sampler);
    const perCall = (held.used - base.used) / Math.max(1, admitted);
    console.error(
      `[${stall}] ${count} calls of ${BODY} (${mb(bodyBytes)} MB): ${admitted} admitted, ${refused - refusedBefore} refused; ` +
        `held heap ${mb(held.heapUsed)} MB, external ${mb(held.external)} MB, rss ${mb(held.rss)} MB, peak rss ${mb(peakRss)} MB; ` +
        `per admitted call ${mb(perCall)} MB = ${(perCall / bodyBytes).toFixed(2)} per byte of body; answers: ${tally(done)}`,
    );
  }
}

try {
  await rounds();
  process.exit(0);
} catch (error) {
  if (JAVA_PID) process.kill(Number(JAVA_PID), "SIGCONT");
  console.error(String(error).slice(0, 2_000));
  process.exit(1);
}
