import { strict as assert } from "node:assert";
import type { StoredTrace } from "@agent-traces/store";
import { alignByName, compareRuns, durationDeltaText, durationRatioText, durationsDiffer, type AlignedCall } from "../../viewer/src/view/compareRuns.js";

const START = "2026-12-01T10:00:00.000Z";
const at = (ms: number) => new Date(Date.parse(START) + ms).toISOString();

interface CallSeed {
  name: string;
  offsetMs?: number;
  durationMs?: number;
  isError?: boolean;
  input?: Record<string, string>;
  output?: string;
}

/** A stored run with `calls` one second apart (unless given an offset), each 200 ms, input { q: name }, output "ok <name>". */
function run(id: string, calls: CallSeed[], fields: Partial<StoredTrace> = {}): StoredTrace {
  return {
    trace_id: id,
    user_id: "dana",
    skill: "research",
    started_at: START,
    ended_at: at(10_000),
    iterations: 2,
    tool_traces: calls.map((call, index) => ({
      name: call.name,
      input: call.input ?? { q: call.name },
      output: call.output ?? `ok ${call.name}`,
      duration_ms: call.durationMs ?? 200,
      is_error: call.isError ?? false,
      timestamp: at(call.offsetMs ?? index * 1_000),
    })),
    tool_traces_dropped: 0,
    tool_traces_shortened: 0,
    final_output: "done",
    status: "success",
    metadata: {},
    values_repaired: 0,
    duration_ms: 10_000,
    tool_error_count: calls.filter((call) => call.isError).length,
    recorded_by: "dana",
    received_at: at(10_000),
    expire_at: "2036-12-01T10:00:00.000Z",
    sample_rate: 1,
    ...fields,
  };
}

/** The alignment as "nameA|nameB" rows ("-" for a gap) with their differences. */
function rows(calls: AlignedCall[]): string[] {
  return calls.map((call) => `${call.a?.tool.name ?? "-"}|${call.b?.tool.name ?? "-"}${call.differences.length ? ` ${call.differences.join(",")}` : ""}`);
}

const BASE_CALLS: CallSeed[] = [{ name: "plan" }, { name: "search" }, { name: "fetch" }, { name: "answer" }];

describe("compareRuns: aligning two runs' tool calls", () => {
  it("finds no difference between identical runs (ids and start times are shown, never marked)", () => {
    const comparison = compareRuns(run("a", BASE_CALLS), run("b", BASE_CALLS, { started_at: at(60_000) }));
    assert.equal(comparison.differenceCount, 0);
    assert.deepEqual(rows(comparison.calls), ["plan|plan", "search|search", "fetch|fetch", "answer|answer"]);
    assert.deepEqual(comparison.fields.filter((field) => field.differs), []);
    assert.equal(comparison.fields.find((field) => field.key === "trace_id")?.a, "a");
    assert.equal(comparison.content, "full");
  });

  it("shows a call inserted in B as a gap on A's side, every following pair still matched", () => {
    const inserted = [BASE_CALLS[0]!, BASE_CALLS[1]!, { name: "retry_search" }, BASE_CALLS[2]!, BASE_CALLS[3]!];
    const comparison = compareRuns(run("a", BASE_CALLS), run("b", inserted));
    assert.deepEqual(rows(comparison.calls), ["plan|plan", "search|search", "-|retry_search only-b", "fetch|fetch", "answer|answer"]);
    // The tool count differs too: 1 field + 1 call.
    assert.equal(comparison.differenceCount, 2);
    assert.deepEqual(comparison.fields.filter((field) => field.differs).map((field) => [field.key, field.a, field.b]), [["tool_count", "4", "5"]]);
  });

  it("shows a call missing from B as only in A", () => {
    const removed = [BASE_CALLS[0]!, BASE_CALLS[2]!, BASE_CALLS[3]!];
    const comparison = compareRuns(run("a", BASE_CALLS), run("b", removed));
    assert.deepEqual(rows(comparison.calls), ["plan|plan", "search|- only-a", "fetch|fetch", "answer|answer"]);
    const onlyA = comparison.calls[1]!;
    assert.equal(onlyA.a?.index, 1, "the call's position in A's stored tool_traces");
    assert.equal(onlyA.b, undefined);
  });

  it("matches a repeated tool name in order: of two searches against one, the later one is the extra", () => {
    const twice = [{ name: "plan" }, { name: "search", output: "first" }, { name: "search", output: "second" }, { name: "answer" }];
    const once = [{ name: "plan" }, { name: "search", output: "first" }, { name: "answer" }];
    const comparison = compareRuns(run("a", twice), run("b", once));
    assert.deepEqual(rows(comparison.calls), ["plan|plan", "search|search", "search|- only-a", "answer|answer"]);
    assert.equal(comparison.calls[1]!.a?.tool.output, "first", "the first search is paired");
    assert.equal(comparison.calls[2]!.a?.tool.output, "second", "the second is the extra one");
  });

  it("keeps a replaced call as two rows (only in A, then only in B), not a pair of different tools", () => {
    const replaced = [BASE_CALLS[0]!, { name: "lookup" }, BASE_CALLS[2]!, BASE_CALLS[3]!];
    assert.deepEqual(rows(compareRuns(run("a", BASE_CALLS), run("b", replaced)).calls), ["plan|plan", "search|- only-a", "-|lookup only-b", "fetch|fetch", "answer|answer"]);
  });

  it("aligns calls in order of start, not in stored order", () => {
    // A stored its calls out of time order: answer was stored first but started last.
    const storedOutOfOrder = [{ name: "answer", offsetMs: 3_000 }, { name: "plan", offsetMs: 0 }, { name: "search", offsetMs: 1_000 }, { name: "fetch", offsetMs: 2_000 }];
    const comparison = compareRuns(run("a", storedOutOfOrder), run("b", BASE_CALLS));
    assert.deepEqual(rows(comparison.calls), ["plan|plan", "search|search", "fetch|fetch", "answer|answer"]);
    assert.deepEqual(comparison.calls.map((call) => call.a?.index), [1, 2, 3, 0]);
  });

  it("marks status, duration, input and output differences of a pair, with B's duration against A's", () => {
    const changed = [
      { name: "plan", durationMs: 250 },
      { name: "search", isError: true, output: "index unavailable" },
      { name: "fetch", input: { q: "other page" } },
      { name: "answer", durationMs: 2_000 },
    ];
    const comparison = compareRuns(run("a", BASE_CALLS), run("b", changed, { status: "error", tool_error_count: 1 }));
    assert.deepEqual(rows(comparison.calls), ["plan|plan", "search|search status,output", "fetch|fetch input", "answer|answer duration"]);
    assert.equal(comparison.calls[0]!.durationDeltaMs, 50, "a small delta is known but not marked");
    assert.equal(comparison.calls[3]!.durationDeltaMs, 1_800);
    const marked = comparison.fields.filter((field) => field.differs).map((field) => [field.key, field.a, field.b]);
    assert.deepEqual(marked, [
      ["status", "success", "error"],
      ["failed_tools", "none", "search"],
    ]);
    assert.equal(comparison.differenceCount, 2 + 2 + 1 + 1);
  });

  it("compares input keys in any order", () => {
    const a = run("a", [{ name: "fetch", input: { url: "u", depth: "2" } }]);
    const b = run("b", [{ name: "fetch", input: { depth: "2", url: "u" } }]);
    assert.equal(compareRuns(a, b).differenceCount, 0);
    const extraKey = run("b", [{ name: "fetch", input: { depth: "2", url: "u", lang: "en" } }]);
    assert.deepEqual(compareRuns(a, extraKey).calls[0]!.differences, ["input"]);
  });

  it("marks run-level differences: skill, user, duration, iterations, failed tools, error, final output, tokens and cost", () => {
    const a = run("a", BASE_CALLS, { usage: [{ model: "gemini-2.5-flash", input_tokens: 1_000, output_tokens: 100 }], cost_usd: 0.00055 });
    const b = run("b", [...BASE_CALLS.slice(0, 3), { name: "answer", isError: true }, { name: "answer", isError: true }], {
      skill: "planning",
      user_id: 42,
      duration_ms: 25_000,
      iterations: 5,
      status: "timeout",
      final_output: "",
      metadata: { error: { code: "deadline" } },
      usage: [{ model: "gemini-2.5-flash", input_tokens: 3_000, output_tokens: 100 }],
      cost_usd: 0.00115,
    });
    const byKey = new Map(compareRuns(a, b).fields.map((field) => [field.key, field]));
    for (const key of ["status", "skill", "user", "duration", "iterations", "tool_count", "failed_tools", "error", "final_output", "usage", "cost"] as const) {
      assert.ok(byKey.get(key)?.differs, `${key} differs`);
    }
    assert.equal(byKey.get("failed_tools")?.b, "answer ×2");
    assert.equal(byKey.get("error")?.a, "—");
    assert.equal(byKey.get("error")?.b, JSON.stringify({ code: "deadline" }, null, 2));
    assert.equal(byKey.get("user")?.b, "42");
    assert.equal(byKey.get("usage")?.b, "gemini-2.5-flash: 3,000 in, 100 out");
    assert.equal(byKey.get("cost")?.a, "$0.0006");
  });

  it("does not compare contents when only one run captured them; compares descriptions when neither did", () => {
    const captured = run("a", BASE_CALLS);
    const described = run("b", BASE_CALLS.map((call) => ({ ...call, input: { q: "[not captured: string, 6 chars]" }, output: "[not captured: string, 9 chars]" })), { content_captured: false, final_output: "[not captured: string, 4 chars]" });
    const mixed = compareRuns(captured, described);
    assert.equal(mixed.content, "none");
    assert.equal(mixed.differenceCount, 0, "inputs, outputs and the final output are not compared");
    const neither = compareRuns(described, run("c", BASE_CALLS.map((call) => ({ ...call, input: { q: "[not captured: string, 6 chars]" }, output: "[not captured: string, 12 chars]" })), { content_captured: false, final_output: "[not captured: string, 4 chars]" }));
    assert.equal(neither.content, "descriptions");
    assert.deepEqual(neither.calls.map((call) => call.differences), [["output"], ["output"], ["output"], ["output"]], "different lengths are different outputs");
  });

  it("aligns empty runs and a run against an empty one", () => {
    assert.deepEqual(alignByName([], []), []);
    assert.deepEqual(alignByName(["a", "b"], []), [{ a: 0 }, { a: 1 }]);
    assert.deepEqual(alignByName([], ["a"]), [{ b: 0 }]);
  });

  it("matches a longest common subsequence of names", () => {
    const a = ["x", "a", "b", "c", "y"];
    const b = ["a", "z", "b", "c"];
    const matched = alignByName(a, b).filter((row) => row.a !== undefined && row.b !== undefined);
    assert.deepEqual(matched.map((row) => a[row.a!]), ["a", "b", "c"]);
    const all = alignByName(a, b);
    assert.deepEqual(all.filter((row) => row.a !== undefined).map((row) => row.a), [0, 1, 2, 3, 4], "every call of A appears once, in order");
    assert.deepEqual(all.filter((row) => row.b !== undefined).map((row) => row.b), [0, 1, 2, 3], "every call of B appears once, in order");
  });
});

describe("compareRuns: when a duration is marked", () => {
  it("marks at 2× and at least 100 ms apart, either way", () => {
    assert.equal(durationsDiffer(200, 400), true);
    assert.equal(durationsDiffer(400, 200), true);
    assert.equal(durationsDiffer(200, 399), false, "under 2×");
    assert.equal(durationsDiffer(5, 50), false, "10× but only 45 ms: jitter of a fast call");
    assert.equal(durationsDiffer(0, 100), true);
    assert.equal(durationsDiffer(20_000, 30_000), false, "1.5× of a long call: ordinary variation");
    assert.equal(durationsDiffer(null, null), false);
    assert.equal(durationsDiffer(null, 10), true);
  });

  it("says the delta and ratio", () => {
    assert.equal(durationDeltaText(1_800), "+1.80s");
    assert.equal(durationDeltaText(-200), "-200ms");
    assert.equal(durationDeltaText(0), "±0ms");
    assert.equal(durationRatioText(200, 600), "3.0× slower");
    assert.equal(durationRatioText(500, 200), "2.5× faster");
    assert.equal(durationRatioText(0, 200), undefined);
  });
});
