import { strict as assert } from "node:assert";
import type { TraceErrorReport } from "@agent-traces/admin";
import { escapeMrkdwn, literal, slackMessage } from "../../functions/src/reportTraceErrors/slackMessage.js";

/** A usage total: tokens, no cached or reasoning part, a cost (none by default) and the unpriced models. */
function usageTotals(input_tokens: number, output_tokens: number, cost_usd: number | null = null, unpriced_models: string[] = []) {
  return { input_tokens, output_tokens, cached_input_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0, cost_usd, unpriced_models };
}

function aReport(overrides: Partial<TraceErrorReport> = {}): TraceErrorReport {
  const totals = { window_start: "2025-06-01T10:00:00.000Z", window_end: "2025-06-01T11:00:00.000Z", errors: 2, timeouts: 1, failures: 3, estimated_runs: 33, estimated_error_rate: 0.0909 };
  return {
    ...totals,
    window_field: "committed_at",
    generated_at: "2025-06-01T11:05:00.000Z",
    by_skill: [{ skill: "planning", errors: 2, timeouts: 1, negative_feedback: 0 }],
    by_tool: [{ tool: "web_search", failed_calls: 2, runs: 2 }],
    top_errors: [{ message: "boom", count: 2, sample_trace_ids: ["4bf92f3577b34da6a3ce929d0e0e4736"] }],
    users_affected: 2,
    negative_feedback: { label: "Thumbs-down", window_field: "updated_at", ratings: 0, ratings_read: 0, truncated: false },
    estimate: { label: "Estimate", stored_successes: 3, estimated_successes: 30, standard_error: 16.4, margin_95: 32.2 },
    previous: { ...totals, window_start: "2025-06-01T09:00:00.000Z", window_end: "2025-06-01T10:00:00.000Z", errors: 1, timeouts: 0, failures: 1 },
    change: { failures: 2, failures_percent: 200, error_rate_points: 1 },
    usage: { label: "Estimate", ...usageTotals(0, 0), by_skill: [], successes_read: 0, truncated: false },
    documents_read: 3,
    aggregation_queries: 6,
    truncated: false,
    ...overrides,
  };
}

/**
 * The message as Slack reads it, line by line (a code span never crosses a line): the inline code
 * spans and the text outside them. Fails when a line's backticks do not pair up, or when a span's
 * backtick does not sit between a space (or bracket, or the line's edge) and the span's visible text.
 */
function readMrkdwn(text: string): { spans: string[]; prose: string } {
  const spans: string[] = [];
  const prose: string[] = [];
  for (const line of text.split("\n")) {
    const parts = line.split("`");
    assert.equal(parts.length % 2, 1, `backticks pair up on: ${line}`);
    parts.forEach((part, index) => (index % 2 === 1 ? spans : prose).push(part));
    for (const match of line.matchAll(/`[^`]*`/g)) {
      const before = line[match.index - 1];
      const after = line[match.index + match[0].length];
      assert.ok(before === undefined || /[\s(]/.test(before), `a span opens after a space or "(": ${line}`);
      assert.ok(after === undefined || /[\s),;]/.test(after), `a span closes before a space or punctuation: ${line}`);
      assert.match(match[0], /^`\S(.*\S)?`$/, `a span starts and ends with visible text: ${line}`);
    }
  }
  return { spans, prose: prose.join("\n") };
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
        by_skill: [{ skill: "<!channel>", errors: 1, timeouts: 0, negative_feedback: 0 }],
        by_tool: [{ tool: "<@U123>", failed_calls: 4, runs: 1 }],
        top_errors: [{ message: "<http://x|y> & more", count: 1, sample_trace_ids: ["<!everyone>"] }],
      }),
    );
    assert.match(text, /By skill: `&lt;!channel&gt;` 1/);
    assert.match(text, /Failing tools: `&lt;@U123&gt;` 4/);
    assert.match(text, /• 1× `&lt;http:\/\/x\|y&gt; &amp; more` \(e\.g\. `&lt;!everyone&gt;`\)/);
    assert.doesNotMatch(text, /<[!@#]|<http/, "no Slack control sequence survives");
    assert.doesNotMatch(text, /[<>]/, "every angle bracket in the message is escaped");
    assert.doesNotMatch(text, / & /, "every ampersand is escaped");
  });

  it("keeps a backtick in an error message from closing its code span, and one line per entry", () => {
    const { text } = slackMessage(aReport({ top_errors: [{ message: "bad `x` *bold*\n<!here>", count: 1, sample_trace_ids: ["t1"] }] }));
    const line = text.split("\n").find((entry) => entry.startsWith("•"));
    assert.equal(line, "• 1× `bad 'x' *bold* &lt;!here&gt;` (e.g. `t1`)");
  });

  it("shows every name from traces only as inline code: no formatting, no link, no mention, no emoji", () => {
    const skills = ["*boss*", "http://evil.example/login", "has `ticks` and ```fences```", "<!channel>", "_u_"];
    const ratedSkill = ":thumbsdown: <@U999> *rated*";
    const tools = ["_x_", "evil.example", "~s~", "@here"];
    const message = ":fire: @channel *now* see evil.example/x";
    const traceId = "www.evil.example";
    const { text } = slackMessage(
      aReport({
        by_skill: [...skills.map((skill) => ({ skill, errors: 1, timeouts: 0, negative_feedback: 1 })), { skill: ratedSkill, errors: 0, timeouts: 0, negative_feedback: 2 }],
        negative_feedback: { label: "Thumbs-down", window_field: "updated_at", ratings: 7, ratings_read: 7, truncated: true },
        by_tool: tools.map((tool) => ({ tool, failed_calls: 1, runs: 1 })),
        top_errors: [{ message, count: 1, sample_trace_ids: [traceId] }],
        usage: { label: "Estimate", ...usageTotals(10, 1, null, ["*m*"]), by_skill: [{ skill: "~u~", ...usageTotals(10, 1, null, ["*m*"]), models: [] }], successes_read: 1, truncated: true },
        truncated: true,
      }),
    );
    const { spans, prose } = readMrkdwn(text);
    for (const name of [...skills, ratedSkill, ...tools, message, traceId, "~u~", "*m*"]) {
      const shown = escapeMrkdwn(name).replace(/`/g, "'");
      assert.ok(spans.includes(shown), `${JSON.stringify(name)} is one whole code span (as ${JSON.stringify(shown)}) in:\n${text}`);
    }
    assert.ok(!spans.some((span) => span.includes("`")), "no span holds a backtick of its own");
    // Outside code: nothing of the names, and only the message's own formatting (the "~" of "~33 runs" is ours too).
    for (const fragment of ["boss", "evil", "http", "channel", "here", "fire", "now", "ticks", "fences", "thumbsdown", "rated", "_x_", "_u_", "~s~", "~u~", "@", "<", ">"]) {
      assert.ok(!prose.includes(fragment), `${JSON.stringify(fragment)} appears outside code in:\n${prose}`);
    }
    const ours = prose.replace("*Agent trace errors*", "").replace(/\*\d+\*/g, "").replace(/^_[^_\n]+_$/gm, "").replace(/~(?=\d)/g, "");
    assert.doesNotMatch(ours, /[*_~]/, `no other bold, italic or strike marker outside code:\n${ours}`);
    assert.doesNotMatch(ours, /:[\w+-]*[a-z][\w+-]*:/i, "no emoji code outside code (the timestamps' \":00:\" is none)");
    assert.match(text, /^\*Agent trace errors\* /, "the header stays bold");
    assert.ok(text.split("\n").includes("_Breakdowns cover the newest failures only (read cap reached); counts are exact._"), "our notes stay italic");
  });

  it("literal: inline code, backticks replaced, trimmed; empty text as (empty) outside code", () => {
    assert.equal(literal("a`b"), "`a'b`");
    assert.equal(literal("  *x*\n"), "`*x*`");
    assert.equal(literal("<!here> & `"), "`&lt;!here&gt; &amp; '`");
    assert.equal(literal(" \t\n"), "(empty)");
    assert.equal(literal(""), "(empty)");
  });

  it("summarizes counts, change and the window by commit time", () => {
    const { text } = slackMessage(aReport());
    assert.match(text, /^\*Agent trace errors\* 2025-06-01T10:00:00\.000Z → 2025-06-01T11:00:00\.000Z \(by commit time\)/);
    assert.match(text, /\*3\* failed runs \(2 errors, 1 timeouts\), \+2 \(\+200%\) vs previous window/);
    assert.match(text, /By skill: `planning` 3/);
    assert.match(text, /Failing tools: `web_search` 2/);
  });

  it("adds the window's token usage and cost, estimated, with the top skills escaped; nothing when none was recorded", () => {
    assert.doesNotMatch(slackMessage(aReport()).text, /Tokens|Cost/);
    const usage = {
      label: "Estimate",
      ...usageTotals(1_234_567, 89_000, 12.3456, ["my-finetune"]),
      by_skill: [
        { skill: "planning", ...usageTotals(1_200_000, 80_000, 12.3456), models: [{ model: "gpt-4o", input_tokens: 1_200_000, output_tokens: 80_000, cost_usd: 12.3456 }] },
        { skill: "<!here>", ...usageTotals(34_567, 9_000, null, ["my-finetune"]), models: [{ model: "my-finetune", input_tokens: 34_567, output_tokens: 9_000, cost_usd: null, unpriced: true as const }] },
      ],
      successes_read: 12,
      truncated: true,
    };
    const lines = slackMessage(aReport({ usage })).text.split("\n");
    assert.ok(lines.includes("Tokens (estimate): 1,234,567 in / 89,000 out; by skill: `planning` 1,200,000 in / 80,000 out, `&lt;!here&gt;` 34,567 in / 9,000 out"), lines.join("\n"));
    assert.ok(lines.includes("Cost (estimate): $12.35 + unpriced; by skill: `planning` $12.35, `&lt;!here&gt;` unpriced"), lines.join("\n"));
    assert.ok(lines.includes("No price for `my-finetune` (their tokens are not in the cost)"), lines.join("\n"));
    assert.ok(lines.includes("_Token sums cover the newest traces only (read cap reached)._"));
    const priced = slackMessage(aReport({ usage: { ...usage, ...usageTotals(10, 10, 0.0123), by_skill: [{ skill: "planning", ...usageTotals(10, 10, 0.0123), models: [] }] } })).text;
    assert.ok(priced.split("\n").includes("Cost (estimate): $0.0123; by skill: `planning` $0.0123"), priced);
    assert.doesNotMatch(priced, /No price/);
  });

  it("gives the estimated runs with their margin at 95%, and none when every success was kept with certainty", () => {
    assert.match(slackMessage(aReport()).text, /est\. error rate 9\.09% of ~33 ± 32\.2 runs \(estimate\)/);
    const exact = slackMessage(aReport({ estimate: { label: "Estimate", stored_successes: 30, estimated_successes: 30, standard_error: 0, margin_95: 0 } })).text;
    assert.match(exact, /of ~33 runs \(estimate\)/);
  });

  it("counts the window's thumbs-down ratings beside the failures, per skill with most first, names escaped", () => {
    const { text } = slackMessage(
      aReport({
        by_skill: [
          { skill: "planning", errors: 2, timeouts: 1, negative_feedback: 1 },
          { skill: "<!here> & co", errors: 0, timeouts: 0, negative_feedback: 3 },
          { skill: "search", errors: 0, timeouts: 0, negative_feedback: 0 },
        ],
        negative_feedback: { label: "Thumbs-down", window_field: "updated_at", ratings: 4, ratings_read: 4, truncated: false },
      }),
    );
    const lines = text.split("\n");
    assert.ok(lines.includes("By skill: `planning` 3"), "the failures' line lists the skills that failed only");
    assert.ok(lines.includes("Negative feedback: *4* thumbs-down ratings given in the window; by skill: `&lt;!here&gt; &amp; co` 3, `planning` 1"), text);
    assert.doesNotMatch(text, /[<>]/);
    assert.doesNotMatch(text, /cover the oldest/);
  });

  it("says nothing of ratings when none was given, one rating in the singular, and notes a read cap or a failed read", () => {
    assert.doesNotMatch(slackMessage(aReport()).text, /thumbs-down|feedback/i);
    const one = slackMessage(
      aReport({
        by_skill: [{ skill: "planning", errors: 2, timeouts: 1, negative_feedback: 1 }],
        negative_feedback: { label: "Thumbs-down", window_field: "updated_at", ratings: 1, ratings_read: 1, truncated: false },
      }),
    ).text;
    assert.ok(one.split("\n").includes("Negative feedback: *1* thumbs-down rating given in the window; by skill: `planning` 1"), one);
    const capped = slackMessage(
      aReport({
        by_skill: [{ skill: "planning", errors: 2, timeouts: 1, negative_feedback: 2 }],
        negative_feedback: { label: "Thumbs-down", window_field: "updated_at", ratings: 9, ratings_read: 2, truncated: true },
      }),
    ).text.split("\n");
    assert.ok(capped.includes("Negative feedback: *9* thumbs-down ratings given in the window; by skill: `planning` 2"), capped.join("\n"));
    assert.ok(capped.includes("_Feedback by skill covers the oldest ratings only (read cap reached); the total is exact._"));
    const unreadable = slackMessage(aReport({ negative_feedback: { label: "could not be read (index building)", window_field: "updated_at", ratings: null, ratings_read: 0, truncated: false } })).text;
    assert.ok(unreadable.split("\n").includes("_Thumbs-down ratings could not be read._"), unreadable);
  });
});
