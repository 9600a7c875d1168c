import { strict as assert } from "node:assert";
import fc from "fast-check";
import {
  CONTENT_NOT_CAPTURED_NOTICE,
  cutText,
  describeContent,
  isContentDescription,
  omitContent,
  repairTrace,
  sanitizeTrace,
  validateTrace,
  type SanitizedTrace,
  type Trace,
  type TraceInput,
} from "@agent-traces/core";
import { summarizeFailures, toTraceDocument } from "@agent-traces/admin";
import type { StoredTrace } from "@agent-traces/store";
import { createTracer, type RecordTraceResult, type TraceExporter } from "@agent-traces/tracer";
import { CONTENT_NOT_CAPTURED_MESSAGE } from "../../packages/admin/src/report/summarizeFailures.js";
import { renderHeader } from "../../packages/cli/src/format/header.js";
import { prepareTrace as prepareOnServer } from "../../functions/src/recordTrace/prepareTrace.js";
import type { RecordTraceConfig } from "../../functions/src/config.js";
import { prepareTrace as prepareInNode } from "../../packages/tracer/src/prepare/validatingPrepare.js";
import { prepareTrace as prepareInBrowser } from "../../packages/tracer/src/prepare/shapeCheckingPrepare.js";
import { runNotices } from "../../viewer/src/view/runNotices.js";
import { checkProperty, OMITTING_IS_IDEMPOTENT } from "../support/properties.js";

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const AT = "2025-01-31T12:00:00Z";
const config: RecordTraceConfig = { sampleRate: 1, ttlDays: 7, errorTtlDays: 7, enforceAppCheck: false, rateLimitPerMinute: 0, captureContent: true };

/** A failed run full of content, every piece of it containing `marker`. */
function aRun(marker: string): TraceInput {
  return {
    trace_id: TRACE_ID,
    user_id: "alice",
    skill: "support",
    started_at: AT,
    ended_at: "2025-01-31T12:00:02Z",
    iterations: 2,
    status: "error",
    tool_traces: [
      { name: "look_up_order", input: { id: `${marker} 42`, filters: { city: marker }, count: 3 }, output: `order ${marker}`, duration_ms: 120, timestamp: AT },
      { name: "send_mail", input: { to: `${marker}@example.com` }, output: `failed: ${marker}`, is_error: true, duration_ms: 30, timestamp: AT },
    ],
    final_output: `Sorry ${marker}`,
    metadata: { error: `send_mail failed for ${marker}`, model: "gemini-2.5-flash", attempt: 2 },
    usage: [{ model: "gemini-2.5-flash", input_tokens: 10, output_tokens: 5 }],
  };
}

function validated(input: unknown): Trace {
  const result = validateTrace(input);
  if (!result.ok) assert.fail(result.message);
  return result.trace;
}

/** Every string of a JSON value, keys included. */
function stringsOf(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (typeof value === "object" && value !== null) return Object.entries(value).flatMap(([key, item]) => [key, ...stringsOf(item)]);
  return [];
}

/** Keeps what it is sent. */
class KeepingExporter implements TraceExporter {
  readonly sent: SanitizedTrace[] = [];
  export(traces: readonly SanitizedTrace[]): Promise<RecordTraceResult[]> {
    this.sent.push(...traces);
    return Promise.resolve(traces.map((trace) => ({ trace_id: trace.trace_id, stored: true, reason: trace.status === "success" ? "sampled" : trace.status })));
  }
}

describe("content capture off: describeContent", () => {
  it("says what a value was: its type and its length, keys or items", () => {
    assert.equal(describeContent("x".repeat(42)), "[not captured: string, 42 chars]");
    assert.equal(describeContent("x"), "[not captured: string, 1 char]");
    assert.equal(describeContent(3.5), "[not captured: number]");
    assert.equal(describeContent(false), "[not captured: boolean]");
    assert.equal(describeContent(null), "[not captured: null]");
    assert.equal(describeContent({ a: 1, b: "two", c: [3] }), "[not captured: object, 3 keys]");
    assert.equal(describeContent({ a: 1 }), "[not captured: object, 1 key]");
    assert.equal(describeContent(["a", "b"]), "[not captured: array, 2 items]");
    assert.equal(describeContent(new Map([["a", 1]])), "[not captured: object, 1 key]");
    assert.equal(describeContent(undefined), "[not captured: undefined]");
    assert.equal(describeContent(10n), "[not captured: bigint]");
  });

  it("keeps the empty string (nothing to hide) and a description as they are", () => {
    assert.equal(describeContent(""), "");
    assert.equal(describeContent("[not captured: string, 42 chars]"), "[not captured: string, 42 chars]");
  });

  it("gives a cut string the length it had before the cut, and believes no impossible marker", () => {
    assert.equal(describeContent(cutText("y".repeat(5_000), 500)), "[not captured: string, 5000 chars]");
    const lying = "ab…[truncated, 1 chars]";
    assert.equal(describeContent(lying), `[not captured: string, ${lying.length} chars]`);
    const huge = "ab…[truncated, 99999999999999999999 chars]";
    assert.equal(describeContent(huge), `[not captured: string, ${huge.length} chars]`);
  });

  it("recognises only its own descriptions: no free text fits the pattern", () => {
    for (const text of ["[not captured: string, 0 chars]", "[not captured: string, 4 chars] hello", "[not captured: hello]", "[not captured: object, 3 keys, secret]", "[not captured: string, 01 chars]", "x[not captured: number]"]) {
      assert.equal(isContentDescription(text), false, text);
    }
    // As the byte budget shortens one: a start of a description, then a cut marker; a start of anything else is text.
    assert.equal(isContentDescription("[not captured: str…[truncated, 33 chars]"), true);
    assert.equal(isContentDescription("…[truncated, 33 chars]"), true);
    assert.equal(isContentDescription("[not captured: string, 12 ch…[truncated, 33 chars]"), true);
    assert.equal(isContentDescription("[not captured: strong…[truncated, 33 chars]"), false);
    assert.equal(isContentDescription("[not captured: string, 12 chars] hi…[truncated, 40 chars]"), false);
    assert.equal(isContentDescription("hello…[truncated, 33 chars]"), false);
  });

  it("describes any value to a description, and a description to itself (property)", () => {
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withMap: true, withSet: true, withDate: true, withNullPrototype: true }), (value) => {
        const once = describeContent(value);
        assert.ok(once === "" || isContentDescription(once), once);
        assert.equal(describeContent(once), once);
      }),
      { numRuns: 1_000 },
    );
  });
});

describe("content capture off: omitContent", () => {
  it("keeps the run's shape and describes its content", () => {
    const trace = omitContent(validated(aRun("SECRET")));
    assert.equal(trace.content_captured, false);
    assert.deepEqual(
      trace.tool_traces.map((tool) => [tool.name, tool.duration_ms, tool.is_error, tool.timestamp]),
      [["look_up_order", 120, false, AT], ["send_mail", 30, true, AT]],
    );
    assert.deepEqual(trace.tool_traces[0]!.input, { id: "[not captured: string, 9 chars]", filters: "[not captured: object, 1 key]", count: "[not captured: number]" });
    assert.equal(trace.tool_traces[0]!.output, "[not captured: string, 12 chars]");
    assert.equal(trace.final_output, "[not captured: string, 12 chars]");
    assert.deepEqual(trace.metadata, { error: "[not captured: string, 27 chars]", model: "gemini-2.5-flash", attempt: 2 }, "the developer's labels stay");
    assert.deepEqual(trace.usage, [{ model: "gemini-2.5-flash", input_tokens: 10, output_tokens: 5 }]);
    assert.deepEqual([trace.skill, trace.user_id, trace.iterations, trace.status], ["support", "alice", 2, "error"]);
    assert.deepEqual(omitContent(trace), trace, "omitting twice is omitting once");
  });

  it("adds no error and no output a run did not have", () => {
    const trace = omitContent(validated({ trace_id: TRACE_ID, started_at: AT, status: "success", tool_traces: [{ name: "t", duration_ms: 1, timestamp: AT }] }));
    assert.equal(trace.final_output, "");
    assert.equal(trace.tool_traces[0]!.output, "");
    assert.deepEqual(trace.metadata, {});
  });

  it("leaves no text of the run's content after sanitizing, for any text (property)", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 300, unit: "binary" }), fc.string({ minLength: 1, maxLength: 2_000, unit: "grapheme" }), (word, long) => {
        // The content is marked, so that any of it left in the stored run is found whatever it says.
        const marker = `\u0007${word}`;
        const run = aRun(marker);
        const tools = run.tool_traces!;
        tools[0] = { ...tools[0]!, output: `${marker}${long}` };
        const stored = sanitizeTrace(omitContent(validated(run)));
        const leaked = stringsOf(JSON.parse(JSON.stringify(stored))).filter((text) => text.includes("\u0007"));
        assert.deepEqual(leaked, []);
        assert.equal(stored.tool_traces[0]!.output, describeContent(`${marker}${long}`));
      }),
      { numRuns: 300 },
    );
  });

  it("describes what a producer hands over in odd shapes, as repair would read it, keys kept", () => {
    const odd = {
      trace_id: TRACE_ID,
      started_at: AT,
      status: "error",
      tool_traces: [
        "SECRET a call that is only text",
        { name: "json_args", input: '{"city":"SECRET"}', output: { text: "SECRET" }, duration_ms: 1, timestamp: AT },
        { name: "map_args", input: new Map([["city", "SECRET"]]), output: 42, duration_ms: 1, timestamp: AT },
      ],
      final_output: { answer: "SECRET" },
      metadata: { error: { message: "SECRET" }, model: "m" },
    } as unknown as TraceInput;
    const omitted = omitContent(odd);
    for (const prepare of [prepareInNode, prepareInBrowser]) {
      const prepared = prepare(omitted);
      if (!prepared.ok) assert.fail(prepared.message);
      const text = JSON.stringify(prepared.trace);
      assert.doesNotMatch(text, /SECRET/);
      assert.equal(prepared.trace.content_captured, false);
      assert.deepEqual(prepared.trace.tool_traces[1]!.input, { city: "[not captured: string, 6 chars]" });
      assert.deepEqual(prepared.trace.tool_traces[2]!.input, { city: "[not captured: string, 6 chars]" });
      assert.equal(prepared.trace.tool_traces[2]!.output, "[not captured: number]");
      assert.equal(prepared.trace.final_output, "[not captured: object, 1 key]");
      assert.equal(prepared.trace.metadata.error, "[not captured: object, 1 key]");
    }
    const mapped = prepareInNode(omitContent({ ...odd, metadata: new Map<string, unknown>([["error", "SECRET"], ["model", "m"]]) } as unknown as TraceInput));
    assert.deepEqual(mapped.ok && mapped.trace.metadata, { error: "[not captured: string, 6 chars]", model: "m" }, "metadata that is a Map");
    assert.equal(omitContent(null as unknown as TraceInput), null);
  });

  it("is kept by repair, and a content_captured that is not a boolean is left out and counted", () => {
    assert.equal(repairTrace({ trace_id: TRACE_ID, started_at: AT, status: "error", content_captured: false }).trace.content_captured, false);
    const odd = repairTrace({ trace_id: TRACE_ID, started_at: AT, status: "error", content_captured: "no" });
    assert.equal(odd.trace.content_captured, undefined);
    assert.equal(odd.repaired, 1);
  });

  it("omitting and sanitizing on the tracer and again on the function stores what the tracer sent", () => {
    const counts = checkProperty(OMITTING_IS_IDEMPOTENT);
    assert.ok((counts.get("with an error") ?? 0) > 10, `runs with an error: ${counts.get("with an error") ?? 0}`);
  });
});

describe("content capture off: recordTrace's prepareTrace (the server enforces it)", () => {
  const receivedAt = new Date("2025-01-31T12:00:05Z");

  function document(data: unknown, captureContent: boolean) {
    const prepared = prepareOnServer(data, { uid: "caller", config: { ...config, captureContent }, receivedAt });
    assert.equal(prepared.kind, "write", JSON.stringify(prepared));
    return prepared.kind === "write" ? prepared.document : assert.fail();
  }

  it("stores no content when TRACE_CAPTURE_CONTENT is off, whatever the sender sent", () => {
    const stored = document(aRun("SECRET"), false);
    assert.doesNotMatch(JSON.stringify(stored), /SECRET/);
    assert.equal(stored.content_captured, false);
    assert.deepEqual(stored.failed_tools, [{ name: "send_mail", calls: 1 }]);
    assert.equal(stored.tool_error_count, 1);
    const sentTrue = document({ ...aRun("SECRET"), content_captured: true }, false);
    assert.doesNotMatch(JSON.stringify(sentTrue), /SECRET/, "a sender saying it captured changes nothing");
  });

  it("omits what a sender said it omitted but sent anyway", () => {
    const stored = document({ ...aRun("SECRET"), content_captured: false }, true);
    assert.doesNotMatch(JSON.stringify(stored), /SECRET/);
    assert.equal(stored.content_captured, false);
  });

  it("omits a failed run it had to repair too", () => {
    const broken = { ...aRun("SECRET"), trace_id: "not an id", metadata: { error: "SECRET failed", grid: [[1]] } };
    const prepared = prepareOnServer(broken, { uid: "caller", config: { ...config, captureContent: false }, receivedAt });
    assert.equal(prepared.kind, "write");
    if (prepared.kind !== "write") return;
    assert.ok(prepared.repairedFields?.length);
    assert.doesNotMatch(JSON.stringify(prepared.document), /SECRET/);
  });

  it("stores content, and no content_captured field, when it is captured", () => {
    const stored = document({ ...aRun("KEPT"), content_captured: true }, true);
    assert.match(stored.final_output, /KEPT/);
    assert.equal("content_captured" in stored, false);
    assert.equal("content_captured" in toTraceDocument(sanitizeTrace(validated(aRun("x"))), { recordedBy: "u", receivedAt, ttlDays: 7, sampleRate: 1 }), false);
  });
});

describe("content capture off: the tracer option", () => {
  it("sends no content from withTrace or record, and the server would store what it sent unchanged", async () => {
    const exporter = new KeepingExporter();
    const tracer = createTracer({ exporter, captureContent: false, sampleRate: 1, scheduledDelayMs: 1 });
    await tracer
      .withTrace({ userId: "alice", skill: "support", metadata: { model: "m" } }, async (trace) => {
        await trace.tool("look_up_order", { id: "SECRET-1" }, () => ({ order: "SECRET-2" }));
        trace.setOutput("SECRET-3");
        throw new Error("SECRET-4 failed");
      })
      .catch(() => undefined);
    tracer.record(aRun("SECRET-5"));
    assert.equal(await tracer.flush(5_000), true);
    assert.equal(exporter.sent.length, 2);
    for (const sent of exporter.sent) {
      assert.doesNotMatch(JSON.stringify(sent), /SECRET/);
      assert.equal(sent.content_captured, false);
      assert.deepEqual(JSON.parse(JSON.stringify(sanitizeTrace(omitContent(validated(JSON.parse(JSON.stringify(sent))))))), JSON.parse(JSON.stringify(sent)));
    }
    const [run] = exporter.sent;
    assert.equal(run!.tool_traces[0]!.name, "look_up_order");
    assert.deepEqual(Object.keys(run!.tool_traces[0]!.input), ["id"]);
    assert.equal(run!.metadata.model, "m");
    await tracer.shutdown();
  });

  it("sends content by default", async () => {
    const exporter = new KeepingExporter();
    const tracer = createTracer({ exporter, sampleRate: 1, scheduledDelayMs: 1 });
    tracer.record(aRun("KEPT"));
    await tracer.flush(5_000);
    assert.match(JSON.stringify(exporter.sent), /KEPT/);
    assert.equal(exporter.sent[0]!.content_captured, undefined);
    await tracer.shutdown();
  });
});

describe("content capture off: the report, the viewer and the CLI say so", () => {
  it("groups failures whose error text was not captured under one message", () => {
    const failure = (traceId: string, error: string) => ({ trace_id: traceId, status: "error" as const, skill: "s", user_id: "u", metadata: { error } });
    const breakdown = summarizeFailures([failure("a", "[not captured: string, 12 chars]"), failure("b", "[not captured: string, 40 chars]"), failure("c", "boom")]);
    assert.deepEqual(breakdown.top_errors.map((entry) => [entry.message, entry.count]), [[CONTENT_NOT_CAPTURED_MESSAGE, 2], ["boom", 1]]);
  });

  it("puts the notice first among the viewer's run notices, only when content was not captured", () => {
    const run = { final_output: "", tool_traces: [], tool_traces_dropped: 0, tool_traces_shortened: 0, metadata: {} };
    assert.deepEqual(runNotices(run), []);
    assert.deepEqual(runNotices({ ...run, content_captured: false }), [CONTENT_NOT_CAPTURED_NOTICE]);
  });

  it("says it in the CLI's run header", () => {
    const stored = { ...sanitizeTrace(omitContent(validated(aRun("SECRET")))), duration_ms: 2_000, tool_error_count: 1, recorded_by: "u", received_at: AT, expire_at: AT, sample_rate: 1 } as StoredTrace;
    const header = renderHeader(stored, { columns: 200 });
    assert.match(header, /content +Content not captured: inputs, outputs, the final output and the error show only their type and length\./);
    assert.match(header, /error +\[not captured: string, 27 chars\]/);
    assert.doesNotMatch(renderHeader({ ...stored, content_captured: undefined }), /Content not captured/);
  });
});
