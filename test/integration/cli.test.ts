import { strict as assert } from "node:assert";
import { sanitizeTrace, type TraceInput } from "@agent-traces/core";
import { traceSchema } from "../../packages/core/src/schema.js";
import { getTrace, toTraceDocument, TRACES_COLLECTION, type StoredTrace, type TraceDocument, type TraceErrorReport } from "@agent-traces/admin";
import { FEEDBACK_COLLECTION } from "@agent-traces/store";
import { Timestamp } from "firebase-admin/firestore";
import { deleteApp, initializeApp } from "firebase/app";
import { connectAuthEmulator, getAuth, signInWithEmailAndPassword } from "firebase/auth";
import { AgentTracesSpanProcessor, toOtlpJson, type OtlpTraces } from "@agent-traces/otel";
import { createTracer, type TraceExporter } from "@agent-traces/tracer";
import type { RecordTraceBatchItemResult, SanitizedTrace } from "@agent-traces/core";
import { replaySpans, spansFromOtlp } from "../support/otlpSpans.js";
import { adminAuth, adminFirestore, clearFirestore, projectId } from "./support/emulators.js";
import { cli, type Run } from "./support/cli.js";
import { aTrace } from "./support/traces.js";


/** Keeps every trace it is sent and answers each as stored. */
class KeepingExporter implements TraceExporter {
  readonly traces: SanitizedTrace[] = [];
  async export(traces: readonly SanitizedTrace[]): Promise<RecordTraceBatchItemResult[]> {
    this.traces.push(...traces);
    return traces.map((trace) => ({ trace_id: trace.trace_id, stored: true, reason: trace.status === "success" ? "sampled" : trace.status }));
  }
}

function assertOneLineError(run: Run, pattern: RegExp): void {
  assert.equal(run.code, 1, `exit code (stderr: ${run.stderr})`);
  assert.equal(run.stdout, "");
  assert.match(run.stderr, /^agent-traces: [^\n]+\n$/, `one line on stderr, got ${JSON.stringify(run.stderr)}`);
  assert.match(run.stderr, pattern);
}

describe("agent-traces CLI against the Firestore emulator", () => {
  const base = Date.parse("2025-03-01T12:00:00Z");
  const at = (ms: number) => new Date(base + ms).toISOString();
  const ids = {
    aliceOk: "0a000000000000000000000000000001",
    bobError: "0b000000000000000000000000000002",
    numericTimeout: "0c000000000000000000000000000003",
    stringSevenOk: "0d000000000000000000000000000004",
  };

  async function seed(overrides: Partial<TraceInput>): Promise<void> {
    const trace = traceSchema.parse(aTrace(overrides));
    const document = toTraceDocument(sanitizeTrace(trace), { recordedBy: "uid-cli", receivedAt: new Date(base + 600_000), ttlDays: 7, sampleRate: 0.1 });
    await storeAsCommittedOnArrival(document);
  }

  before(async () => {
    await clearFirestore();
    await seed({ trace_id: ids.aliceOk, user_id: "alice", status: "success", started_at: at(0), ended_at: at(1_000) });
    await seed({
      trace_id: ids.bobError,
      user_id: "bob",
      skill: "research",
      status: "error",
      started_at: at(60_000),
      ended_at: at(61_000),
      iterations: 4,
      tool_traces: [
        { name: "web_search", input: { query: "firebase ttl" }, output: "3 results", duration_ms: 200, is_error: false, timestamp: at(60_000) },
        { name: "fetch_page", input: { url: "https://example.com/ttl" }, output: "ECONNRESET\nsocket hang up", duration_ms: 500, is_error: true, timestamp: at(60_250) },
        { name: "summarize", input: { text: "…" }, output: "partial", duration_ms: 100, is_error: false, timestamp: at(60_800) },
      ],
      tool_traces_dropped: 2,
      final_output: "Could not fetch the page.",
      metadata: { error: "fetch_page failed: ECONNRESET", model: "gemini-2.5-flash" },
      usage: [
        { model: "gemini-2.5-flash", input_tokens: 12_345, output_tokens: 678 },
        { model: "gemini-2.5-pro", input_tokens: 1_000, output_tokens: 0 },
      ],
    });
    await seed({ trace_id: ids.numericTimeout, user_id: 7, status: "timeout", started_at: at(120_000), ended_at: at(150_000) });
    await seed({ trace_id: ids.stringSevenOk, user_id: "7", status: "success", started_at: at(180_000), ended_at: at(180_500) });
  });

  const idsIn = (text: string) => [...text.matchAll(/\b0[a-d]0{29}\d\b/g)].map((match) => match[0]);

  it("list: a table of every trace, newest first", async () => {
    const run = await cli(["list"]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, "");
    const lines = run.stdout.trimEnd().split("\n");
    assert.match(lines[0]!, /^STARTED\s+TRACE ID\s+STATUS\s+USER\s+SKILL\s+DURATION\s+TOOLS kept\/err\/drop\s+ITER\s+COST$/);
    assert.deepEqual(idsIn(run.stdout), [ids.stringSevenOk, ids.numericTimeout, ids.bobError, ids.aliceOk]);
    assert.match(lines[3]!, /^2025-03-01 12:01:00 {2}0b0{29}2 {2}✗ error\s+bob\s+research\s+1\.00s\s+3\/1\/2\s+4\s+\$0\.0066$/);
    assert.match(lines[1]!, /\s+—$/, "a run without usage has no cost");
    assert.match(lines[2]!, /✗ timeout\s+7\s/);
  });

  it("list --status error: only the failed run", async () => {
    const run = await cli(["list", "--status", "error"]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(idsIn(run.stdout), [ids.bobError]);
  });

  it("list --user 7: the string and the numeric user id in one query, newest first", async () => {
    const run = await cli(["list", "--user", "7"]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(idsIn(run.stdout), [ids.stringSevenOk, ids.numericTimeout]);
  });

  it("list --skill: the runs of that skill, alone or with other filters", async () => {
    const run = await cli(["list", "--skill", "research"]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(idsIn(run.stdout), [ids.bobError]);
    assert.deepEqual(idsIn((await cli(["list", "--skill", "research", "--user", "bob", "--status", "error"])).stdout), [ids.bobError]);
    assert.equal((await cli(["list", "--skill", "research", "--status", "success"])).stdout, "No traces.\n");
  });

  it("list --failed-tool: the runs in which that tool failed (failed_tool_names), not those where it ran fine", async () => {
    const run = await cli(["list", "--failed-tool", "fetch_page"]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(idsIn(run.stdout), [ids.bobError]);
    // web_search ran in alice's and bob's runs without failing: no run is listed for it.
    assert.equal((await cli(["list", "--failed-tool", "web_search"])).stdout, "No traces.\n");
    assert.deepEqual(idsIn((await cli(["list", "--failed-tool", "fetch_page", "--since", "2025-03-01T12:01:00Z", "--until", "2025-03-01T12:02:00Z"])).stdout), [ids.bobError]);
    assert.equal((await cli(["list", "--failed-tool", "fetch_page", "--since", "2025-03-01T12:01:01Z"])).stdout, "No traces.\n");
    assertOneLineError(await cli(["list", "--failed-tool", "fetch_page", "--status", "error"]), /--failed-tool combines only with --since and --until, not with --status/);
  });

  it("list --since/--until (absolute and relative) and --limit", async () => {
    const window = await cli(["list", "--since", "2025-03-01T12:01:00Z", "--until", "2025-03-01T12:03:00Z"]);
    assert.deepEqual(idsIn(window.stdout), [ids.numericTimeout, ids.bobError]);
    const limited = await cli(["list", "--limit", "2"]);
    assert.deepEqual(idsIn(limited.stdout), [ids.stringSevenOk, ids.numericTimeout]);
    assert.match(limited.stdout, /2 shown; older traces may exist/);
    const recent = await cli(["list", "--since", "1h"]);
    assert.equal(recent.code, 0, recent.stderr);
    assert.equal(recent.stdout, "No traces.\n");
  });

  it("list --json: only JSON, the stored traces newest first", async () => {
    const run = await cli(["list", "--json", "--user", "alice"]);
    assert.equal(run.code, 0, run.stderr);
    const traces = JSON.parse(run.stdout) as StoredTrace[];
    assert.deepEqual(traces, [await getTrace(adminFirestore(), ids.aliceOk)]);
    assert.deepEqual(JSON.parse((await cli(["list", "--json", "--status", "timeout", "--user", "nobody"])).stdout), []);
  });

  it("show: the header and a waterfall of the tool calls with the failed one marked", async () => {
    const run = await cli(["show", ids.bobError.toUpperCase()]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, "");
    const out = run.stdout;
    assert.match(out, /^Trace 0b0{29}2 {2}✗ error\n/);
    assert.match(out, /\n {2}user {10}bob\n/);
    assert.match(out, /\n {2}started {7}2025-03-01 12:01:00\.000 \+00:00\n/);
    assert.match(out, /\n {2}duration {6}1\.00s\n/);
    assert.match(out, /\n {2}recorded by {3}uid-cli\n/);
    assert.match(out, /\n {2}sample rate {3}0\.1\n/);
    assert.match(out, /\n {2}error {9}fetch_page failed: ECONNRESET\n/);
    assert.match(out, /\n {2}metadata {6}\{"model":"gemini-2\.5-flash"\}\n/);
    assert.match(out, /\n {2}tokens {8}gemini-2\.5-flash: 12,345 in \/ 678 out, \$0\.0054\n {16}gemini-2\.5-pro: 1,000 in \/ 0 out, \$0\.0013\n {16}total: 13,345 in \/ 678 out\n {2}cost {10}\$0\.0066\n/);
    assert.match(out, /\n {2}kept for {6}error \(every failure is kept\)\n {2}weight {8}1 \(stands for itself in the report\)\n/);
    assert.match(out, /Tool calls: 3, 1 failed; 2 more dropped when stored/);
    const rows = out.split("\n").filter((line) => /^\s+\d+ {2}\S/.test(line));
    assert.deepEqual(rows.map((row) => row.trim().split(/\s+/)[1]), ["web_search", "fetch_page", "summarize"]);
    // 1 s run over 40 columns: 25 ms per column.
    assert.match(rows[0]!, /\|█{8} {32}\|\s+200ms {9}query=firebase ttl → 3 results$/);
    assert.match(rows[1]!, /\| {10}▒{20} {10}\|\s+500ms {2}✗ ERR {2}url=https:\/\/example\.com\/ttl → ECONNRESET socket hang up$/);
    assert.match(rows[2]!, /\| {32}█{4} {4}\|\s+100ms/);
  });

  it("show --json: only JSON, the stored trace", async () => {
    const run = await cli(["show", ids.bobError, "--json"]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), await getTrace(adminFirestore(), ids.bobError));
  });

  it("export: OTLP/JSON of the stored trace that the span processor reads back as the same trace; --format json the stored trace", async () => {
    const stored = (await getTrace(adminFirestore(), ids.bobError))!;
    const run = await cli(["export", ids.bobError]);
    assert.equal(run.code, 0, run.stderr);
    const document = JSON.parse(run.stdout) as OtlpTraces;
    assert.deepEqual(document, toOtlpJson(stored));
    const spans = document.resourceSpans[0]!.scopeSpans[0]!.spans;
    assert.ok(spans.every((span) => span.traceId === ids.bobError), "the run's trace id is every span's");
    assert.equal(spans.filter((span) => span.name.startsWith("execute_tool ")).length, stored.tool_traces.length);

    const exporter = new KeepingExporter();
    const processor = new AgentTracesSpanProcessor({ tracer: createTracer({ exporter, sampleRate: 1, scheduledDelayMs: 0 }) });
    replaySpans(processor, spansFromOtlp(document));
    await processor.forceFlush();
    const {
      duration_ms: _duration,
      tool_error_count: _errors,
      failed_tools: _failed,
      failed_tool_names: _failedNames,
      recorded_by: _by,
      received_at: _received,
      committed_at: _committed,
      expire_at: _expire,
      sample_rate: _rate,
      weight: _weight,
      weight_variance: _variance,
      kept_for: _keptFor,
      cost_usd: _cost,
      unpriced_models: _unpriced,
      ...sent
    } = stored;
    // What the server priced stays on the server: the sender's usage has tokens only.
    const usage = sent.usage?.map(({ cost_usd: _entryCost, ...tokens }) => tokens);
    assert.deepEqual(exporter.traces, [{ ...sent, ...(usage ? { usage } : {}) }]);

    const asJson = await cli(["export", ids.bobError, "--format", "json"]);
    assert.deepEqual(JSON.parse(asJson.stdout), stored);
    assertOneLineError(await cli(["export", ids.bobError, "--format", "zipkin"]), /--format must be otlp or json/);
  });

  it("finds the emulator at firebase.json's pinned port when FIRESTORE_EMULATOR_HOST is unset", async () => {
    const run = await cli(["list", "--status", "timeout"], { FIRESTORE_EMULATOR_HOST: undefined });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(idsIn(run.stdout), [ids.numericTimeout]);
  });

  it("an unknown trace id: exit 1, one line on stderr", async () => {
    assertOneLineError(await cli(["show", "ffffffffffffffffffffffffffffffff"]), /no trace ffffffffffffffffffffffffffffffff in the Firestore emulator at /);
  });

  it("a bad flag or value: exit 1, one line on stderr", async () => {
    const cases: [string[], RegExp][] = [
      [["list", "--frobnicate"], /unknown option "--frobnicate"/],
      [["list", "--status", "broken"], /--status must be success, error or timeout/],
      [["list", "--limit", "500"], /--limit must be a whole number from 1 to 100/],
      [["list", "--since", "last week"], /--since: "last week" is not a time/],
      [["list", "--skill="], /--skill must be 1 to 128 characters/],
      [["show", "not-a-trace-id"], /is not a trace id/],
    ];
    const runs = await Promise.all(cases.map(([args]) => cli(args)));
    runs.forEach((run, index) => assertOneLineError(run, cases[index]![1]));
  });

  it("report: prints the window's error report, and --json gives the same numbers", async () => {
    const window = ["--window-start", "2025-03-01T12:00:00Z", "--hours", "1"];
    const text = await cli(["report", ...window]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /failed runs\s+2 {2}\(1 errors, 1 timeouts\)/);
    assert.match(text.stdout, /fetch_page\s+1 calls in 1 runs/);
    assert.match(text.stdout, /fetch_page failed: ECONNRESET/);
    assert.match(
      text.stdout,
      /\nToken usage {2}13,345 in \/ 678 out, cost \$0\.0066 {2}\(estimate\)\n {2}research\s+13,345 in\s+678 out\s+\$0\.0066\n {4}gemini-2\.5-flash\s+12,345 in\s+678 out\s+\$0\.0054\n {4}gemini-2\.5-pro\s+1,000 in\s+0 out\s+\$0\.0013\n/,
    );
    assert.match(text.stdout, /\n {2}est\. runs {7}~22 ± 26\.3 \(95%\), error rate/, "2 failures and 2 successes at weight 10: ± 1.96 × sqrt(2 × 90)");
    const json = await cli(["report", ...window, "--json"]);
    assert.equal(json.code, 0, json.stderr);
    const report = JSON.parse(json.stdout) as TraceErrorReport;
    assert.deepEqual([report.failures, report.errors, report.timeouts, report.window_start], [2, 1, 1, "2025-03-01T12:00:00.000Z"]);
    assert.equal(report.estimate.stored_successes, 2);
    assert.deepEqual([report.usage.input_tokens, report.usage.output_tokens, report.usage.cost_usd], [13_345, 678, 0.006649]);
    assert.deepEqual([report.estimate.standard_error, report.estimate.margin_95], [13.4, 26.3]);
    assertOneLineError(await cli(["report", "--hours", "0"]), /--hours must be a whole number/);
  });

  it("no emulator at the address: exit 1, one line on stderr", async () => {
    assertOneLineError(await cli(["list"], { FIRESTORE_EMULATOR_HOST: "127.0.0.1:1" }), /cannot reach the Firestore emulator at 127\.0\.0\.1:1/);
  });
});

describe("agent-traces CLI: list by cost and show's cost", () => {
  const base = Date.parse("2025-04-10T12:00:00Z");
  const id = (n: number) => `c0${n.toString(16).padStart(30, "0")}`;
  const gpt4o = (input_tokens: number, output_tokens: number) => ({ model: "gpt-4o", input_tokens, output_tokens });
  const finetune = { model: "my-finetune", input_tokens: 50, output_tokens: 5 };
  /** Priced by recordTrace's default prices: gpt-4o at $2.50 in / $10 out per million tokens; my-finetune has no price. */
  const runs: { n: number; user: string | number; skill: string; status: "success" | "error"; usage?: { model: string; input_tokens: number; output_tokens: number }[] }[] = [
    { n: 1, user: "alice", skill: "research", status: "success", usage: [gpt4o(1_000, 100)] }, // $0.0035
    { n: 2, user: "bob", skill: "research", status: "error", usage: [gpt4o(10_000, 1_000)] }, // $0.035
    { n: 3, user: "alice", skill: "chat", status: "success", usage: [{ model: "gpt-4o-mini", input_tokens: 1_000, output_tokens: 100 }] }, // $0.00021
    { n: 4, user: "alice", skill: "chat", status: "success", usage: [finetune] }, // unpriced only: no cost_usd
    { n: 5, user: "alice", skill: "chat", status: "success" }, // no usage
    { n: 6, user: 7, skill: "chat", status: "success", usage: [gpt4o(1_000, 100), finetune] }, // $0.0035 + unpriced: ties with 1, a greater id
  ];
  const listed = (text: string) => [...text.matchAll(/\bc00{29}[0-9a-f]\b/g)].map((match) => match[0]);

  before(async () => {
    await clearFirestore();
    for (const run of runs) {
      const startedAt = new Date(base + run.n * 60_000);
      const trace = traceSchema.parse(
        aTrace({
          trace_id: id(run.n),
          user_id: run.user,
          skill: run.skill,
          status: run.status,
          started_at: startedAt.toISOString(),
          ended_at: new Date(startedAt.getTime() + 1_000).toISOString(),
          ...(run.status === "error" ? { metadata: { error: "boom" } } : {}),
          ...(run.usage ? { usage: run.usage } : {}),
        }),
      );
      await storeAsCommittedOnArrival(toTraceDocument(sanitizeTrace(trace), { recordedBy: "uid-cost", receivedAt: startedAt, ttlDays: 7, sampleRate: 0.1 }));
    }
  });

  it("list --sort cost: the priced runs, most expensive first, the document id breaking ties, and says which runs it leaves out", async () => {
    const run = await cli(["list", "--sort", "cost"]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, "");
    assert.deepEqual(listed(run.stdout), [id(2), id(6), id(1), id(3)]);
    const lines = run.stdout.trimEnd().split("\n");
    assert.match(lines[1]!, /\s\$0\.0350$/);
    assert.match(lines[2]!, /\s\$0\.0035 \+ unpriced$/);
    assert.match(lines[3]!, /\s\$0\.0035$/);
    assert.match(lines[4]!, /\s\$0\.0002$/);
    assert.equal(lines.at(-1), "Most expensive first. Runs without a priced cost (no token usage, or only models without a price) are not listed.");
    const limited = await cli(["list", "--sort", "cost", "--limit", "2"]);
    assert.deepEqual(listed(limited.stdout), [id(2), id(6)]);
    assert.match(limited.stdout, /\n2 shown; cheaper runs may exist \(raise --limit up to 100\)\n/);
  });

  it("list --sort cost with one of --user (both forms of a number), --skill or --status", async () => {
    assert.deepEqual(listed((await cli(["list", "--sort", "cost", "--user", "alice"])).stdout), [id(1), id(3)]);
    assert.deepEqual(listed((await cli(["list", "--sort", "cost", "--user", "7"])).stdout), [id(6)]);
    assert.deepEqual(listed((await cli(["list", "--sort", "cost", "--skill", "chat"])).stdout), [id(6), id(3)]);
    assert.deepEqual(listed((await cli(["list", "--sort", "cost", "--status", "error"])).stdout), [id(2)]);
    assertOneLineError(await cli(["list", "--sort", "cost", "--user", "alice", "--skill", "chat"]), /--sort cost combines with one of --user, --skill or --status/);
  });

  it("list --min-cost: the runs that cost at least that much, most expensive first; none says so", async () => {
    assert.deepEqual(listed((await cli(["list", "--min-cost", "0.0035"])).stdout), [id(2), id(6), id(1)]);
    assert.deepEqual(listed((await cli(["list", "--min-cost", "0.001", "--skill", "chat"])).stdout), [id(6)]);
    const none = await cli(["list", "--min-cost", "1"]);
    assert.equal(none.code, 0, none.stderr);
    assert.equal(none.stdout, "No traces with a priced cost.\nMost expensive first. Runs without a priced cost (no token usage, or only models without a price) are not listed.\n");
    const json = await cli(["list", "--min-cost", "0.01", "--json"]);
    assert.deepEqual((JSON.parse(json.stdout) as StoredTrace[]).map((trace) => [trace.trace_id, trace.cost_usd]), [[id(2), 0.035]]);
    assertOneLineError(await cli(["list", "--min-cost", "cheap"]), /--min-cost must be an amount of USD >= 0/);
  });

  it("show: the cost per model (unpriced named, never $0), the run's total, why it was kept and its weight", async () => {
    const run = await cli(["show", id(6)]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /\n {2}tokens {8}gpt-4o: 1,000 in \/ 100 out, \$0\.0035\n {16}my-finetune: 50 in \/ 5 out, unpriced\n {16}total: 1,050 in \/ 105 out\n {2}cost {10}\$0\.0035 \+ unpriced \(no price for my-finetune\)\n/);
    assert.match(run.stdout, /\n {2}kept for {6}sampled\n {2}weight {8}10 \(stands for 10 runs in the report\)\n/);
    const unpriced = await cli(["show", id(4)]);
    assert.match(unpriced.stdout, /\n {2}cost {10}unpriced \(no price for my-finetune\)\n/);
    assert.doesNotMatch((await cli(["show", id(5)])).stdout, /\n {2}(tokens|cost) /);
  });
});

describe("agent-traces CLI: grant-admin against the Auth emulator", () => {
  const email = `grant-admin-${Date.now()}@example.com`;
  const password = "correct horse battery";
  let uid: string;

  before(async () => {
    uid = (await adminAuth().createUser({ email, password })).uid;
    await adminAuth().setCustomUserClaims(uid, { team: "sre" });
  });
  after(async () => {
    await adminAuth().deleteUser(uid);
  });

  const claims = async () => (await adminAuth().getUser(uid)).customClaims;

  /** The claims of an ID token from a fresh email/password sign-in, as a browser (the viewer) would get them. */
  async function signedInClaims(): Promise<Record<string, unknown>> {
    const app = initializeApp({ projectId, apiKey: "fake-api-key" }, `grant-admin-${Date.now()}`);
    try {
      const auth = getAuth(app);
      connectAuthEmulator(auth, `http://${process.env.FIREBASE_AUTH_EMULATOR_HOST}`, { disableWarnings: true });
      const { user } = await signInWithEmailAndPassword(auth, email, password);
      return (await user.getIdTokenResult()).claims;
    } finally {
      await deleteApp(app);
    }
  }

  it("grants by email, keeping the other claims; a new sign-in carries admin: true", async () => {
    const run = await cli(["grant-admin", email]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, "");
    const [done] = run.stdout.split("\n");
    assert.ok(done!.startsWith(`Granted the admin claim to user ${uid} (${email}) in the Auth emulator at `), done);
    assert.ok(done!.endsWith(` (project ${projectId}).`), done);
    assert.match(run.stdout, /\nOther custom claims kept: team\.\n/);
    assert.match(run.stdout, /sign out and sign in again/);
    assert.deepEqual(await claims(), { team: "sre", admin: true });
    const token = await signedInClaims();
    assert.equal(token.admin, true);
    assert.equal(token.team, "sre");
  });

  it("changes nothing when run again", async () => {
    const run = await cli(["grant-admin", uid]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /already has the admin claim: nothing changed/);
    assert.deepEqual(await claims(), { team: "sre", admin: true });
  });

  it("--revoke removes only the admin claim, by uid", async () => {
    const run = await cli(["grant-admin", uid, "--revoke"]);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.stdout.startsWith(`Revoked the admin claim of user ${uid} (${email}) in the Auth emulator at `), run.stdout);
    assert.deepEqual(await claims(), { team: "sre" });
    assert.equal((await signedInClaims()).admin, undefined);
  });

  it("an unknown user, a bad argument, or no emulator: exit 1, one line on stderr", async () => {
    assertOneLineError(await cli(["grant-admin", "nobody@example.com"]), /no user with email nobody@example\.com in the Auth emulator at /);
    assertOneLineError(await cli(["grant-admin", "no-such-uid", "--revoke"]), /no user with uid no-such-uid in the Auth emulator at /);
    assertOneLineError(await cli(["grant-admin"]), /grant-admin needs a user's email or uid/);
    assertOneLineError(await cli(["grant-admin", email], { FIREBASE_AUTH_EMULATOR_HOST: "127.0.0.1:1" }), /cannot reach the Auth emulator at 127\.0\.0\.1:1/);
  });
});

describe("agent-traces CLI: sessions and feedback", () => {
  const base = Date.parse("2025-05-01T09:00:00Z");
  const at = (minutes: number, ms = 0) => new Date(base + minutes * 60_000 + ms).toISOString();
  const id = (n: number) => `5e${n.toString(16).padStart(30, "0")}`;
  interface Run {
    id: string;
    user: string | number;
    session?: string;
    minute: number;
    status?: "success" | "error" | "timeout";
    feedback?: { up: number; down: number };
  }
  // alice's sessions, newest first by her newest run in each: mixed (minute 21), chat-b (11), chat-a (2).
  const runs: Run[] = [
    { id: id(1), user: "alice", session: "chat-a", minute: 0 },
    { id: id(2), user: "alice", session: "chat-a", minute: 1, status: "error", feedback: { up: 1, down: 1 } },
    { id: id(3), user: "alice", session: "chat-a", minute: 2 },
    { id: id(4), user: 7, session: "chat-c", minute: 5, status: "timeout" },
    { id: id(5), user: "7", session: "chat-c", minute: 6 },
    { id: id(6), user: "alice", session: "chat-b", minute: 10 },
    { id: id(7), user: "alice", session: "chat-b", minute: 11 },
    { id: id(8), user: "bob", session: "mixed", minute: 20 },
    { id: id(9), user: "alice", session: "mixed", minute: 21 },
    { id: id(10), user: "alice", minute: 30 },
  ];
  const rated = runs[1]!;

  before(async () => {
    await clearFirestore();
    for (const run of runs) {
      const status = run.status ?? "success";
      const trace = traceSchema.parse(
        aTrace({
          trace_id: run.id,
          user_id: run.user,
          status,
          started_at: at(run.minute),
          ended_at: at(run.minute, 1_000),
          ...(run.session ? { session_id: run.session } : {}),
          ...(status === "error" ? { metadata: { error: "refund tool failed" } } : {}),
        }),
      );
      const document = toTraceDocument(sanitizeTrace(trace), { recordedBy: "uid-cli", receivedAt: new Date(base + 3_600_000), ttlDays: 7, sampleRate: 0.1 });
      if (run.feedback) Object.assign(document, { feedback: run.feedback, negative_feedback: true });
      await storeAsCommittedOnArrival(document);
    }
    const rating = (ratedBy: string, fields: Record<string, unknown>, minute: number) =>
      adminFirestore()
        .collection(FEEDBACK_COLLECTION)
        .doc(`${rated.id}:${encodeURIComponent(ratedBy)}`)
        .create({
          trace_id: rated.id,
          rated_by: ratedBy,
          run_recorded_by: "alice",
          user_id: "alice",
          skill: "planning",
          session_id: "chat-a",
          run_status: "error",
          run_started_at: Timestamp.fromDate(new Date(at(1))),
          created_at: Timestamp.fromDate(new Date(at(minute))),
          updated_at: Timestamp.fromDate(new Date(at(minute))),
          expire_at: Timestamp.fromDate(new Date(base + 8 * 86_400_000)),
          schema_version: 1,
          ...fields,
        });
    await rating("uid-cli", { rating: "down", value: 1, comment: "It refunded the\nwrong order", tags: ["wrong", "refund"] }, 3);
    await rating("admin-uid", { rating: "up" }, 4);
  });

  const idsIn = (text: string) => [...text.matchAll(/\b5e0{28}[0-9a-f]{2}\b/g)].map((match) => match[0]);

  it("list --session: that session's runs, oldest first; --limit says later ones may exist", async () => {
    const run = await cli(["list", "--session", "chat-a"]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(idsIn(run.stdout), [id(1), id(2), id(3)]);
    assert.doesNotMatch(run.stdout, /shown;/);
    const limited = await cli(["list", "--session", "chat-a", "--limit", "2"]);
    assert.deepEqual(idsIn(limited.stdout), [id(1), id(2)]);
    assert.match(limited.stdout, /2 shown; later runs of the session may exist/);
    const json = await cli(["list", "--session", "chat-c", "--json"]);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), [await getTrace(adminFirestore(), id(4)), await getTrace(adminFirestore(), id(5))]);
    assert.equal((await cli(["list", "--session", "no-such-session"])).stdout, "No traces.\n");
    assertOneLineError(await cli(["list", "--session", "chat-a", "--status", "error"]), /--session lists one session's runs, oldest first: it does not combine with --status/);
  });

  it("sessions --user: the user's sessions newest first, each with its runs, first and last start and statuses", async () => {
    const run = await cli(["sessions", "--user", "alice"]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, "");
    const lines = run.stdout.trimEnd().split("\n");
    assert.match(lines[0]!, /^SESSION\s+RUNS\s+FIRST STARTED\s+LAST STARTED\s+STATUSES$/);
    assert.deepEqual(
      lines.slice(1).map((line) => line.split(/\s{2,}/)),
      [
        ["mixed", "2", "2025-05-01 09:20:00", "2025-05-01 09:21:00", "2 success"],
        ["chat-b", "2", "2025-05-01 09:10:00", "2025-05-01 09:11:00", "2 success"],
        ["chat-a", "3", "2025-05-01 09:00:00", "2025-05-01 09:02:00", "2 success, 1 error"],
      ],
    );
    const json = await cli(["sessions", "--user", "alice", "--json", "--limit", "2"]);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), [
      { session_id: "mixed", runs: 2, runs_capped: false, first_started_at: at(20), last_started_at: at(21), statuses: { success: 2, error: 0, timeout: 0 }, users: ["bob", "alice"] },
      { session_id: "chat-b", runs: 2, runs_capped: false, first_started_at: at(10), last_started_at: at(11), statuses: { success: 2, error: 0, timeout: 0 }, users: ["alice"] },
    ]);
    assert.match((await cli(["sessions", "--user", "alice", "--limit", "2"])).stdout, /2 shown; older sessions may exist/);
  });

  it("sessions --user 7: the string and the numeric user id; no sessions for a user without any", async () => {
    const json = JSON.parse((await cli(["sessions", "--user", "7", "--json"])).stdout) as { session_id: string; runs: number; users: unknown[] }[];
    assert.deepEqual(
      json.map((session) => [session.session_id, session.runs, session.users]),
      [["chat-c", 2, [7, "7"]]],
    );
    assert.equal((await cli(["sessions", "--user", "bob"])).stdout.split("\n")[1]?.split(/\s{2,}/)[0], "mixed");
    assert.equal((await cli(["sessions", "--user", "nobody"])).stdout, "No sessions.\n");
    assertOneLineError(await cli(["sessions"]), /sessions needs --user ID/);
  });

  it("show: the run's session, why it was kept, its rating counts and each rating, newest first", async () => {
    const run = await cli(["show", rated.id]);
    assert.equal(run.code, 0, run.stderr);
    const out = run.stdout;
    assert.match(out, /\n {2}session {7}chat-a\n/);
    assert.match(out, /\n {2}kept for {6}error \(every failure is kept\)\n/);
    assert.match(out, /\n {2}feedback {6}1 up, 1 down\n/);
    assert.match(
      out,
      /\nFeedback \(2 ratings\)\n {4}up {4}by admin-uid \(admin\) {2}2025-05-01 09:04:00\n {2}✗ down {2}value 1 {2}tags: wrong, refund {2}by uid-cli \(sender\) {2}2025-05-01 09:03:00\n {10}"It refunded the wrong order"\n/,
    );
    assert.match(out, /Tool calls: 1/, "the waterfall follows");
    const unrated = await cli(["show", id(1)]);
    assert.equal(unrated.code, 0, unrated.stderr);
    assert.doesNotMatch(unrated.stdout, /Feedback \(|\n {2}feedback /);
    assert.match(unrated.stdout, /\n {2}kept for {6}sampled\n/);
  });
});

describe("agent-traces CLI: a hostile trace cannot drive the terminal", () => {
  const traceId = "0e000000000000000000000000000005";
  const esc = "\u001b";
  const hostile = (label: string) => `${label}${esc}[31mred${esc}]0;title\u0007${esc}[2J\u009b2J\u202eevil\u2066\r\b`;
  // Anything a terminal could act on: C0 controls but newline, DEL, C1 controls, bidi overrides and isolates.
  // eslint-disable-next-line no-control-regex
  const ACTIVE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

  before(async () => {
    await clearFirestore();
    const trace = traceSchema.parse(
      aTrace({
        trace_id: traceId,
        user_id: hostile("user"),
        skill: hostile("skill"),
        status: "error",
        started_at: "2025-04-01T12:00:00Z",
        ended_at: "2025-04-01T12:00:01Z",
        tool_traces: [{ name: hostile("tool"), input: { [hostile("key")]: hostile("value") }, output: hostile("output"), duration_ms: 5, is_error: true, timestamp: "2025-04-01T12:00:00Z" }],
        final_output: hostile("final"),
        metadata: { error: hostile("error"), [hostile("meta")]: hostile("meta value") },
        usage: [{ model: hostile("model"), input_tokens: 5, output_tokens: 1 }],
        session_id: hostile("session"),
      }),
    );
    const document = toTraceDocument(sanitizeTrace(trace), { recordedBy: "uid-cli", receivedAt: new Date("2025-04-01T12:00:02Z"), ttlDays: 7, sampleRate: 0.1 });
    await storeAsCommittedOnArrival({ ...document, feedback: { up: 0, down: 1 }, negative_feedback: true });
    const when = Timestamp.fromDate(new Date("2025-04-01T12:05:00Z"));
    await adminFirestore()
      .collection(FEEDBACK_COLLECTION)
      .doc(`${traceId}:hostile`)
      .create({ trace_id: traceId, rated_by: hostile("rater"), run_recorded_by: hostile("rater"), rating: "down", comment: hostile("comment"), tags: [hostile("tag")], user_id: "u", skill: null, run_status: "error", run_started_at: when, created_at: when, updated_at: when, expire_at: when, schema_version: 1 });
  });

  const commands: [string, string[]][] = [
    ["list", ["list"]],
    ["list --json", ["list", "--json"]],
    ["show", ["show", traceId]],
    ["show --json", ["show", traceId, "--json"]],
    ["report", ["report", "--window-start", "2025-04-01T12:00:00Z"]],
    ["report --json", ["report", "--window-start", "2025-04-01T12:00:00Z", "--json"]],
  ];
  for (const [name, args] of commands) {
    it(`${name} prints no control character and no colour code (stdout is not a terminal, NO_COLOR unset)`, async () => {
      const run = await cli(args, { NO_COLOR: undefined });
      assert.equal(run.code, 0, run.stderr);
      const found = ACTIVE.exec(run.stdout);
      assert.equal(found, null, `U+${found?.[0].charCodeAt(0).toString(16).padStart(4, "0")} printed: ${JSON.stringify(run.stdout.slice(Math.max(0, (found?.index ?? 0) - 40), (found?.index ?? 0) + 40))}`);
      assert.match(run.stdout, /skill|tool|error/, "the hostile text is shown, made harmless");
    });
  }
});

/** Stores `document` as a commit on its arrival would have left it (`committed_at` = `received_at`), so that a past window's report holds it. */
async function storeAsCommittedOnArrival(document: TraceDocument): Promise<void> {
  await adminFirestore().collection(TRACES_COLLECTION).doc(document.trace_id).create({ ...document, committed_at: document.received_at });
}
