import { strict as assert } from "node:assert";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { Timestamp, type Firestore, type WhereFilterOp } from "firebase-admin/firestore";
import { MIN_SENDER_SAMPLE_RATE, randomTraceId, TraceIdRatioBasedSampler, type RecordTraceBatchResult } from "@agent-traces/core";
import {
  buildErrorReport,
  buildReportQuery,
  FAILURE_FIELDS,
  previousFullHours,
  REPORTS_COLLECTION,
  SKILL_ESTIMATES,
  TRACES_COLLECTION,
  USAGE_FIELDS,
  windowStartingAt,
  type ReportWindow,
  type TraceErrorReport,
} from "@agent-traces/admin";
import type { ErrorReportConfig, RecordTraceConfig } from "../../functions/src/config.js";
import { handleRecordTrace } from "../../functions/src/recordTrace/recordTraceHandler.js";
import { reportTraceErrors } from "../../functions/src/reportTraceErrors/reportTraceErrorsHandler.js";
import { adminFirestore, clearFirestore, functionsOrigin, projectId } from "./support/emulators.js";
import { seedTraces, type SeedTrace } from "./support/seed.js";
import { seedFeedback, type SeedFeedback } from "./support/seedFeedback.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const window = windowStartingAt(new Date("2025-06-01T10:00:00Z"), 1);
const at = (minutes: number) => new Date(window.start.getTime() + minutes * MINUTE);

/**
 * The known workload: in the window, 5 errors and 2 timeouts across two skills and two failing tools,
 * and successes stored at two rates; in the hour before, 3 failures; and traces just outside both.
 * Each was stored (`committed_at`, what the report windows by) as it started; the commit-time cases
 * are in "windows by commit" below.
 */
const workload: SeedTrace[] = [
  { startedAt: at(0), status: "error", skill: "planning", userId: "ann", sampleRate: 0.1, error: "Timeout after 3000 ms calling tool 4f3a9c1e2b", failedTools: ["web_search", "web_search"] },
  { startedAt: at(5), status: "error", skill: "planning", userId: "bob", sampleRate: 0.1, error: "Timeout after 4500 ms calling tool 9d8e7f6a5b", failedTools: ["web_search"] },
  { startedAt: at(10), status: "error", skill: "planning", userId: "ann", sampleRate: 0.5, error: "Timeout after 12 ms calling tool 0a1b2c3d4e", failedTools: ["db_query"] },
  { startedAt: at(20), status: "error", skill: "search", userId: "cy", sampleRate: 0.1, error: "Rate limit exceeded for user 'bob'", failedTools: ["web_search"] },
  { startedAt: at(30), status: "error", skill: "search", userId: "cy", sampleRate: 0.1, error: "Rate limit exceeded for user 'carol'" },
  { startedAt: at(40), status: "timeout", skill: "search", userId: "dee", sampleRate: 0.1 },
  { startedAt: new Date(window.end.getTime() - 1), status: "timeout", skill: "search", userId: "ann", sampleRate: 0.1 },
  // successes stored: 6 at rate 0.1 (stand for 60 runs) and 2 at rate 0.5 (stand for 4 runs)
  ...[1, 2, 3, 4, 5, 6].map((minute) => ({ startedAt: at(minute), status: "success" as const, sampleRate: 0.1 })),
  ...[7, 8].map((minute) => ({ startedAt: at(minute), status: "success" as const, sampleRate: 0.5 })),
  // the hour before: 2 errors, 1 timeout (one of them on its very first instant), 3 successes at 0.1
  { startedAt: new Date(window.start.getTime() - 60 * MINUTE), status: "error", skill: "planning", sampleRate: 0.1, error: "boom" },
  { startedAt: new Date(window.start.getTime() - 1), status: "error", skill: "planning", sampleRate: 0.1, error: "boom" },
  { startedAt: new Date(window.start.getTime() - 30 * MINUTE), status: "timeout", skill: "search", sampleRate: 0.1 },
  ...[1, 2, 3].map((minute) => ({ startedAt: new Date(window.start.getTime() - minute * MINUTE), status: "success" as const, sampleRate: 0.1 })),
  // outside both windows: at the window's end (excluded, half-open) and long before
  { startedAt: window.end, status: "error", skill: "planning", sampleRate: 0.1, error: "later" },
  { startedAt: new Date(window.start.getTime() - 3 * 60 * MINUTE), status: "error", skill: "planning", sampleRate: 0.1, error: "earlier" },
];

function config(overrides: Partial<ErrorReportConfig> = {}): ErrorReportConfig {
  return { windowHours: 1, errorThreshold: 5, ttlDays: 90, maxFailuresRead: 2000, maxUsageRead: 2000, webhookUrl: undefined, ...overrides };
}

interface Received {
  body: unknown;
  contentType: string | undefined;
}

async function webhookServer(status: number): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    request.on("end", () => {
      received.push({ body: JSON.parse(body) as unknown, contentType: request.headers["content-type"] });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received, server };
}

describe("reportTraceErrors", () => {
  let report: TraceErrorReport;
  let hook: Awaited<ReturnType<typeof webhookServer>>;

  before(async () => {
    await clearFirestore();
    await seedTraces(workload);
    hook = await webhookServer(200);
    report = await reportTraceErrors(window, { db: adminFirestore(), config: config({ webhookUrl: hook.url }) });
  });
  after(() => hook.server.close());

  it("covers the half-open window of commit time and counts errors and timeouts exactly", () => {
    assert.equal(report.window_start, "2025-06-01T10:00:00.000Z");
    assert.equal(report.window_end, "2025-06-01T11:00:00.000Z");
    assert.equal(report.window_field, "committed_at");
    assert.equal(report.errors, 5);
    assert.equal(report.timeouts, 2);
    assert.equal(report.failures, 7);
  });

  it("splits failures by skill and by failing tool, each skill with its runs and error rate estimated", () => {
    // planning: 3 errors + its 8 successes' weights (64); search: 4 failures and no success.
    assert.deepEqual(report.by_skill, [
      { skill: "search", errors: 2, timeouts: 2, negative_feedback: 0, estimated_runs: 4, estimated_error_rate: 1 },
      { skill: "planning", errors: 3, timeouts: 0, negative_feedback: 0, estimated_runs: 67, estimated_error_rate: Number((3 / 67).toFixed(4)) },
    ]);
    // Two aggregations per estimated skill, beside countRuns' three per window.
    assert.equal(report.aggregation_queries, 3 + 3 + 2 * 2);
    assert.equal(report.negative_feedback.ratings, 0, "no rating was given");
    assert.deepEqual(report.by_tool, [
      { tool: "web_search", failed_calls: 4, runs: 3 },
      { tool: "db_query", failed_calls: 1, runs: 1 },
    ]);
  });

  it("folds error messages that differ only in ids, numbers and quoted values", () => {
    assert.deepEqual(
      report.top_errors.map(({ message, count }) => ({ message, count })),
      [
        { message: "Timeout after <n> ms calling tool <id>", count: 3 },
        { message: "(timeout)", count: 2 },
        { message: "Rate limit exceeded for user <value>", count: 2 },
      ],
    );
    assert.equal(report.top_errors[0]!.sample_trace_ids.length, 3);
  });

  it("counts distinct users with a failure", () => {
    assert.equal(report.users_affected, 4); // ann, bob, cy, dee
  });

  it("estimates total runs by summing the successes' stored weights (1 / their sample rate), labelled as an estimate", () => {
    assert.equal(report.estimate.stored_successes, 8);
    assert.equal(report.estimate.estimated_successes, 64); // 6 / 0.1 + 2 / 0.5
    assert.match(report.estimate.label, /[Ee]stimate/);
    assert.equal(report.estimated_runs, 71);
    // Its error: the stored weight_variance summed, 6 × 10 × 9 + 2 × 2 × 1 = 544; ± 1.96 standard errors.
    assert.deepEqual([report.estimate.standard_error, report.estimate.margin_95], [23.3, 45.7]);
    assert.match(report.estimate.label, /± margin at 95%/);
    assert.equal(report.estimated_error_rate, Number((7 / 71).toFixed(4)));
  });

  it("compares with the previous window, absolute and percent", () => {
    assert.equal(report.previous.window_start, "2025-06-01T09:00:00.000Z");
    assert.equal(report.previous.errors, 2);
    assert.equal(report.previous.timeouts, 1);
    assert.equal(report.previous.estimated_runs, 33);
    assert.equal(report.change.failures, 4);
    assert.equal(report.change.failures_percent, 133.3);
  });

  it("reads only the window's failures one by one, never a success (none carries token usage)", () => {
    assert.equal(report.documents_read, 7);
    assert.equal(report.truncated, false);
    assert.deepEqual(report.usage.by_skill, []);
    assert.equal(report.usage.successes_read, 0);
  });

  it("reads the failures through a projection that holds no tool_traces", async () => {
    const allowed = new Set<string>(FAILURE_FIELDS.map((field) => field.split(".")[0]!));
    const projected = await buildReportQuery(adminFirestore(), window, { kind: "failures" }).select(...FAILURE_FIELDS).get();
    assert.equal(projected.size, 7);
    for (const doc of projected.docs) {
      const data = doc.data();
      assert.equal(data.tool_traces, undefined, `${doc.id} came with its tool_traces`);
      for (const field of Object.keys(data)) assert.ok(allowed.has(field), `${doc.id} came with ${field}`);
      for (const field of Object.keys((data.metadata as object | undefined) ?? {})) assert.equal(field, "error");
    }
    // The run that failed web_search twice: its failed_tools came through, its tool calls did not.
    const failedTools = (doc: (typeof projected.docs)[number]) => (doc.get("failed_tools") as { name: string; calls: number }[]).map(({ name, calls }) => `${name} x${calls}`);
    const twice = projected.docs.filter((doc) => failedTools(doc).join() === "web_search x2");
    assert.equal(twice.length, 1);
    const stored = await adminFirestore().collection(TRACES_COLLECTION).doc(twice[0]!.id).get();
    assert.equal((stored.get("tool_traces") as unknown[]).length, 2, "the stored document holds the tool calls the projection left out");
  });

  it("stores the report under its window start with Timestamps and a 90-day TTL", async () => {
    const doc = await adminFirestore().collection(REPORTS_COLLECTION).doc(report.window_start).get();
    assert.ok(doc.exists);
    assert.equal(doc.get("failures"), 7);
    assert.equal(doc.get("window_field"), "committed_at");
    assert.ok(doc.get("window_start_at") instanceof Timestamp);
    const expireAt = (doc.get("expire_at") as Timestamp).toMillis();
    assert.equal(expireAt - Date.parse(report.generated_at), 90 * 86_400_000);
  });

  it("posts a Slack-compatible summary to the webhook", () => {
    assert.equal(hook.received.length, 1);
    assert.equal(hook.received[0]!.contentType, "application/json");
    const { text } = hook.received[0]!.body as { text: string };
    assert.match(text, /\*7\* failed runs \(5 errors, 2 timeouts\)/);
    assert.match(text, /\+4 \(\+133\.3%\)/);
    assert.match(text, /`web_search` 4/);
  });

  it("gives the same report when run again for the same window, in the same document", async () => {
    const again = await reportTraceErrors(window, { db: adminFirestore(), config: config() });
    const { generated_at: _a, ...first } = report;
    const { generated_at: _b, ...second } = again;
    assert.deepEqual(second, first);
    const reports = await adminFirestore().collection(REPORTS_COLLECTION).get();
    assert.deepEqual(reports.docs.map((doc) => doc.id), [report.window_start]);
  });

  it("flags a truncated read when failures exceed the cap, keeping counts exact", async () => {
    const capped = await reportTraceErrors(window, { db: adminFirestore(), config: config({ maxFailuresRead: 3 }) });
    assert.equal(capped.truncated, true);
    assert.equal(capped.documents_read, 4);
    assert.equal(capped.failures, 7);
  });

  it("still stores the report when the webhook fails", async () => {
    const failing = await webhookServer(500);
    try {
      await adminFirestore().collection(REPORTS_COLLECTION).doc(report.window_start).delete();
      const result = await reportTraceErrors(window, { db: adminFirestore(), config: config({ webhookUrl: failing.url }) });
      assert.equal(failing.received.length, 1, "the webhook was called");
      assert.equal(result.failures, 7);
      assert.ok((await adminFirestore().collection(REPORTS_COLLECTION).doc(report.window_start).get()).exists);
    } finally {
      failing.server.close();
    }
    const unreachable = await reportTraceErrors(window, { db: adminFirestore(), config: config({ webhookUrl: "http://127.0.0.1:9/unreachable" }) });
    assert.equal(unreachable.failures, 7);
  });
});

describe("reportTraceErrors counts thumbs-down ratings per skill beside the failures", () => {
  const feedbackWindow = windowStartingAt(new Date("2025-06-05T10:00:00Z"), 1);
  const in_ = (minutes: number) => new Date(feedbackWindow.start.getTime() + minutes * MINUTE);
  let nextRun = 0;
  /** A rating of a run of its own (a fresh trace id) by `ratedBy`. */
  const rating = (rating: "up" | "down", skill: string | null, updatedAt: Date, extra: Partial<SeedFeedback> = {}): SeedFeedback => ({
    traceId: `${(++nextRun).toString(16).padStart(32, "0")}`,
    ratedBy: "rater-1",
    rating,
    skill,
    updatedAt,
    ...extra,
  });
  const failures: SeedTrace[] = [
    { startedAt: in_(1), status: "error", skill: "planning", error: "boom" },
    { startedAt: in_(2), status: "timeout", skill: "planning" },
    { startedAt: in_(3), status: "error", skill: "search", error: "boom" },
  ];
  /**
   * In the window: thumbs-down on planning ×3 (two raters of one run among them), search ×2 (one first
   * given before the window, changed in it), answer ×2 (a skill without failures), a run without skill ×1:
   * 8. Not counted: thumbs-up in the window, thumbs-down changed after the window (its latest change is
   * the next window's), on the window's end (half-open) and just before its start.
   */
  const sharedRun = "feedfeedfeedfeedfeedfeedfeedfeed";
  const counted: SeedFeedback[] = [
    rating("down", "planning", in_(5)),
    { traceId: sharedRun, ratedBy: "rater-1", rating: "down", skill: "planning", updatedAt: in_(6) },
    { traceId: sharedRun, ratedBy: "an-admin", rating: "down", skill: "planning", updatedAt: in_(7) },
    rating("down", "search", in_(8)),
    rating("down", "search", in_(9), { createdAt: in_(-90) }),
    rating("down", "answer", in_(10), { ratedBy: "rater/2" }),
    rating("down", "answer", in_(59)),
    rating("down", null, in_(0)),
  ];
  const notCounted: SeedFeedback[] = [
    rating("up", "planning", in_(11)),
    rating("up", "planning", in_(12)),
    rating("up", "chat", in_(13)),
    rating("down", "planning", new Date(feedbackWindow.end.getTime() + 5 * MINUTE), { createdAt: in_(14) }),
    rating("down", "planning", feedbackWindow.end),
    rating("down", "search", new Date(feedbackWindow.start.getTime() - 1)),
  ];
  let hook: Awaited<ReturnType<typeof webhookServer>>;
  let report: TraceErrorReport;

  before(async () => {
    await clearFirestore();
    await seedTraces(failures);
    await seedFeedback([...counted, ...notCounted]);
    // A rater's second thumbs-down of the same run replaces the first: one document, counted once.
    await seedFeedback([{ traceId: sharedRun, ratedBy: "rater-1", rating: "down", skill: "planning", createdAt: in_(6), updatedAt: in_(20) }]);
    hook = await webhookServer(200);
    report = await reportTraceErrors(feedbackWindow, { db: adminFirestore(), config: config({ webhookUrl: hook.url }) });
  });
  after(() => hook.server.close());

  it("counts each thumbs-down rating whose latest change fell in the window once, per skill, beside that skill's failures", () => {
    assert.deepEqual(report.by_skill, [
      { skill: "planning", errors: 1, timeouts: 1, negative_feedback: 3, estimated_runs: 2, estimated_error_rate: 1 },
      { skill: "search", errors: 1, timeouts: 0, negative_feedback: 2, estimated_runs: 1, estimated_error_rate: 1 },
      // No failure: no estimate.
      { skill: "answer", errors: 0, timeouts: 0, negative_feedback: 2 },
      { skill: "(none)", errors: 0, timeouts: 0, negative_feedback: 1 },
    ]);
    assert.equal(report.negative_feedback.ratings, 8);
    assert.equal(report.negative_feedback.ratings_read, 8);
    assert.equal(report.negative_feedback.truncated, false);
    assert.equal(report.negative_feedback.window_field, "updated_at");
    assert.match(report.negative_feedback.label, /[Tt]humbs-down/);
    assert.deepEqual([report.failures, report.estimated_runs], [3, 3], "ratings move no failure count or estimate");
  });

  it("stores the counts with the report and posts them, names escaped", async () => {
    const stored = await adminFirestore().collection(REPORTS_COLLECTION).doc(report.window_start).get();
    assert.deepEqual(stored.get("negative_feedback"), report.negative_feedback);
    assert.deepEqual(stored.get("by_skill"), report.by_skill);
    const { text } = hook.received[0]!.body as { text: string };
    assert.ok(text.split("\n").includes("Negative feedback: *8* thumbs-down ratings given in the window; by skill: `planning` 3, `answer` 2, `search` 2, `(none)` 1"), text);
  });

  it("reads at most maxFeedbackRead ratings, the oldest, for the per-skill counts; the total stays exact", async () => {
    const capped = await buildErrorReport(adminFirestore(), { window: feedbackWindow, maxFailuresRead: 2000, maxFeedbackRead: 3 });
    assert.equal(capped.negative_feedback.ratings, 8);
    assert.equal(capped.negative_feedback.ratings_read, 3);
    assert.equal(capped.negative_feedback.truncated, true);
    assert.equal(capped.aggregation_queries, report.aggregation_queries + 1, "one count() for the exact total");
    // The three oldest: (none) at 0 min, planning at 5 and 7 min (the shared run's rater-1 moved to 20 min).
    assert.deepEqual(
      capped.by_skill.map(({ skill, negative_feedback }) => [skill, negative_feedback]),
      [["planning", 2], ["search", 0], ["(none)", 1]],
    );
  });

  it("a window with ratings but no failure still lists the rated skills", async () => {
    const later = await reportTraceErrors(windowStartingAt(feedbackWindow.end, 1), { db: adminFirestore(), config: config() });
    assert.equal(later.failures, 0);
    assert.equal(later.negative_feedback.ratings, 2, "the rating changed after the window, and the one on its end");
    assert.deepEqual(later.by_skill, [{ skill: "planning", errors: 0, timeouts: 0, negative_feedback: 2 }]);
  });
});

describe("reportTraceErrors estimates the runs of the skills with the most failures, and of those only", () => {
  const skillWindow = windowStartingAt(new Date("2025-06-07T10:00:00Z"), 1);
  const in_ = (minutes: number) => new Date(skillWindow.start.getTime() + minutes * MINUTE);

  before(async () => {
    await clearFirestore();
    // Runs without a skill: 2 errors and 2 successes kept at 0.5 (4 runs), and one success an hour before.
    // Then 11 skills with one error each: the ties go by name, so s8 and s9 are past the cap.
    await seedTraces([
      { startedAt: in_(1), status: "error", skill: null, error: "boom" },
      { startedAt: in_(2), status: "error", skill: null, error: "boom" },
      { startedAt: in_(3), status: "success", skill: null, sampleRate: 0.5 },
      { startedAt: in_(4), status: "success", skill: null, sampleRate: 0.5 },
      { startedAt: new Date(skillWindow.start.getTime() - MINUTE), status: "success", skill: null, sampleRate: 0.5 },
      ...Array.from({ length: 11 }, (_, index) => ({ startedAt: in_(10 + index), status: "error" as const, skill: `s${index}`, error: "boom" })),
    ]);
  });

  it(`estimates the first ${SKILL_ESTIMATES} skills with failures (runs recorded without a skill among them), two aggregations each`, async () => {
    const report = await buildErrorReport(adminFirestore(), { window: skillWindow, maxFailuresRead: 2000 });
    assert.deepEqual(report.by_skill[0], { skill: "(none)", errors: 2, timeouts: 0, negative_feedback: 0, estimated_runs: 6, estimated_error_rate: 0.3333 });
    const estimated = report.by_skill.filter((entry) => entry.estimated_runs !== undefined).map((entry) => entry.skill);
    assert.deepEqual(estimated, ["(none)", "s0", "s1", "s10", "s2", "s3", "s4", "s5", "s6", "s7"]);
    assert.equal(estimated.length, SKILL_ESTIMATES);
    assert.deepEqual(report.by_skill.at(-1), { skill: "s9", errors: 1, timeouts: 0, negative_feedback: 0 });
    assert.deepEqual([report.by_skill[1]!.estimated_runs, report.by_skill[1]!.estimated_error_rate], [1, 1]);
    assert.equal(report.aggregation_queries, 3 + 3 + 2 * SKILL_ESTIMATES);
    assert.deepEqual([report.skill_estimates?.skills, report.skill_estimates?.max_skills], [SKILL_ESTIMATES, SKILL_ESTIMATES], "the report says its estimates were made");
    assert.match(report.skill_estimates!.label, /^Estimate per skill/);
  });

  it("says so in skill_estimates when their queries fail (an index still building), and goes out without them", async () => {
    // The skills' queries (filtered on skill) fail as production's do while their index builds; the report's others run on the emulator.
    const building = new Error("9 FAILED_PRECONDITION: The query requires an index. That index is currently building and cannot be used yet.\nSee its status here: https://console.firebase.google.com/");
    const failing: unknown = new Proxy({}, { get: (_target, name) => (name === "get" ? () => Promise.reject(building) : name === "then" ? undefined : () => failing) });
    const db = adminFirestore();
    const skillQueriesFailing = new Proxy(db, {
      get: (target, name) =>
        name === "collection"
          ? (path: string) =>
              new Proxy(target.collection(path), {
                get: (collection, key) =>
                  key === "where" ? (field: string, op: WhereFilterOp, value: unknown) => (field === "skill" ? failing : collection.where(field, op, value)) : Reflect.get(collection, key, collection),
              })
          : Reflect.get(target, name, target),
    }) as Firestore;
    const report = await buildErrorReport(skillQueriesFailing, { window: skillWindow, maxFailuresRead: 2000 });
    assert.deepEqual(report.skill_estimates, {
      label: "Per-skill estimates could not be read (9 FAILED_PRECONDITION: The query requires an index. That index is currently building and cannot be used yet.)",
      skills: null,
      max_skills: SKILL_ESTIMATES,
    });
    assert.deepEqual(report.by_skill[0], { skill: "(none)", errors: 2, timeouts: 0, negative_feedback: 0 }, "no skill carries an estimate");
    assert.ok(report.by_skill.every((entry) => entry.estimated_runs === undefined));
    assert.deepEqual([report.failures, report.aggregation_queries], [13, 3 + 3], "the rest of the report stands, without the skills' aggregations");
  });
});

describe("reportTraceErrors sums token usage per skill and model", () => {
  const usageWindow = windowStartingAt(new Date("2025-06-04T10:00:00Z"), 1);
  const in_ = (minutes: number) => new Date(usageWindow.start.getTime() + minutes * MINUTE);
  const uses = (model: string, input_tokens: number, output_tokens: number) => ({ model, input_tokens, output_tokens });
  /**
   * Successes with usage stored at 0.1 (each standing for 10 runs) and 0.5 (for 2), failures with
   * usage (each itself), a success without usage, and runs with usage just outside the window.
   */
  const workload: SeedTrace[] = [
    { startedAt: in_(1), status: "success", skill: "planning", sampleRate: 0.1, usage: [uses("gpt-4o", 100, 10)] },
    { startedAt: in_(2), status: "success", skill: "planning", sampleRate: 0.1, usage: [uses("gpt-4o", 100, 10)] },
    { startedAt: in_(3), status: "success", skill: "planning", sampleRate: 0.5, usage: [uses("gpt-4o", 100, 10), uses("claude", 40, 4)] },
    { startedAt: in_(4), status: "error", skill: "planning", sampleRate: 0.1, error: "boom", usage: [uses("gpt-4o", 7, 3)] },
    { startedAt: in_(5), status: "timeout", skill: "search", sampleRate: 0.1, usage: [uses("claude", 50, 5)] },
    { startedAt: in_(6), status: "success", skill: "search", sampleRate: 0.1, usage: [uses("claude", 1, 1)] },
    { startedAt: in_(7), status: "success", skill: "search", sampleRate: 0.1 },
    { startedAt: usageWindow.end, status: "success", skill: "planning", sampleRate: 0.1, usage: [uses("gpt-4o", 99_999, 1)] },
    { startedAt: in_(-1), status: "error", skill: "planning", sampleRate: 0.1, error: "earlier", usage: [uses("gpt-4o", 99_999, 1)] },
  ];
  let hook: Awaited<ReturnType<typeof webhookServer>>;
  let report: TraceErrorReport;

  before(async () => {
    await clearFirestore();
    await seedTraces(workload);
    hook = await webhookServer(200);
    report = await reportTraceErrors(usageWindow, { db: adminFirestore(), config: config({ webhookUrl: hook.url }) });
  });
  after(() => hook.server.close());

  it("weights successes by 1 / their sample rate and counts failures once, labelled as an estimate", () => {
    const tokens = report.usage.by_skill.map(({ skill, input_tokens, output_tokens, models }) => ({
      skill,
      input_tokens,
      output_tokens,
      models: models.map(({ model, input_tokens: input, output_tokens: output }) => uses(model, input, output)),
    }));
    assert.deepEqual(tokens, [
      // gpt-4o: 2 × 100 × 10 + 100 × 2 + 7; claude: 40 × 2
      { skill: "planning", input_tokens: 2287, output_tokens: 231, models: [uses("gpt-4o", 2207, 223), uses("claude", 80, 8)] },
      // claude: 50 (the timeout) + 1 × 10
      { skill: "search", input_tokens: 60, output_tokens: 15, models: [uses("claude", 60, 15)] },
    ]);
    assert.deepEqual([report.usage.input_tokens, report.usage.output_tokens], [2347, 246]);
    assert.match(report.usage.label, /^Estimate: /);
    assert.equal(report.usage.truncated, false);
  });

  it("sums the cost the server stored per model the same way, and names the model it has no price for (never $0)", () => {
    // gpt-4o at $2.50 / $10 per million: 100 in / 10 out is $0.00035, weighted 10 + 10 + 2; the failure's 7 / 3 once.
    const gpt4o = (2.5 * 100 + 10 * 10) / 1e6;
    const expected = 22 * gpt4o + (2.5 * 7 + 10 * 3) / 1e6;
    const [planning, search] = report.usage.by_skill;
    assert.ok(Math.abs(planning!.models[0]!.cost_usd! - expected) <= 1e-6, `gpt-4o ${planning!.models[0]!.cost_usd}, expected ${expected}`);
    assert.equal(planning!.cost_usd, planning!.models[0]!.cost_usd, "claude adds nothing: it has no price");
    assert.deepEqual([planning!.models[1]!.model, planning!.models[1]!.cost_usd, planning!.models[1]!.unpriced], ["claude", null, true]);
    assert.deepEqual(planning!.unpriced_models, ["claude"]);
    assert.deepEqual([search!.cost_usd, search!.unpriced_models], [null, ["claude"]]);
    assert.deepEqual([report.usage.cost_usd, report.usage.unpriced_models], [planning!.cost_usd, ["claude"]]);
  });

  it("reads the failures and the successes that carry usage, no other success", () => {
    assert.equal(report.usage.successes_read, 4);
    assert.equal(report.documents_read, 2 + 4);
    assert.equal(report.estimate.stored_successes, 5, "the success without usage is counted, not read");
  });

  it("reads the successes through a projection of the usage fields only", async () => {
    const projected = await buildReportQuery(adminFirestore(), usageWindow, { kind: "usage" }).select(...USAGE_FIELDS).get();
    assert.equal(projected.size, 4);
    for (const doc of projected.docs) {
      assert.deepEqual(Object.keys(doc.data()).sort(), [...USAGE_FIELDS].sort(), doc.id);
      assert.equal(doc.get("status"), "success");
    }
  });

  it("is stored with the report and posted with it", async () => {
    const stored = await adminFirestore().collection(REPORTS_COLLECTION).doc(report.window_start).get();
    assert.deepEqual(stored.get("usage"), report.usage);
    const { text } = hook.received[0]!.body as { text: string };
    assert.match(text, /Tokens \(estimate\): 2,347 in \/ 246 out; by skill: `planning` 2,287 in \/ 231 out, `search` 60 in \/ 15 out/);
    assert.match(text, /\nCost \(estimate\): \$0\.0077 \+ unpriced; by skill: `planning` \$0\.0077 \+ unpriced, `search` unpriced\n/);
    assert.match(text, /\nNo price for `claude` \(their tokens are not in the cost\)(\n|$)/);
  });

  it("reads at most maxUsageRead successes, the newest, and says the sums are cut", async () => {
    const capped = await reportTraceErrors(usageWindow, { db: adminFirestore(), config: config({ maxUsageRead: 2 }) });
    assert.equal(capped.usage.truncated, true);
    assert.equal(capped.usage.successes_read, 2);
    assert.equal(capped.documents_read, 2 + 3);
    assert.equal(capped.truncated, false, "the failure breakdowns are whole");
    // The two newest successes with usage: search's claude (10 / 10) and planning's at 0.5 (gpt-4o 200 / 20, claude 80 / 8).
    assert.deepEqual([capped.usage.input_tokens, capped.usage.output_tokens], [7 + 50 + 10 + 200 + 80, 3 + 5 + 10 + 20 + 8]);
  });
});

describe("reportTraceErrors windows by commit (committed_at)", () => {
  const hour = windowStartingAt(new Date("2025-06-02T10:00:00Z"), 1);
  const next = windowStartingAt(hour.end, 1);
  const plus = (base: Date, minutes: number) => new Date(base.getTime() + minutes * MINUTE);
  const committedInHour: SeedTrace[] = [
    { startedAt: plus(hour.start, 10), receivedAt: plus(hour.start, 11), status: "error", skill: "planning", userId: "ann", error: "on time" },
    // a three-hour run: it started long before the window and was stored in it
    { startedAt: plus(hour.start, -180), receivedAt: plus(hour.start, 20), status: "timeout", skill: "research", userId: "bob" },
    { startedAt: plus(hour.start, 30), receivedAt: plus(hour.start, 30), status: "success" },
  ];
  // arrived at 10:55, its write committed at 11:07, after the hour's report ran at 11:05 (a write that outlived its call)
  const late: SeedTrace = {
    startedAt: plus(hour.start, 50),
    receivedAt: plus(hour.start, 55),
    committedAt: plus(hour.end, 7),
    status: "error",
    skill: "planning",
    userId: "cy",
    error: "landed late",
    failedTools: ["slow_tool"],
  };
  // committed on the hour's end: the next window's (half-open)
  const onTheHour: SeedTrace = { startedAt: plus(hour.start, 59), receivedAt: plus(hour.start, 59), committedAt: hour.end, status: "error", skill: "planning", userId: "dee", error: "on the hour" };

  let first: TraceErrorReport;
  before(async () => {
    await clearFirestore();
    await seedTraces([...committedInHour, onTheHour]);
    first = await reportTraceErrors(hour, { db: adminFirestore(), config: config() });
  });

  it("counts a run in the window its write committed in, however long before it started", () => {
    assert.equal(first.errors, 1);
    assert.equal(first.timeouts, 1);
    assert.deepEqual(first.by_skill.map((entry) => entry.skill).sort(), ["planning", "research"]);
    assert.equal(first.estimate.stored_successes, 1);
  });

  it("counts a run that arrived in a window but whose write landed after that window's report in the next window, once", async () => {
    await seedTraces([late]);
    const again = await reportTraceErrors(hour, { db: adminFirestore(), config: config() });
    const { generated_at: _a, ...before } = first;
    const { generated_at: _b, ...after } = again;
    assert.deepEqual(after, before, "the hour's report, run again, is unchanged: the late write is not counted twice");

    const following = await reportTraceErrors(next, { db: adminFirestore(), config: config() });
    assert.equal(following.errors, 2, "the late write and the one committed on the hour");
    assert.equal(following.timeouts, 0);
    assert.deepEqual(following.top_errors.map((entry) => entry.message).sort(), ["landed late", "on the hour"]);
    assert.deepEqual(following.by_tool, [{ tool: "slow_tool", failed_calls: 1, runs: 1 }]);
    const { window_start, window_end, errors, timeouts, failures, estimated_runs, estimated_error_rate } = first;
    assert.deepEqual(following.previous, { window_start, window_end, errors, timeouts, failures, estimated_runs, estimated_error_rate }, "the comparison windows by commit too");

    const stored = await adminFirestore().collection(TRACES_COLLECTION).where("status", "in", ["error", "timeout"]).count().get();
    assert.equal(first.failures + following.failures, stored.data().count, "the two windows split every stored failure");
  });
});

describe("reportTraceErrors counts a write recordTrace committed late in the window it landed in", () => {
  const auth = { uid: "late-caller", token: {} as never, rawToken: "" };
  const recordConfig: RecordTraceConfig = { sampleRate: 0.1, ttlDays: 7, errorTtlDays: 7, enforceAppCheck: false, rateLimitPerMinute: 600, captureContent: true };

  before(clearFirestore);

  it("a failure that arrived two hours before its commit: not in its arrival hour's report, once in its commit hour's, and each report the same when run again", async () => {
    const arrivedAt = new Date(Date.now() - 2 * HOUR);
    const trace = { trace_id: randomTraceId(), started_at: arrivedAt.toISOString(), status: "error", metadata: { error: "committed late" } };
    await handleRecordTrace({ auth, data: { traces: [trace] } }, { db: adminFirestore(), config: recordConfig, now: () => arrivedAt });
    const stored = await adminFirestore().collection(TRACES_COLLECTION).doc(trace.trace_id).get();
    const committedAt = (stored.get("committed_at") as Timestamp).toDate();
    assert.ok(committedAt.getTime() - arrivedAt.getTime() >= 2 * HOUR - MINUTE, `committed_at is the commit's own time: ${committedAt.toISOString()}`);

    const arrivalHour = windowStartingAt(new Date(Math.floor(arrivedAt.getTime() / HOUR) * HOUR), 1);
    const commitHour = windowStartingAt(new Date(Math.floor(committedAt.getTime() / HOUR) * HOUR), 1);
    const run = async (hourWindow: typeof arrivalHour) => {
      const { generated_at: _generatedAt, ...report } = await reportTraceErrors(hourWindow, { db: adminFirestore(), config: config() });
      return report;
    };
    const [arrivalReport, commitReport] = [await run(arrivalHour), await run(commitHour)];
    assert.equal(arrivalReport.failures, 0, "the hour it arrived in, whose report had run before it landed");
    assert.equal(commitReport.failures, 1, "the hour it landed in");
    assert.deepEqual(commitReport.top_errors.map((entry) => entry.message), ["committed late"]);
    assert.deepEqual(await run(arrivalHour), arrivalReport);
    assert.deepEqual(await run(commitHour), commitReport);
  });
});

describe("reportTraceErrors sums the weights the server stored: no sender's claim moves the estimate", () => {
  const auth = (uid: string) => ({ uid, token: {} as never, rawToken: "" });
  const recordConfig: RecordTraceConfig = { sampleRate: 0.1, ttlDays: 7, errorTtlDays: 7, enforceAppCheck: false, rateLimitPerMinute: 0, captureContent: true };
  /** A trace id each of these samplers keeps, so that a success sent with it is stored. */
  const idKeptAt = (rate: number) => {
    const sampler = new TraceIdRatioBasedSampler(rate);
    for (;;) {
      const id = randomTraceId();
      if (sampler.shouldSample(id)) return id;
    }
  };
  const run = (status: "success" | "error", rate: number, startedAt: Date) => ({ trace_id: idKeptAt(rate), started_at: startedAt.toISOString(), status, metadata: status === "error" ? { error: "boom" } : {} });
  const send = (uid: string, traces: unknown[], sampleRate: number) =>
    handleRecordTrace({ auth: auth(uid), data: { traces, sample_rate: sampleRate } }, { db: adminFirestore(), config: recordConfig }) as Promise<RecordTraceBatchResult>;
  const windowAround = async (): Promise<ReportWindow> => {
    const times = (await adminFirestore().collection(TRACES_COLLECTION).select("committed_at").get()).docs.map((doc) => (doc.get("committed_at") as Timestamp).toMillis());
    const start = Math.floor(Math.min(...times) / HOUR) * HOUR;
    return windowStartingAt(new Date(start), Math.floor(Math.max(...times) / HOUR) * HOUR === start ? 1 : 2);
  };

  beforeEach(clearFirestore);

  it("senders at 0.1 and 0.02 with no failure: each success stands for the runs its own sender sampled it from", async () => {
    const now = new Date();
    const atTen = await send("ten-percent", Array.from({ length: 6 }, () => run("success", 0.1, now)), 0.1);
    const atTwo = await send("two-percent", Array.from({ length: 4 }, () => run("success", 0.02, now)), 0.02);
    for (const { results } of [atTen, atTwo]) assert.ok(results.every((answer) => "stored" in answer && answer.stored), JSON.stringify(results));
    const report = await reportTraceErrors(await windowAround(), { db: adminFirestore(), config: config() });
    assert.equal(report.estimate.stored_successes, 10);
    assert.equal(report.estimate.estimated_successes, 6 * 10 + 4 * 50);
    assert.equal(report.estimated_runs, 260);
  });

  it("a caller claiming sample_rate 2.5e-10 moves the estimate by at most 100 runs per success it sent", async () => {
    const now = new Date();
    const honest = [...Array.from({ length: 9 }, () => run("success", 0.1, now)), run("error", 0.1, now)];
    await send("honest", honest, 0.1);
    const honestReport = await reportTraceErrors(await windowAround(), { db: adminFirestore(), config: config() });
    assert.equal(honestReport.estimated_runs, 91);

    const { results } = await send("anonymous", [run("error", 1, now), run("success", MIN_SENDER_SAMPLE_RATE, now)], 2.5e-10);
    assert.ok(results.every((answer) => "stored" in answer && answer.stored), JSON.stringify(results));
    const poisoned = await reportTraceErrors(await windowAround(), { db: adminFirestore(), config: config() });
    assert.equal(poisoned.failures, 2);
    assert.equal(poisoned.estimated_runs, 91 + 1 + 1 / MIN_SENDER_SAMPLE_RATE, "one failure and one success weighed at the floor rate");
    assert.equal(poisoned.estimated_error_rate, Number((2 / 192).toFixed(4)));
    const stored = await adminFirestore().collection(TRACES_COLLECTION).where("recorded_by", "==", "anonymous").get();
    assert.deepEqual(stored.docs.map((doc) => [doc.get("status"), doc.get("sample_rate"), doc.get("weight")]).sort(), [
      // A failure's sample_rate is its inclusion probability: 1, whatever the sender claims.
      ["error", 1, 1],
      ["success", MIN_SENDER_SAMPLE_RATE, 1 / MIN_SENDER_SAMPLE_RATE],
    ]);
  });
});

describe("reportTraceErrors posts text from traces as text", () => {
  let hook: Awaited<ReturnType<typeof webhookServer>>;
  const hostileWindow = windowStartingAt(new Date("2025-06-03T10:00:00Z"), 1);

  before(async () => {
    await clearFirestore();
    await seedTraces([{ startedAt: new Date(hostileWindow.start.getTime() + MINUTE), status: "error", skill: "<!channel>", failedTools: ["<@U123>"], error: "<http://x|y> & more" }]);
    hook = await webhookServer(200);
  });
  after(() => hook.server.close());

  it("escapes skill, tool and error for Slack mrkdwn: no mention, no link", async () => {
    await reportTraceErrors(hostileWindow, { db: adminFirestore(), config: config({ webhookUrl: hook.url }) });
    assert.equal(hook.received.length, 1);
    const { text } = hook.received[0]!.body as { text: string };
    assert.ok(text.includes("&lt;!channel&gt;"), text);
    assert.ok(!text.includes("<!channel>"), text);
    assert.ok(text.includes("&lt;@U123&gt;") && !text.includes("<@U123>"), text);
    assert.ok(text.includes("&amp; more"), text);
    assert.doesNotMatch(text, /[<>]/, "no angle bracket reaches Slack unescaped");
  });
});

describe("reportTraceErrors reads the same documents whatever the number of successes", function () {
  this.timeout(180_000);
  const costWindow = windowStartingAt(new Date("2025-07-01T00:00:00Z"), 1);
  const failures: SeedTrace[] = Array.from({ length: 20 }, (_, index) => ({
    startedAt: new Date(costWindow.start.getTime() + index * MINUTE),
    status: index % 4 === 0 ? "timeout" : "error",
    error: `failure ${index}`,
  }));
  const successes = (count: number): SeedTrace[] =>
    Array.from({ length: count }, (_, index) => ({ startedAt: new Date(costWindow.start.getTime() + ((index * 997) % 3_600_000)), status: "success" }));

  it("1,000 and 20,000 stored successes: equal documents read, exact failures", async () => {
    await clearFirestore();
    await seedTraces([...failures, ...successes(1_000)]);
    const small = await reportTraceErrors(costWindow, { db: adminFirestore(), config: config() });
    await seedTraces(successes(19_000));
    const large = await reportTraceErrors(costWindow, { db: adminFirestore(), config: config() });
    assert.equal(small.estimate.stored_successes, 1_000);
    assert.equal(large.estimate.stored_successes, 20_000);
    assert.equal(small.documents_read, 20);
    assert.equal(large.documents_read, small.documents_read);
    assert.equal(large.aggregation_queries, small.aggregation_queries);
    assert.equal(large.failures, 20);
  });
});

describe("the deployed-shape reportTraceErrors in the functions emulator", function () {
  this.timeout(360_000);

  it("runs when the emulator fires its schedule trigger and stores the previous hour's report", async () => {
    // The trigger reports the hour before the one it runs in: started just before an hour ends, the
    // test would expect one window and the function report the next, so it waits for the hour to turn.
    const untilNextHour = HOUR - (Date.now() % HOUR);
    if (untilNextHour < 3 * MINUTE) await sleep(untilNextHour + 2_000);
    await clearFirestore();
    const hour = previousFullHours(new Date(), 1);
    await seedTraces([
      { startedAt: new Date(hour.start.getTime() + MINUTE), status: "error", error: "scheduled boom" },
      { startedAt: new Date(hour.start.getTime() + 2 * MINUTE), status: "timeout" },
    ]);
    // The functions emulator never fires schedules on a timer; this is its endpoint for firing one
    // (with Google's Pub/Sub emulator, messages on firebase-schedule-reportTraceErrors do not reach it).
    const trigger = new URL(`/functions/projects/${projectId}/triggers/us-central1-reportTraceErrors-0`, functionsOrigin());
    const response = await fetch(trigger, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    assert.ok(response.ok, `the trigger answered ${response.status}: ${await response.text()}`);
    const reportRef = adminFirestore().collection(REPORTS_COLLECTION).doc(hour.start.toISOString());
    // A loaded machine may take a minute to start the scheduled function's worker.
    for (const deadline = Date.now() + 120_000; Date.now() < deadline; ) {
      const doc = await reportRef.get();
      if (doc.exists) {
        assert.equal(doc.get("errors"), 1);
        assert.equal(doc.get("timeouts"), 1);
        assert.deepEqual((doc.get("top_errors") as { message: string }[]).map((entry) => entry.message).sort(), ["(timeout)", "scheduled boom"]);
        return;
      }
      await sleep(250);
    }
    assert.fail(`no report appeared at ${reportRef.path}`);
  });
});
