import { strict as assert } from "node:assert";
import type { TraceErrorReport } from "@agent-traces/admin";
import { escapeMrkdwn, slackMessage } from "../../functions/src/reportTraceErrors/slackMessage.js";

function aReport(overrides: Partial<TraceErrorReport> = {}): TraceErrorReport {
  const totals = { window_start: "2025-06-01T10:00:00.000Z", window_end: "2025-06-01T11:00:00.000Z", errors: 2, timeouts: 1, failures: 3, estimated_runs: 33, estimated_error_rate: 0.0909 };
  return {
    ...totals,
    window_field: "received_at",
    generated_at: "2025-06-01T11:05:00.000Z",
    by_skill: [{ skill: "planning", errors: 2, timeouts: 1 }],
    by_tool: [{ tool: "web_search", failed_calls: 2, runs: 2 }],
    top_errors: [{ message: "boom", count: 2, sample_trace_ids: ["4bf92f3577b34da6a3ce929d0e0e4736"] }],
    users_affected: 2,
    estimate: { label: "Estimate", stored_successes: 3, estimated_successes: 30, sample_rates: [0.1] },
    previous: { ...totals, window_start: "2025-06-01T09:00:00.000Z", window_end: "2025-06-01T10:00:00.000Z", errors: 1, timeouts: 0, failures: 1 },
    change: { failures: 2, failures_percent: 200, error_rate_points: 1 },
    usage: { label: "Estimate", input_tokens: 0, output_tokens: 0, by_skill: [], successes_read: 0, truncated: false },
    documents_read: 3,
    aggregation_queries: 6,
    truncated: false,
    ...overrides,
  };
}

describe("report: Slack message", () => {
  it("escapeMrkdwn turns &, < and > into entities, & first, and control characters into a space", () => {
    assert.equal(escapeMrkdwn("<!channel>"), "&lt;!channel&gt;");
    assert.equal(escapeMrkdwn("a &lt; b"), "a &amp;lt; b", "an entity already in the text stays text");
    assert.equal(escapeMrkdwn("<http://x|y> & more"), "&lt;http://x|y&gt; &amp; more");
    assert.equal(escapeMrkdwn("line\n<!here>\u0000\u001b[31m\u0085end"), "line &lt;!here&gt; [31m end");
    assert.equal(escapeMrkdwn("plain web_search €😀"), "plain web_search €😀");
  });

  it("shows hostile skill, tool, error and trace id as text: no mention, no link", () => {
    const { text } = slackMessage(
      aReport({
        by_skill: [{ skill: "<!channel>", errors: 1, timeouts: 0 }],
        by_tool: [{ tool: "<@U123>", failed_calls: 4, runs: 1 }],
        top_errors: [{ message: "<http://x|y> & more", count: 1, sample_trace_ids: ["<!everyone>"] }],
      }),
    );
    assert.match(text, /By skill: &lt;!channel&gt; 1/);
    assert.match(text, /Failing tools: &lt;@U123&gt; 4/);
    assert.match(text, /• 1× `&lt;http:\/\/x\|y&gt; &amp; more` \(e\.g\. &lt;!everyone&gt;\)/);
    assert.doesNotMatch(text, /<[!@#]|<http/, "no Slack control sequence survives");
    assert.doesNotMatch(text, /[<>]/, "every angle bracket in the message is escaped");
    assert.doesNotMatch(text, / & /, "every ampersand is escaped");
  });

  it("keeps a backtick in an error message from closing its code span, and one line per entry", () => {
    const { text } = slackMessage(aReport({ top_errors: [{ message: "bad `x` *bold*\n<!here>", count: 1, sample_trace_ids: ["t1"] }] }));
    const line = text.split("\n").find((entry) => entry.startsWith("•"));
    assert.equal(line, "• 1× `bad 'x' *bold* &lt;!here&gt;` (e.g. t1)");
  });

  it("summarizes counts, change and the window by arrival", () => {
    const { text } = slackMessage(aReport());
    assert.match(text, /^\*Agent trace errors\* 2025-06-01T10:00:00\.000Z → 2025-06-01T11:00:00\.000Z \(by arrival\)/);
    assert.match(text, /\*3\* failed runs \(2 errors, 1 timeouts\), \+2 \(\+200%\) vs previous window/);
    assert.match(text, /By skill: planning 3/);
    assert.match(text, /Failing tools: web_search 2/);
  });

  it("adds the window's token usage, estimated, with the top skills escaped; nothing when none was recorded", () => {
    assert.doesNotMatch(slackMessage(aReport()).text, /Tokens/);
    const usage = {
      label: "Estimate",
      input_tokens: 1_234_567,
      output_tokens: 89_000,
      by_skill: [
        { skill: "planning", input_tokens: 1_200_000, output_tokens: 80_000, models: [{ model: "gpt-4o", input_tokens: 1_200_000, output_tokens: 80_000 }] },
        { skill: "<!here>", input_tokens: 34_567, output_tokens: 9_000, models: [] },
      ],
      successes_read: 12,
      truncated: true,
    };
    const lines = slackMessage(aReport({ usage })).text.split("\n");
    assert.ok(lines.includes("Tokens (estimate): 1,234,567 in / 89,000 out; by skill: planning 1,200,000 in / 80,000 out, &lt;!here&gt; 34,567 in / 9,000 out"), lines.join("\n"));
    assert.ok(lines.includes("_Token sums cover the newest traces only (read cap reached)._"));
  });
});
