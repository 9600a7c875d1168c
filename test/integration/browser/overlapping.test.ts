import { strict as assert } from "node:assert";
import { TraceIdRatioBasedSampler } from "@agent-traces/core";
import { getTrace } from "@agent-traces/admin";
import type { OverlappingResult, RunOutcome } from "./pages/overlapping.js";
import { adminFirestore, clearFirestore } from "../support/emulators.js";
import { useBrowserSuite } from "./support/browserSuite.js";

/** The server's TRACE_SAMPLE_RATE on the local stack (functions/.env.demo-agent-traces): lower than the page's 1, so it decides. */
const SERVER_SAMPLE_RATE = 0.1;
const RUNS = 20;

type TraceInputShape = {
  trace_id: string;
  status: string;
  iterations: number;
  final_output: string;
  tool_traces: { name: string; input: Record<string, unknown>; output: string; is_error: boolean }[];
};

describe("the tracer in the browser: overlapping runs", () => {
  const suite = useBrowserSuite(["overlapping"]);
  let result: OverlappingResult;

  before(async function () {
    this.timeout(90_000);
    await clearFirestore();
  });

  it(`keeps ${RUNS} runs started at once apart, in the page and in Firestore`, async function () {
    // The page's flush waits up to 150 s on a loaded machine.
    this.timeout(240_000);
    const tab = await suite.open("/overlapping.html");
    result = await tab.page.evaluate((count: number) => (window as unknown as { testApi: { runOverlapping(count: number): Promise<OverlappingResult> } }).testApi.runOverlapping(count), RUNS);
    const { outcomes } = result;
    assert.equal(outcomes.length, RUNS);
    assert.equal(new Set(outcomes.map((outcome) => outcome.traceId)).size, RUNS, "every run has its own trace id");
    const failing = outcomes.filter((outcome) => outcome.fails);
    assert.equal(failing.length, Math.ceil(RUNS / 3), "a third of the runs fail");

    // The runs overlapped: every one had started before any made its last observation, and their tool calls interleave.
    const lastStart = Math.max(...outcomes.map((outcome) => outcome.seen[0]!.step));
    const firstEnd = Math.min(...outcomes.map((outcome) => outcome.seen.at(-1)!.step));
    assert.ok(lastStart < firstEnd, `every run started (last at step ${lastStart}) before any ended (first at step ${firstEnd})`);
    const toolSteps = outcomes.flatMap((outcome) => outcome.seen.filter((observation) => observation.where.startsWith("tool_")).map((observation) => ({ step: observation.step, run: outcome.index })));
    const runOrder = toolSteps.sort((a, b) => a.step - b.step).map((observation) => observation.run);
    const switches = runOrder.filter((run, index) => index > 0 && run !== runOrder[index - 1]).length;
    assert.ok(switches > RUNS, `the runs' tool callbacks interleave (${switches} switches between runs)`);

    // In the page: what each callback saw, and each run's own trace.
    const ids = new Set(outcomes.map((outcome) => outcome.traceId));
    for (const outcome of outcomes) {
      const label = `run ${outcome.index} (${outcome.traceId})`;
      assert.deepEqual(
        outcome.seen.map((observation) => observation.where),
        ["run:start", "run:after-await", ...Array.from({ length: outcome.toolCount }, (_, call) => [`tool_${call}:start`, `tool_${call}:after-await`]).flat()],
        `${label}: every callback ran`,
      );
      for (const { where, current } of outcome.seen) {
        if (where.endsWith(":start")) {
          assert.equal(current, outcome.traceId, `${label}: getCurrentTrace() in the synchronous part of ${where.replace(":start", "")}'s callback is the run's own trace`);
        } else {
          assert.ok(current === null || current === outcome.traceId, `${label}: getCurrentTrace() after an await in ${where.replace(":after-await", "")} is the run's trace or undefined, never another run's (got ${ids.has(current ?? "") ? "another run's" : "an unknown"} trace ${current})`);
        }
      }
      if (outcome.fails) assert.deepEqual(outcome.settled, { ok: false, message: `run ${outcome.index} failed in tool_${outcome.toolCount - 1}` }, `${label}: withTrace rethrows the run's error`);
      else assert.deepEqual(outcome.settled, { ok: true, value: `run ${outcome.index} answered` }, `${label}: withTrace returns the run's value`);
      checkTrace(outcome, outcome.traceInput as TraceInputShape, `${label}'s toTraceInput()`);
    }

    // Sent: every failure, and every success the page's rate (1) kept; the server answered each.
    assert.equal(result.flushed, true, "flush() saw every run answered");
    assert.deepEqual(result.errors, [], "no run failed to send");
    const sampler = new TraceIdRatioBasedSampler(SERVER_SAMPLE_RATE);
    const answers = new Map(result.sent.map((answer) => [answer.trace_id, answer]));
    assert.equal(answers.size, RUNS, "one answer per run");
    for (const outcome of outcomes) {
      const expected = outcome.fails ? { stored: true, reason: "error" } : sampler.shouldSample(outcome.traceId) ? { stored: true, reason: "sampled" } : { stored: false, reason: "sampled_out" };
      assert.deepEqual(answers.get(outcome.traceId), { trace_id: outcome.traceId, ...expected }, `run ${outcome.index}'s answer`);
    }

    // Stored: exactly the failures and the successes TraceIdRatioBasedSampler(0.1) keeps, each with its own calls.
    const db = adminFirestore();
    let storedSuccesses = 0;
    for (const outcome of outcomes) {
      const label = `run ${outcome.index} (${outcome.traceId})`;
      const stored = await getTrace(db, outcome.traceId);
      const expectStored = outcome.fails || sampler.shouldSample(outcome.traceId);
      assert.equal(Boolean(stored), expectStored, `${label} is ${expectStored ? "" : "not "}stored (${outcome.fails ? "failed" : "success"})`);
      if (!stored) continue;
      if (!outcome.fails) storedSuccesses++;
      assert.equal(stored.recorded_by, result.uid, `${label}: recorded by the page's signed-in user`);
      assert.equal(stored.skill, "overlap");
      assert.deepEqual(stored.metadata.run, outcome.index, `${label}: its own metadata`);
      checkTrace(outcome, stored as unknown as TraceInputShape, `${label} as stored`);
    }
    const expectedSuccesses = outcomes.filter((outcome) => !outcome.fails && sampler.shouldSample(outcome.traceId)).length;
    assert.equal(storedSuccesses, expectedSuccesses);
    tab.assertNoProblems();
  });
});

/** A run's trace (from the page or Firestore) holds exactly its own calls, in order, its iterations and its status. */
function checkTrace(outcome: RunOutcome, trace: TraceInputShape, label: string): void {
  assert.equal(trace.trace_id, outcome.traceId, `${label}: trace id`);
  assert.equal(trace.status, outcome.fails ? "error" : "success", `${label}: status`);
  assert.equal(trace.iterations, outcome.toolCount, `${label}: one iteration per tool call`);
  assert.deepEqual(
    trace.tool_traces.map((tool) => ({ name: tool.name, input: tool.input, is_error: tool.is_error })),
    // Input values are recorded as text (numbers too).
    Array.from({ length: outcome.toolCount }, (_, call) => ({ name: `tool_${call}`, input: { run: String(outcome.index), call: String(call) }, is_error: outcome.fails && call === outcome.toolCount - 1 })),
    `${label}: exactly its own tool calls`,
  );
  trace.tool_traces.forEach((tool, call) => {
    const own = outcome.fails && call === outcome.toolCount - 1 ? `run ${outcome.index} failed in tool_${call}` : `run ${outcome.index} call ${call} done`;
    assert.equal(tool.output, own, `${label}: tool_${call}'s output`);
  });
  assert.equal(trace.final_output, outcome.fails ? "" : `run ${outcome.index} answered`, `${label}: final output`);
}
