import { strict as assert } from "node:assert";
import type { StoredTrace, TraceErrorReport } from "@agent-traces/admin";
import { renderFeedback } from "../../packages/cli/src/format/feedback.js";
import { renderHeader, usageRows } from "../../packages/cli/src/format/header.js";
import { renderSessionTable } from "../../packages/cli/src/format/sessions.js";
import { renderReport, usageLines } from "../../packages/cli/src/format/report.js";
import { COLOR, PLAIN, styleFor } from "../../packages/cli/src/format/style.js";
import { renderTraceTable } from "../../packages/cli/src/format/table.js";
import { cut, oneLine } from "../../packages/cli/src/format/text.js";
import { barSpan, renderWaterfall, summarizeIo } from "../../packages/cli/src/format/waterfall.js";
import type { SessionSummary } from "../../packages/cli/src/query.js";
import type { StoredFeedback } from "@agent-traces/store";
import { inTimeZone } from "../support/timeZone.js";

const START = Date.parse("2025-03-01T12:00:00.000Z");
const at = (ms: number) => new Date(START + ms).toISOString();

type ToolCall = StoredTrace["tool_traces"][number];
const tool = (name: string, offsetMs: number, durationMs: number, extra: Partial<ToolCall> = {}): ToolCall => ({
  name,
  input: { query: "firebase ttl" },
  output: "3 results",
  duration_ms: durationMs,
  is_error: false,
  timestamp: at(offsetMs),
  ...extra,
});

function aStoredTrace(overrides: Partial<StoredTrace> = {}): StoredTrace {
  const tools = overrides.tool_traces ?? [tool("web_search", 0, 150), tool("fetch_page", 500, 500, { is_error: true, output: "timeout after 500ms" })];
  return {
    trace_id: "4bf92f3577b34da6a3ce929d0e0e4736",
    user_id: "alice",
    skill: "planning",
    started_at: at(0),
    ended_at: at(1_000),
    iterations: 3,
    tool_traces: tools,
    tool_traces_dropped: 0,
    tool_traces_shortened: 0,
    values_repaired: 0,
    final_output: "Done.",
    status: "success",
    metadata: { model: "gemini-2.5-flash" },
    duration_ms: 1_000,
    tool_error_count: tools.filter((t) => t.is_error).length,
    recorded_by: "uid-1",
    received_at: at(1_100),
    expire_at: at(7 * 86_400_000),
    sample_rate: 0.1,
    ...overrides,
  };
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[/;

describe("cli: rendering", () => {
  inTimeZone("UTC");

  describe("text helpers", () => {
    it("keeps text on one line and out of the terminal's control", () => {
      assert.equal(oneLine("a\n\tb\r\n c "), "a b c");
      assert.equal(oneLine("red \u001b[31mX\u202e"), "red \ufffd[31mX\ufffd");
      assert.equal(cut("abcdef", 4), "abc…");
      assert.equal(cut("abcd", 4), "abcd");
    });
  });

  describe("list table", () => {
    it("prints No traces. for an empty list", () => {
      assert.equal(renderTraceTable([]), "No traces.\n");
    });

    it("prints one aligned row per trace in the order given, failures marked", () => {
      const traces = [
        aStoredTrace({ trace_id: "b".repeat(32), started_at: at(60_000), status: "error", user_id: 7, skill: null, duration_ms: null, ended_at: null, tool_traces_dropped: 4 }),
        aStoredTrace({ trace_id: "a".repeat(32), status: "timeout" }),
        aStoredTrace({ trace_id: "c".repeat(32), started_at: at(-60_000), tool_traces: [], tool_error_count: 0, iterations: 12 }),
      ];
      const lines = renderTraceTable(traces).trimEnd().split("\n");
      assert.equal(lines.length, 4);
      assert.match(lines[0]!, /^STARTED\s+TRACE ID\s+STATUS\s+USER\s+SKILL\s+DURATION\s+TOOLS kept\/err\/drop\s+ITER\s+COST$/);
      assert.match(lines[1]!, /^2025-03-01 12:01:00 {2}b{32} {2}✗ error\s+7\s+—\s+—\s+2\/1\/4\s+3\s+—$/);
      assert.match(lines[2]!, /^2025-03-01 12:00:00 {2}a{32} {2}✗ timeout\s+alice\s+planning\s+1\.00s\s+2\/1\/0\s+3\s+—$/);
      assert.match(lines[3]!, /^2025-03-01 11:59:00 {2}c{32} {4}success\s+alice\s+planning\s+1\.00s\s+0\/0\/0\s+12\s+—$/);
      // Right-aligned numeric columns end in the same column.
      assert.equal(new Set(lines.map((line) => line.length)).size, 1);
    });

    it("shows each run's cost: priced, unpriced (never $0), both, or — without usage", () => {
      const usage = [{ model: "gpt-4o", input_tokens: 1000, output_tokens: 100, cost_usd: 0.0035 }];
      const rows = renderTraceTable([
        aStoredTrace({ usage, cost_usd: 0.0035 }),
        aStoredTrace({ usage: [{ model: "my-model", input_tokens: 5, output_tokens: 5 }], unpriced_models: ["my-model"] }),
        aStoredTrace({ usage: [...usage, { model: "my-model", input_tokens: 5, output_tokens: 5 }], cost_usd: 0.0035, unpriced_models: ["my-model"] }),
        aStoredTrace({ usage: [{ model: "gpt-4o", input_tokens: 12_000_000, output_tokens: 0, cost_usd: 30 }], cost_usd: 1234.5 }),
        aStoredTrace(),
      ])
        .trimEnd()
        .split("\n")
        .slice(1);
      assert.deepEqual(
        rows.map((row) => / {2}(\S+(?: \+ unpriced)?)$/.exec(row)?.[1]),
        ["$0.0035", "unpriced", "$0.0035 + unpriced", "$1,234.50", "—"],
      );
    });

    it("a list by cost says that runs without a priced cost are left out, empty or not", () => {
      assert.equal(renderTraceTable([], { byCost: true }), "No traces with a priced cost.\nMost expensive first. Runs without a priced cost (no token usage, or only models without a price) are not listed.\n");
      const text = renderTraceTable([aStoredTrace({ cost_usd: 0.5 })], { byCost: true, more: true, moreHint: "cheaper runs may exist" });
      assert.match(text, /\n1 shown; cheaper runs may exist\nMost expensive first\. Runs without a priced cost .* are not listed\.\n$/);
      assert.doesNotMatch(renderTraceTable([aStoredTrace()]), /priced cost/);
    });

    it("cuts long users and skills, and flattens hostile ones", () => {
      const [, row] = renderTraceTable([aStoredTrace({ user_id: "u".repeat(100), skill: "line1\nline2\u001b[2J" })]).split("\n");
      assert.match(row!, / u{23}… /);
      assert.match(row!, /line1 line2\ufffd\[2J/);
    });

    it("hints that more may exist", () => {
      assert.match(renderTraceTable([aStoredTrace()], { more: true }), /1 shown; older traces may exist/);
      assert.doesNotMatch(renderTraceTable([aStoredTrace()]), /older traces/);
      assert.match(renderTraceTable([aStoredTrace()], { more: true, moreHint: "later runs of the session may exist" }), /1 shown; later runs of the session may exist\n$/);
    });

    it("colours only with a colour style", () => {
      const failing = [aStoredTrace({ status: "error" })];
      assert.doesNotMatch(renderTraceTable(failing, { style: PLAIN }), ANSI);
      assert.ok(renderTraceTable(failing, { style: COLOR }).includes("\u001b[31m✗ error"));
    });
  });

  describe("colour choice", () => {
    it("colours a terminal unless NO_COLOR is set, and never a pipe", () => {
      assert.equal(styleFor({ isTTY: true }, {}), COLOR);
      assert.equal(styleFor({ isTTY: true }, { NO_COLOR: "1" }), PLAIN);
      assert.equal(styleFor({ isTTY: true }, { NO_COLOR: "" }), COLOR);
      assert.equal(styleFor({ isTTY: false }, {}), PLAIN);
      assert.equal(styleFor({}, {}), PLAIN);
    });
  });

  describe("waterfall", () => {
    it("places bars proportionally: offset and duration over the run's duration", () => {
      assert.deepEqual(barSpan(0, 150, 1_000, 40), { start: 0, length: 6 });
      assert.deepEqual(barSpan(500, 500, 1_000, 40), { start: 20, length: 20 });
      assert.deepEqual(barSpan(250, 250, 1_000, 40), { start: 10, length: 10 });
      assert.deepEqual(barSpan(0, 1_000, 1_000, 40), { start: 0, length: 40 });
    });

    it("gives every call at least one column, inside the bar", () => {
      assert.deepEqual(barSpan(100, 0, 1_000, 40), { start: 4, length: 1 });
      assert.deepEqual(barSpan(1_000, 5, 1_000, 40), { start: 39, length: 1 });
      assert.deepEqual(barSpan(900, 900, 1_000, 40), { start: 36, length: 4 });
      assert.deepEqual(barSpan(0, 10, 0, 40), { start: 0, length: 40 });
    });

    it("draws one row per call, ordered by start, with the bar at its offset and an error marker", () => {
      const trace = aStoredTrace({
        tool_traces: [
          tool("fetch_page", 500, 500, { is_error: true, output: "timeout after 500ms", input: { url: "https://example.com" } }),
          tool("web_search", 0, 150),
          tool("summarize", 250, 250),
        ],
        tool_error_count: 1,
      });
      const lines = renderWaterfall(trace, { columns: 160 }).trimEnd().split("\n");
      assert.equal(lines[0], "Tool calls: 3, 1 failed");
      assert.match(lines[1]!, /#\s+TOOL\s+0\s+1\.00s\s+DURATION\s+INPUT → OUTPUT$/);
      const rows = lines.slice(2);
      assert.equal(rows.length, 3);
      const bar = (row: string) => /\|([^|]*)\|/.exec(row)![1]!;
      assert.match(rows[0]!, /^\s+2 {2}web_search /);
      assert.equal(bar(rows[0]!), "█".repeat(6) + " ".repeat(34));
      assert.doesNotMatch(rows[0]!, /ERR/);
      assert.match(rows[0]!, /150ms\s+query=firebase ttl → 3 results$/);
      assert.match(rows[1]!, /^\s+3 {2}summarize /);
      assert.equal(bar(rows[1]!), " ".repeat(10) + "█".repeat(10) + " ".repeat(20));
      assert.match(rows[2]!, /^\s+1 {2}fetch_page /);
      assert.equal(bar(rows[2]!), " ".repeat(20) + "▒".repeat(20));
      assert.match(rows[2]!, /500ms {2}✗ ERR {2}url=https:\/\/example\.com → timeout after 500ms$/);
      // The bars line up: every row has its bar in the same columns.
      assert.equal(new Set(rows.map((row) => row.indexOf("|"))).size, 1);
    });

    it("stretches the scale when calls outlast the run or the run has no end", () => {
      const trace = aStoredTrace({ ended_at: null, duration_ms: null, tool_traces: [tool("a", 0, 100), tool("b", 100, 100)], tool_error_count: 0 });
      const rows = renderWaterfall(trace, { barWidth: 20 }).trimEnd().split("\n").slice(2);
      assert.match(rows[0]!, /\|█{10} {10}\|/);
      assert.match(rows[1]!, /\| {10}█{10}\|/);
    });

    it("notes dropped calls, and a run without calls", () => {
      assert.match(renderWaterfall(aStoredTrace({ tool_traces_dropped: 7 })), /^Tool calls: 2, 1 failed; 7 more dropped when stored \(not shown\)/);
      assert.equal(renderWaterfall(aStoredTrace({ tool_traces: [], tool_error_count: 0 })), "Tool calls: 0\n  (none)\n");
    });

    it("keeps each call on one line within the columns", () => {
      const long = tool("x".repeat(60), 0, 10, { input: { text: "a\nb ".repeat(300) }, output: "out\n".repeat(300) });
      const output = renderWaterfall(aStoredTrace({ tool_traces: [long], tool_error_count: 0 }), { columns: 120 });
      const row = output.trimEnd().split("\n")[2]!;
      assert.ok(row.length <= 120, `${row.length} columns`);
      assert.match(row, /x{23}…/);
      assert.match(row, /text=a b a b.*… → out out.*…$/);
    });

    it("summarizes input and output within the room, the input giving way first", () => {
      assert.equal(summarizeIo({ q: "x" }, "y", 40), "q=x → y");
      assert.equal(summarizeIo({}, "only output", 40), "→ only output");
      const text = summarizeIo({ q: "i".repeat(100) }, "o".repeat(10), 40);
      assert.equal(text.length, 40);
      assert.ok(text.endsWith(` → ${"o".repeat(10)}`));
    });

    it("marks failures in red only with a colour style", () => {
      assert.doesNotMatch(renderWaterfall(aStoredTrace()), ANSI);
      assert.ok(renderWaterfall(aStoredTrace(), { style: COLOR }).includes("\u001b[31m✗ ERR\u001b[39m"));
    });
  });

  describe("show header", () => {
    it("prints the run's facts, its error and metadata, one line each", () => {
      const trace = aStoredTrace({
        status: "error",
        metadata: { error: "Tool fetch_page failed:\nconnection reset", model: "gemini-2.5-flash", temperature: 0.2 },
        final_output: "Partial answer\nwith two lines",
      });
      const text = renderHeader(trace);
      const lines = text.trimEnd().split("\n");
      assert.equal(lines[0], "Trace 4bf92f3577b34da6a3ce929d0e0e4736  ✗ error");
      const field = (label: string) => lines.find((line) => line.startsWith(`  ${label} `))?.slice(16);
      assert.equal(field("user"), "alice");
      assert.equal(field("skill"), "planning");
      assert.equal(field("started"), "2025-03-01 12:00:00.000 +00:00");
      assert.equal(field("ended"), "2025-03-01 12:00:01.000 +00:00");
      assert.equal(field("duration"), "1.00s");
      assert.equal(field("iterations"), "3");
      assert.equal(field("recorded by"), "uid-1");
      assert.equal(field("sample rate"), "0.1");
      assert.equal(field("expires"), "2025-03-08 12:00:00.000 +00:00");
      assert.equal(field("error"), "Tool fetch_page failed: connection reset");
      assert.equal(field("metadata"), '{"model":"gemini-2.5-flash","temperature":0.2}');
      assert.equal(field("final output"), "Partial answer with two lines");
    });

    it("says what is missing and cuts long values to the columns", () => {
      const text = renderHeader(aStoredTrace({ skill: null, ended_at: null, duration_ms: null, metadata: {}, final_output: "z".repeat(5_000) }), { columns: 80 });
      assert.match(text, /\n {2}skill {9}—\n/);
      assert.match(text, /\n {2}ended {9}— \(no end recorded\)\n/);
      assert.match(text, /\n {2}metadata {6}—\n/);
      assert.doesNotMatch(text, /\n {2}error /);
      for (const line of text.split("\n")) assert.ok(line.length <= 80, line);
      assert.match(text, /z…\n$/);
    });
  });

  describe("show: session, why kept, feedback", () => {
    it("names the session, why the run was kept and its rating counts when it has them, nothing otherwise", () => {
      const text = renderHeader(aStoredTrace({ session_id: "chat-7", kept_for: "feedback", feedback: { up: 1, down: 2 } }));
      const field = (label: string) => text.split("\n").find((line) => line.startsWith(`  ${label} `))?.slice(16);
      assert.equal(field("session"), "chat-7");
      assert.match(field("kept for") ?? "", /^feedback \(sampled out, stored with a thumbs-down on it; weight 0\)$/);
      assert.equal(field("feedback"), "1 up, 2 down");
      assert.match(renderHeader(aStoredTrace({ kept_for: "error" })), /\n {2}kept for {6}error \(every failure is kept\)\n/);
      assert.match(renderHeader(aStoredTrace({ kept_for: "failed_tool", weight: 1 })), /\n {2}kept for {6}failed_tool \(keep rule: a tool call failed\)\n {2}weight {8}1 \(stands for itself in the report\)\n/);
      assert.match(renderHeader(aStoredTrace({ kept_for: "slow", weight: 10 })), /\n {2}kept for {6}slow \(keep rule: slower than the threshold\)\n {2}weight {8}10 \(stands for 10 runs in the report\)\n/);
      assert.match(renderHeader(aStoredTrace({ kept_for: "feedback", weight: 0 })), /\n {2}weight {8}0 \(counted through the sampled runs\)\n/);
      const plain = renderHeader(aStoredTrace());
      assert.doesNotMatch(plain, /\n {2}(session|kept for|weight|feedback) /);
    });

    const rating = (overrides: Partial<StoredFeedback>): StoredFeedback => ({
      trace_id: "4bf92f3577b34da6a3ce929d0e0e4736",
      rated_by: "uid-1",
      run_recorded_by: "uid-1",
      rating: "down",
      user_id: "alice",
      skill: "planning",
      run_status: "success",
      run_started_at: at(0),
      created_at: at(60_000),
      updated_at: at(60_000),
      expire_at: at(7 * 86_400_000),
      ...overrides,
    });

    it("lists the ratings: thumbs, value, tags, rater (sender or admin), when, and the comment on a line of its own", () => {
      const text = renderFeedback(
        [rating({ value: 2, tags: ["wrong", "slow"], comment: "It made up\na citation \u001b[2J" }), rating({ rated_by: "admin-uid", rating: "up", updated_at: at(30_000) })],
        { sender: "uid-1" },
      );
      const lines = text.trimEnd().split("\n");
      assert.equal(lines[0], "Feedback (2 ratings)");
      assert.equal(lines[1], "  ✗ down  value 2  tags: wrong, slow  by uid-1 (sender)  2025-03-01 12:01:00");
      assert.equal(lines[2], '          "It made up a citation \ufffd[2J"');
      assert.equal(lines[3], "    up    by admin-uid (admin)  2025-03-01 12:00:30");
      assert.equal(lines.length, 4);
      assert.equal(renderFeedback([]), "");
      assert.doesNotMatch(text, ANSI);
      assert.ok(renderFeedback([rating({})], { style: COLOR }).includes("\u001b[31m✗ down"));
      for (const line of renderFeedback([rating({ comment: "c".repeat(500) })], { columns: 60 }).split("\n")) assert.ok(line.length <= 60, line);
    });
  });

  describe("sessions table", () => {
    const session = (overrides: Partial<SessionSummary> = {}): SessionSummary => ({
      session_id: "chat-1",
      runs: 5,
      runs_capped: false,
      first_started_at: at(0),
      last_started_at: at(240_000),
      statuses: { success: 4, error: 1, timeout: 0 },
      users: ["alice"],
      ...overrides,
    });

    it("prints one line per session in the order given: id, runs, first and last start, statuses", () => {
      const lines = renderSessionTable([session(), session({ session_id: "chat-0", runs: 1000, runs_capped: true, statuses: { success: 1000, error: 0, timeout: 0 } })]).trimEnd().split("\n");
      assert.match(lines[0]!, /^SESSION\s+RUNS\s+FIRST STARTED\s+LAST STARTED\s+STATUSES$/);
      assert.match(lines[1]!, /^chat-1\s+5 {2}2025-03-01 12:00:00 {2}2025-03-01 12:04:00 {2}4 success, 1 error$/);
      assert.match(lines[2]!, /^chat-0\s+1000\+ {2}.* {2}1000 success$/);
      assert.equal(renderSessionTable([]), "No sessions.\n");
      assert.match(renderSessionTable([session()], { more: true }), /1 shown; older sessions may exist/);
      assert.ok(renderSessionTable([session()], { style: COLOR }).includes("\u001b[31m"), "a session with a failure is red");
      assert.doesNotMatch(renderSessionTable([session({ session_id: "a\u001b[2Jb\nc" })]), ANSI);
    });
  });

  describe("show header: token usage and cost", () => {
    const usage = [
      { model: "gpt-4o", input_tokens: 1_234_567, output_tokens: 8_900, cost_usd: 3.175418 },
      { model: "claude\nsonnet\u001b[2J", input_tokens: 12, output_tokens: 0 },
    ];

    it("prints one line per model with its cost (unpriced named, never $0), their total, and the run's cost, after the iterations", () => {
      const lines = renderHeader(aStoredTrace({ usage, cost_usd: 3.175418, unpriced_models: ["claude\nsonnet\u001b[2J"] })).split("\n");
      const at = lines.findIndex((line) => line.startsWith("  tokens "));
      assert.equal(lines[at - 1], "  iterations    3");
      assert.deepEqual(lines.slice(at, at + 4), [
        "  tokens        gpt-4o: 1,234,567 in / 8,900 out, $3.18",
        "                claude sonnet\ufffd[2J: 12 in / 0 out, unpriced",
        "                total: 1,234,579 in / 8,900 out",
        "  cost          $3.18 + unpriced (no price for claude sonnet\ufffd[2J)",
      ]);
    });

    it("prints the cached, cache-write and reasoning parts of a model's tokens", () => {
      const rows = usageRows([{ model: "claude-sonnet-4-5", input_tokens: 1000, output_tokens: 500, cached_input_tokens: 600, cache_write_tokens: 100, reasoning_tokens: 200, cost_usd: 0.0093 }]);
      assert.deepEqual(rows, [["tokens", "claude-sonnet-4-5: 1,000 in (600 cached, 100 cache writes) / 500 out (200 reasoning), $0.0093"]]);
    });

    it("prints one line, no total, for one model, and nothing when the run recorded no usage", () => {
      assert.deepEqual(usageRows([usage[0]!]), [["tokens", "gpt-4o: 1,234,567 in / 8,900 out, $3.18"]]);
      assert.deepEqual(usageRows(undefined), []);
      assert.deepEqual(usageRows([]), []);
      assert.doesNotMatch(renderHeader(aStoredTrace()), /tokens|\n {2}cost /);
      const field = (text: string) => text.split("\n").find((line) => line.startsWith("  cost "))?.slice(16);
      assert.equal(field(renderHeader(aStoredTrace({ usage: [usage[1]!], unpriced_models: [usage[1]!.model] }))), "unpriced (no price for claude sonnet\ufffd[2J)");
      assert.equal(field(renderHeader(aStoredTrace({ usage: [usage[0]!], cost_usd: 3.175418 }))), "$3.18");
    });
  });

  describe("report: token usage", () => {
    const totals = (input_tokens: number, output_tokens: number, cost_usd: number | null, unpriced_models: string[] = []) => ({
      input_tokens,
      output_tokens,
      cached_input_tokens: 0,
      cache_write_tokens: 0,
      reasoning_tokens: 0,
      cost_usd,
      unpriced_models,
    });
    const usage: TraceErrorReport["usage"] = {
      label: "Estimate: weighted.",
      ...totals(1_500_000, 70_000, 12.75, ["claude"]),
      cached_input_tokens: 400_000,
      reasoning_tokens: 5_000,
      by_skill: [
        {
          skill: "planning",
          ...totals(1_200_000, 50_000, 2.9, ["claude"]),
          models: [
            { model: "gpt-4o", input_tokens: 1_000_000, output_tokens: 40_000, cached_input_tokens: 400_000, cost_usd: 2.9 },
            { model: "claude", input_tokens: 200_000, output_tokens: 10_000, cost_usd: null, unpriced: true },
          ],
        },
        { skill: "search\u001b[31m", ...totals(300_000, 20_000, 9.85), models: [{ model: "gpt-4o", input_tokens: 300_000, output_tokens: 20_000, reasoning_tokens: 5_000, cost_usd: 9.85 }] },
      ],
      successes_read: 40,
      truncated: false,
    };

    it("prints the totals with cost, the cached and reasoning parts, then each skill and its models with their cost in aligned columns, and the estimate's label", () => {
      const lines = usageLines(usage);
      assert.equal(lines[0], "Token usage  1,500,000 in / 70,000 out, cost $12.75 + unpriced  (estimate)");
      assert.equal(lines[1], "  of which cached input 400,000, reasoning 5,000");
      assert.match(lines[2]!, /^ {2}planning {23}\s+1,200,000 in\s+50,000 out\s+\$2\.90 \+ unpriced$/);
      assert.match(lines[3]!, /^ {4}gpt-4o\s+1,000,000 in\s+40,000 out\s+\$2\.90$/);
      assert.match(lines[4]!, /^ {4}claude\s+200,000 in\s+10,000 out\s+unpriced$/);
      assert.match(lines[5]!, /^ {2}search\ufffd\[31m\s+300,000 in\s+20,000 out\s+\$9\.85$/);
      assert.equal(new Set(lines.slice(2, 7).map((line) => line.indexOf(" in "))).size, 1, "the columns line up");
      assert.equal(new Set(lines.slice(3, 7).map((line) => line.length)).size, 1, "the cost column ends in one place");
      assert.equal(lines.at(-2), "  No price for claude: their tokens are not in the cost.");
      assert.equal(lines.at(-1), "  Estimate: weighted.");
    });

    it("says so when the window recorded none", () => {
      assert.deepEqual(usageLines({ ...usage, input_tokens: 0, output_tokens: 0, by_skill: [] }), ["Token usage: none recorded in this window."]);
    });

    it("is part of the report, with what was read and whether the read cap cut the sums", () => {
      const report = {
        window_start: "2025-03-01T12:00:00.000Z",
        window_end: "2025-03-01T13:00:00.000Z",
        errors: 1,
        timeouts: 0,
        failures: 1,
        estimated_runs: 11,
        estimated_error_rate: 0.0909,
        window_field: "committed_at",
        generated_at: "2025-03-01T13:05:00.000Z",
        by_skill: [],
        by_tool: [],
        top_errors: [],
        users_affected: 1,
        estimate: { label: "Estimate.", stored_successes: 1, estimated_successes: 10, standard_error: 9.5, margin_95: 18.6 },
        previous: { window_start: "2025-03-01T11:00:00.000Z", window_end: "2025-03-01T12:00:00.000Z", errors: 0, timeouts: 0, failures: 0, estimated_runs: 0, estimated_error_rate: null },
        change: { failures: 1, failures_percent: null, error_rate_points: null },
        usage: { ...usage, truncated: true },
        negative_feedback: { label: "Thumbs-down.", window_field: "updated_at", ratings: 0, ratings_read: 0, truncated: false },
        documents_read: 41,
        aggregation_queries: 6,
        truncated: false,
      } satisfies TraceErrorReport;
      const text = renderReport(report);
      assert.match(text, /\nToken usage {2}1,500,000 in \/ 70,000 out, cost \$12\.75 \+ unpriced/);
      assert.match(text, /\n {2}est\. runs {7}~11 ± 18\.6 \(95%\), error rate 9\.09%/);
      assert.match(renderReport({ ...report, estimate: { ...report.estimate, standard_error: 0, margin_95: 0 } }), /\n {2}est\. runs {7}~11, error rate/, "no margin when every success was kept with certainty");
      assert.match(text, /Read 41 traces one by one \(the failures, and 40 successes with token usage\)/);
      assert.match(text, /Token sums cover the newest traces only \(read cap reached\)\.\n$/);
      assert.doesNotMatch(text, ANSI);
    });
  });
});
