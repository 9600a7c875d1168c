import { strict as assert } from "node:assert";
import { cutText, LIMITS } from "@agent-traces/core";
import { formatAge, formatPercent, isLongText, previewText, readableText } from "../../viewer/src/view/format.js";
import { loadListContext, neighborsInList, saveListContext } from "../../viewer/src/view/listContext.js";
import { reportHeadline, reportListHref, reportUsage } from "../../viewer/src/view/reportView.js";
import { senderNote } from "../../viewer/src/view/provenance.js";
import { runNotices } from "../../viewer/src/view/runNotices.js";
import { axisTicks, MIN_BAR_PERCENT, waterfallBars } from "../../viewer/src/view/waterfall.js";
import { isExpired, traceFromDocument } from "../../viewer/src/data/traceFromDocument.js";
import { isDemoProject } from "../../viewer/src/session/firebaseSetup.js";
import { feedbackFromDocument } from "../../viewer/src/data/feedbackFromDocument.js";
import { feedbackCountsText, ratingLabel, sortFeedback } from "../../viewer/src/view/feedbackView.js";
import { sessionHref, sessionIdOf, sessionUsers, summarizeSession } from "../../viewer/src/view/sessionView.js";

const START = "2026-12-01T10:00:00.000Z";
const at = (ms: number) => new Date(Date.parse(START) + ms).toISOString();
const call = (offsetMs: number, durationMs: number, isError = false) => ({ name: "t", input: {}, output: "", duration_ms: durationMs, is_error: isError, timestamp: at(offsetMs) });

describe("viewer waterfall layout", () => {
  it("places each call by offset and duration over the run's duration, ordered by start", () => {
    const { totalMs, bars } = waterfallBars({ started_at: START, duration_ms: 1000, tool_traces: [call(500, 250), call(0, 100, true), call(900, 100)] });
    assert.equal(totalMs, 1000);
    assert.deepEqual(
      bars.map(({ index, leftPercent, widthPercent }) => ({ index, leftPercent, widthPercent })),
      [
        { index: 1, leftPercent: 0, widthPercent: 10 },
        { index: 0, leftPercent: 50, widthPercent: 25 },
        { index: 2, leftPercent: 90, widthPercent: 10 },
      ],
    );
  });

  it("stretches the axis to a call that ends after the run, and keeps every bar visible and inside the axis", () => {
    const { totalMs, bars } = waterfallBars({ started_at: START, duration_ms: 100, tool_traces: [call(150, 50), call(0, 0), call(200, 0)] });
    assert.equal(totalMs, 200);
    for (const bar of bars) {
      assert.ok(bar.widthPercent >= MIN_BAR_PERCENT, `bar ${bar.index} is visible`);
      assert.ok(bar.leftPercent + bar.widthPercent <= 100 + 1e-9, `bar ${bar.index} ends inside the axis`);
    }
    assert.deepEqual(axisTicks(200).map((tick) => tick.ms), [0, 50, 100, 150, 200]);
  });

  it("draws a call timestamped before the run (clock skew) at the left edge", () => {
    const { bars } = waterfallBars({ started_at: START, duration_ms: null, tool_traces: [call(-500, 10)] });
    assert.equal(bars[0]!.leftPercent, 0);
  });
});

describe("viewer notices: what was cut or dropped, said plainly", () => {
  const clean = { final_output: "ok", tool_traces: [], tool_traces_dropped: 0, tool_traces_shortened: 0, metadata: {} };

  it("says nothing for a run stored whole", () => {
    assert.deepEqual(runNotices(clean), []);
  });

  it("names dropped and shortened calls, cut texts and dropped metadata keys, with their counts", () => {
    const cutOutput = cutText("x".repeat(5000), LIMITS.toolOutputChars);
    const notices = runNotices({
      final_output: cutText("y".repeat(1500), LIMITS.finalOutputChars),
      tool_traces: [{ ...call(0, 1), output: cutOutput, input: { q: cutText("z".repeat(300), LIMITS.toolInputValueChars) } }],
      tool_traces_dropped: 7,
      tool_traces_shortened: 1,
      metadata: { _dropped_keys: 2 },
    });
    assert.equal(notices.length, 5, notices.join("\n"));
    assert.match(notices[0]!, /^7 tool calls were dropped/);
    assert.match(notices[1]!, /^1 tool call had its input and output shortened/);
    assert.match(notices[2]!, /final output was cut from 1500 characters/);
    assert.match(notices[3]!, /^2 tool inputs and outputs were cut/);
    assert.match(notices[4]!, /^2 metadata keys were dropped/);
  });
});

describe("viewer text formatting", () => {
  it("pretty-prints JSON objects and arrays and leaves other text alone", () => {
    assert.deepEqual(readableText('{"a":1,"b":[1,2]}'), { text: '{\n  "a": 1,\n  "b": [\n    1,\n    2\n  ]\n}', json: true });
    assert.deepEqual(readableText("[1]"), { text: "[\n  1\n]", json: true });
    assert.deepEqual(readableText('{"cut": "abc…[truncated, 900 chars]'), { text: '{"cut": "abc…[truncated, 900 chars]', json: false });
    assert.deepEqual(readableText("plain {text}"), { text: "plain {text}", json: false });
  });

  it("previews on one line within the limit, not splitting a surrogate pair", () => {
    assert.equal(previewText("a\n\n b\tc", 20), "a b c");
    const preview = previewText("😀".repeat(20), 6);
    assert.ok(preview.length <= 6 && preview.isWellFormed(), preview);
    assert.ok(preview.endsWith("…"));
  });

  it("collapses long text only", () => {
    assert.equal(isLongText("short"), false);
    assert.equal(isLongText("x".repeat(601)), true);
    assert.equal(isLongText("a\n".repeat(13)), true);
  });

  it("writes ages and percentages", () => {
    const now = Date.parse(START);
    assert.equal(formatAge(at(-5_000), now), "5s ago");
    assert.equal(formatAge(at(-125_000), now), "2m ago");
    assert.equal(formatAge(at(-3 * 3_600_000), now), "3h ago");
    assert.equal(formatAge(at(-50 * 3_600_000), now), "2d ago");
    assert.equal(formatAge(at(60_000), now), "in the future");
    assert.equal(formatPercent(0.1234), "12.3%");
    assert.equal(formatPercent(null), "—");
  });
});

describe("viewer list context (j/k navigation)", () => {
  const memory = () => {
    const values = new Map<string, string>();
    return { getItem: (key: string) => values.get(key) ?? null, setItem: (key: string, value: string) => void values.set(key, value) };
  };

  it("finds the newer and older neighbours in the list the run was opened from", () => {
    const storage = memory();
    saveListContext(storage, { search: "?status=error", ids: ["a", "b", "c"] });
    const context = loadListContext(storage);
    assert.deepEqual(neighborsInList(context, "?status=error", "b"), { previous: "a", next: "c" });
    assert.deepEqual(neighborsInList(context, "?status=error", "a"), { previous: undefined, next: "b" });
    assert.deepEqual(neighborsInList(context, "", "b"), {}, "another list's order is not used");
    assert.deepEqual(neighborsInList(context, "?status=error", "zzz"), {});
  });

  it("ignores unreadable stored context", () => {
    assert.equal(loadListContext({ getItem: () => "{not json" }), undefined);
    assert.equal(loadListContext({ getItem: () => '{"search":"","ids":[1]}' }), undefined);
  });
});

describe("viewer report view", () => {
  const report = {
    window_start: "2026-12-01T10:00:00.000Z",
    window_end: "2026-12-01T11:00:00.000Z",
    failures: 6,
    errors: 4,
    timeouts: 2,
    estimated_runs: 60,
    estimated_error_rate: 0.1,
    users_affected: 3,
    previous: { failures: 4, estimated_error_rate: 0.08 },
    change: { failures: 2, failures_percent: 50, error_rate_points: 2 },
  };

  it("writes the headline numbers and the change against the previous window", () => {
    assert.deepEqual(reportHeadline(report), {
      failures: "6 (4 errors, 2 timeouts)",
      errorRate: "10.0% of ~60 runs",
      margin: undefined, // a report written before the estimate had a margin
      change: "+2 (+50%), error rate +2 points",
    });
    assert.equal(reportHeadline({ ...report, estimate: { standard_error: 12.3, margin_95: 24.1 } }).margin, "± 24.1 runs at 95%");
    assert.equal(reportHeadline({ ...report, change: { failures: 6, failures_percent: null, error_rate_points: null } }).change, "+6 (previous window had none)");
  });

  it("links to the list filtered to the window, status and skill", () => {
    assert.equal(reportListHref(report, { status: "error", skill: "a b" }), "/?status=error&skill=a+b&from=2026-12-01T10%3A00%3A00.000Z&to=2026-12-01T11%3A00%3A00.000Z");
  });

  it("writes the token usage per skill, its models on one line; nothing for a report without usage or older than it", () => {
    const usage = {
      input_tokens: 1_250_000,
      output_tokens: 4_200,
      by_skill: [{ skill: "planning", input_tokens: 1_250_000, output_tokens: 4_200, models: [{ model: "gpt-4o", input_tokens: 1_000_000, output_tokens: 4_000 }, { model: "claude", input_tokens: 250_000, output_tokens: 200 }] }],
      truncated: false,
    };
    // A report written before costs were: no cost anywhere.
    assert.deepEqual(reportUsage({ usage }), {
      total: "1,250,000 in / 4,200 out",
      cost: undefined,
      unpriced: undefined,
      rows: [{ skill: "planning", input: "1,250,000", output: "4,200", cost: undefined, models: "gpt-4o 1,000,000 / 4,000 · claude 250,000 / 200" }],
      truncated: false,
    });
    const priced = {
      ...usage,
      cost_usd: 2.54,
      unpriced_models: ["claude"],
      by_skill: [{ ...usage.by_skill[0]!, cost_usd: 2.54, unpriced_models: ["claude"], models: [{ ...usage.by_skill[0]!.models[0]!, cost_usd: 2.54 }, { ...usage.by_skill[0]!.models[1]!, cost_usd: null }] }],
    };
    assert.deepEqual(reportUsage({ usage: priced }), {
      total: "1,250,000 in / 4,200 out",
      cost: "$2.54 + unpriced",
      unpriced: "claude",
      rows: [{ skill: "planning", input: "1,250,000", output: "4,200", cost: "$2.54 + unpriced", models: "gpt-4o 1,000,000 / 4,000 ($2.54) · claude 250,000 / 200 (unpriced)" }],
      truncated: false,
    });
    assert.equal(reportUsage({ usage: { ...usage, input_tokens: 0, output_tokens: 0, by_skill: [] } }), undefined);
    assert.equal(reportUsage({}), undefined);
  });
});

describe("viewer stored-document conversion", () => {
  const timestamp = (iso: string) => ({ toDate: () => new Date(iso) });

  it("turns Timestamps into ISO strings and defaults fields older documents lack", () => {
    const trace = traceFromDocument({
      trace_id: "t",
      status: "success",
      started_at: timestamp(START),
      ended_at: null,
      received_at: timestamp(at(1000)),
      expire_at: timestamp(at(2000)),
      tool_traces: [{ ...call(0, 1), timestamp: timestamp(at(10)) }],
    });
    assert.equal(trace.started_at, START);
    assert.equal(trace.ended_at, null);
    assert.equal(trace.tool_traces[0]!.timestamp, at(10));
    assert.equal(trace.tool_traces_shortened, 0);
    assert.equal(trace.tool_traces_dropped, 0);
    assert.deepEqual(trace.metadata, {});
    assert.equal(isExpired(trace, Date.parse(at(1999))), false);
    assert.equal(isExpired(trace, Date.parse(at(2000))), true);
  });
});

describe("viewer provenance: who sent a run naming another user", () => {
  it("names the sender, with a tooltip, when user_id and recorded_by differ", () => {
    const note = senderNote({ user_id: "ann", recorded_by: "mallory" });
    assert.ok(note);
    assert.equal(note.sender, "mallory");
    assert.equal(note.text, "sent by mallory");
    assert.match(note.title, /names the user "ann"/);
    assert.match(note.title, /sent by the signed-in user "mallory" \(recorded_by\)/);
    assert.match(note.title, /user_id is chosen by whoever sends it/);
  });

  it("says nothing when they are the same (a numeric user_id compared as text)", () => {
    assert.equal(senderNote({ user_id: "ann", recorded_by: "ann" }), null);
    assert.equal(senderNote({ user_id: 42, recorded_by: "42" }), null);
  });

  it("says nothing when the run names no user or has no sender recorded", () => {
    assert.equal(senderNote({ user_id: null, recorded_by: "mallory" }), null);
    assert.equal(senderNote({ user_id: undefined, recorded_by: "mallory" }), null);
    assert.equal(senderNote({ user_id: "ann", recorded_by: "" }), null);
    assert.equal(senderNote({ user_id: "ann", recorded_by: undefined as unknown as string }), null, "a document written without recorded_by");
  });

  it("compares exactly: case, spaces and look-alikes count as another user", () => {
    assert.equal(senderNote({ user_id: "Ann", recorded_by: "ann" })?.sender, "ann");
    assert.equal(senderNote({ user_id: "ann ", recorded_by: "ann" })?.sender, "ann");
    assert.equal(senderNote({ user_id: "mallory", recorded_by: "maIlory" })?.text, "sent by maIlory");
  });
});

describe("viewer emulator path", () => {
  it("is taken only for demo- project ids, which no real project can have", () => {
    assert.equal(isDemoProject("demo-agent-traces"), true);
    for (const projectId of ["agent-traces", "my-demo-project", "prod-demo-1", "Demo-x", ""]) assert.equal(isDemoProject(projectId), false, projectId);
  });
});

describe("viewer sessions: address, users and summary", () => {
  const urlOf = (path: string) => new URL(path, "https://viewer.example");

  it("puts any session id in one path segment and reads it back", () => {
    for (const id of ["chat-1", "a/b c?d#e%f", "ünï", "s".repeat(256)]) {
      const href = sessionHref(id);
      assert.match(href, /^\/sessions\/[^/?#]+$/, href);
      assert.equal(sessionIdOf(urlOf(href)), id);
    }
  });

  it("reads the hash form #/session/<id> too, and nothing from other addresses", () => {
    assert.equal(sessionIdOf(urlOf(`/#/session/${encodeURIComponent("a/b")}`)), "a/b");
    assert.equal(sessionIdOf(urlOf("/#/sessions/x")), "x");
    for (const path of ["/", "/traces/abc", "/sessions/", "/sessions/a/b", "/sessions/%E0%A4%A", "/#/run/x"]) assert.equal(sessionIdOf(urlOf(path)), undefined, path);
  });

  it("lists the runs' distinct users in order of first run, a missing one as —", () => {
    assert.deepEqual(sessionUsers([{ user_id: "ann" }, { user_id: 7 }, { user_id: "ann" }, { user_id: "7" }, { user_id: null }]), ["ann", "7", "—"]);
    assert.deepEqual(sessionUsers([]), []);
  });

  it("counts the runs of each status and finds the first and last start", () => {
    assert.deepEqual(
      summarizeSession([
        { status: "success", started_at: at(2000) },
        { status: "error", started_at: at(0) },
        { status: "timeout", started_at: at(5000) },
        { status: "success", started_at: at(1000) },
      ]),
      { runs: 4, success: 2, error: 1, timeout: 1, firstStartedAt: at(0), lastStartedAt: at(5000) },
    );
    assert.deepEqual(summarizeSession([]), { runs: 0, success: 0, error: 0, timeout: 0 });
  });
});

describe("viewer feedback", () => {
  const timestamp = (iso: string) => ({ toDate: () => new Date(iso) });
  const rating = (ratedBy: string, updatedAt: string, value: "up" | "down" = "down") => ({
    trace_id: "t",
    rated_by: ratedBy,
    run_recorded_by: "u",
    rating: value,
    user_id: "u",
    skill: null,
    run_status: "success" as const,
    run_started_at: START,
    created_at: updatedAt,
    updated_at: updatedAt,
    expire_at: at(86_400_000),
  });

  it("writes the non-zero counts on one line, nothing for none", () => {
    assert.equal(feedbackCountsText({ up: 2, down: 1 }), "👍 2 · 👎 1");
    assert.equal(feedbackCountsText({ up: 0, down: 3 }), "👎 3");
    assert.equal(feedbackCountsText({ up: 1, down: 0 }), "👍 1");
    assert.equal(feedbackCountsText({ up: 0, down: 0 }), "");
    assert.equal(feedbackCountsText(undefined), "");
    assert.equal(ratingLabel("down"), "👎 down");
    assert.equal(ratingLabel("up"), "👍 up");
  });

  it("lists ratings newest first by their latest change, equal instants by rater", () => {
    const sorted = sortFeedback([rating("b", at(0)), rating("c", at(5000)), rating("a", at(0))]);
    assert.deepEqual(
      sorted.map((entry) => entry.rated_by),
      ["c", "a", "b"],
    );
  });

  it("turns a feedback document's Timestamps into ISO strings and keeps its text as text", () => {
    const feedback = feedbackFromDocument({
      trace_id: "t",
      rated_by: "uid-1",
      run_recorded_by: "uid-1",
      rating: "down",
      value: 2,
      comment: "<img src=x onerror=alert(1)>",
      tags: ["wrong", "slow"],
      user_id: "u",
      skill: "s",
      run_status: "success",
      run_started_at: timestamp(START),
      created_at: timestamp(at(1000)),
      updated_at: timestamp(at(2000)),
      expire_at: timestamp(at(3000)),
    });
    assert.equal(feedback.run_started_at, START);
    assert.equal(feedback.created_at, at(1000));
    assert.equal(feedback.updated_at, at(2000));
    assert.equal(feedback.expire_at, at(3000));
    assert.deepEqual(feedback.tags, ["wrong", "slow"]);
    assert.equal(feedback.comment, "<img src=x onerror=alert(1)>");
    assert.deepEqual(feedbackFromDocument({ ...feedback }).tags, ["wrong", "slow"]);
    assert.deepEqual(feedbackFromDocument({ trace_id: "t" }).tags, [], "no tags: an empty list");
  });
});
