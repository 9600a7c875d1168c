import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { z } from "zod";
import { LIMITS, repairTrace, validateTrace, type SanitizedTrace, type TraceInput } from "@agent-traces/core";
import { isoDateTime } from "../../packages/core/src/schema.js";
import { ISO_DATE_TIME } from "../../packages/core/src/repair/isoInstant.js";
import { sha256Hex } from "../../packages/core/src/repair/sha256.js";
import { storableKey } from "../../packages/core/src/repair/storableKey.js";
import { repairUserId } from "../../packages/core/src/repair/userId.js";
import { redactAndCut } from "../../packages/core/src/sanitizeText.js";
import { TraceContext } from "../../packages/tracer/src/TraceContext.js";
import { Tracer } from "../../packages/tracer/src/Tracer.js";
import type { TraceExporter } from "../../packages/tracer/src/exporter/TraceExporter.js";
import { prepareTrace as prepareInNode } from "../../packages/tracer/src/prepare/validatingPrepare.js";
import { prepareTrace as prepareInBrowser } from "../../packages/tracer/src/prepare/shapeCheckingPrepare.js";
import { repairedTraceId } from "../../functions/src/recordTrace/prepareTrace.js";
import { secretCorpus } from "../support/fakeSecrets.js";

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const STARTED = "2025-01-31T12:00:00Z";
const PREPARES = [["Node", prepareInNode], ["browser", prepareInBrowser]] as const;

function prepared(prepare: (input: TraceInput) => ReturnType<typeof prepareInNode>, input: unknown): SanitizedTrace {
  const result = prepare(input as TraceInput);
  if (!result.ok) assert.fail(result.message);
  const check = validateTrace(JSON.parse(JSON.stringify(result.trace)));
  if (!check.ok) assert.fail(check.message);
  return result.trace;
}

function deep(levels: number): unknown {
  let value: unknown = "bottom";
  for (let level = 0; level < levels; level++) value = { down: value };
  return value;
}

/** The issue's five failed runs that were lost: each one value Firestore or the schema refuses. */
export const ISSUE_RUNS: Record<string, Record<string, unknown>> = {
  "a nested array in metadata": { metadata: { grid: [[1, 2], [3]] } },
  "metadata nested deeper than 8": { metadata: { tree: deep(12) } },
  'tool-input keys "" and "__x__"': { tool_traces: [{ name: "search", input: { "": "empty", __x__: "reserved", _x_: "taken" }, duration_ms: 3, timestamp: STARTED }] },
  "an empty tool name": { tool_traces: [{ name: "", duration_ms: 3, timestamp: STARTED }] },
  'user id ""': { user_id: "" },
  "a user id of 200 characters": { user_id: "u".repeat(200) },
};

describe("repairTrace: repair, never reject", () => {
  for (const [label, fields] of Object.entries(ISSUE_RUNS)) {
    for (const [platform, prepare] of PREPARES) {
      it(`${platform} prepare stores a failed run with ${label}, repaired and counted`, () => {
        const input = { trace_id: TRACE_ID, started_at: STARTED, status: "error", ...fields };
        assert.equal(validateTrace(input).ok, false, "the run is invalid as given");
        const trace = prepared(prepare, input);
        assert.equal(trace.status, "error");
        assert.ok(trace.values_repaired > 0);
      });
    }
  }

  it("rewrites each refused value into a storable one and counts each", () => {
    const cycle: Record<string, unknown> = { name: "loop" };
    cycle.self = cycle;
    const { trace, repaired } = repairTrace({
      trace_id: TRACE_ID.toUpperCase(),
      started_at: STARTED,
      ended_at: "2025-01-31T11:00:00Z",
      status: "timeout",
      iterations: -2.5,
      metadata: { grid: [[1]], nan: Number.NaN, big: 12n, when: new Date(0), fn: () => 1, cycle, "": 1, __x__: 2, gone: undefined },
      tool_traces: [{ name: 7, input: { "": 1 }, output: { ok: true }, duration_ms: 1.6, is_error: "yes", timestamp: "nope" }],
      usage: [{ model: "", input_tokens: -1, output_tokens: 2.2 }],
      values_repaired: 2,
      surprise: true,
    });
    const check = validateTrace(trace);
    if (!check.ok) assert.fail(check.message);
    assert.equal(trace.trace_id, TRACE_ID);
    assert.equal(trace.ended_at, STARTED, "an end before the start is the start");
    assert.equal(trace.iterations, 0);
    assert.deepEqual(trace.metadata, { grid: ["[1]"], nan: null, big: "12", when: "1970-01-01T00:00:00.000Z", cycle: { name: "loop", self: "[Circular]" }, "(empty)": 1, _x_: 2 });
    assert.deepEqual(trace.tool_traces, [{ name: "7", input: { "(empty)": 1 }, output: '{"ok":true}', duration_ms: 2, is_error: true, timestamp: STARTED }]);
    assert.deepEqual(trace.usage, [{ model: "(unknown model)", input_tokens: 0, output_tokens: 2 }]);
    // ended_at, iterations, 8 metadata values (not `gone`: JSON leaves undefined out), 6 tool fields, 3 usage fields, `surprise`.
    assert.equal(repaired, 20);
    assert.equal(trace.values_repaired, 22, "added to what the sender had counted");
  });

  it("leaves a valid trace as the schema would, counting nothing, and returns its metadata as is", () => {
    const metadata = { a: [1, { b: [2] }], c: deep(6) };
    const input = { trace_id: TRACE_ID, started_at: STARTED, status: "success", metadata };
    const { trace, repaired } = repairTrace(input);
    assert.equal(repaired, 0);
    assert.equal(trace.metadata, metadata, "nothing copied when nothing is rewritten");
    const check = validateTrace(input);
    assert.ok(check.ok);
    assert.deepEqual({ ...trace, user_id: undefined, skill: undefined, ended_at: undefined }, { ...check.trace, user_id: undefined, skill: undefined, ended_at: undefined });
  });

  it("applies the schema's defaults to a minimal trace (what the browser's Tracer.record() crashed on)", () => {
    const trace = prepared(prepareInBrowser, { trace_id: TRACE_ID, started_at: STARTED, status: "error" });
    assert.deepEqual([trace.tool_traces, trace.metadata, trace.final_output, trace.iterations, trace.values_repaired], [[], {}, "", 0, 0]);
  });

  it("gives an invalid trace id a fresh random one, or the one traceIdFor derives", () => {
    const first = repairTrace({ trace_id: "nope", started_at: STARTED, status: "error" });
    const second = repairTrace({ trace_id: "nope", started_at: STARTED, status: "error" });
    assert.notEqual(first.trace.trace_id, second.trace.trace_id);
    assert.equal(repairTrace({ trace_id: "nope", status: "error" }, { traceIdFor: (sent) => repairedTraceId("uid", sent) }).trace.trace_id, repairedTraceId("uid", "nope"));
    assert.notEqual(repairedTraceId("uid", "nope"), repairedTraceId("other", "nope"), "another caller derives another id");
  });

  it("keeps a start it cannot read as the end's, or now's", () => {
    assert.equal(repairTrace({ trace_id: TRACE_ID, status: "error", started_at: "yesterday", ended_at: STARTED }).trace.started_at, STARTED);
    assert.equal(repairTrace({ trace_id: TRACE_ID, status: "error" }, { now: Date.parse(STARTED) }).trace.started_at, "2025-01-31T12:00:00.000Z");
  });

  it("keeps an own __proto__ key that setMetadata converts (an assignment would have set the prototype), renamed when sent", () => {
    const run = new TraceContext({ traceId: TRACE_ID });
    run.setMetadata("parsed", JSON.parse('{"__proto__": {"polluted": true}, "kept": 1}'));
    run.end({ threw: true, error: new Error("x") });
    const trace = prepared(prepareInBrowser, run.toTraceInput());
    assert.deepEqual(trace.metadata.parsed, { _proto_: { polluted: true }, kept: 1 });
    assert.equal(trace.values_repaired, 1);
    assert.equal(({} as { polluted?: boolean }).polluted, undefined);
  });

  it("renames bad keys to storable ones that collide with no other key", () => {
    const taken = new Set(["", "__x__", "_x_", "(empty)"]);
    assert.equal(storableKey("", taken), "(empty)~2");
    assert.equal(storableKey("__x__", taken), "_x_~2");
    assert.equal(storableKey("______", new Set()), "__");
    assert.equal(storableKey("__proto__", new Set()), "_proto_");
  });

  it("makes a user id storable: empty is none, too long a stable digest form, distinct for distinct ids", () => {
    const counter = { count: 0 };
    assert.equal(repairUserId("", counter), null);
    assert.equal(repairUserId(2 ** 60, counter), String(2 ** 60));
    assert.equal(repairUserId(Number.NaN, counter), null);
    const long = "user-".repeat(40);
    const stored = repairUserId(long, counter) as string;
    assert.ok(stored.length <= LIMITS.userIdChars, stored);
    assert.match(stored, /^user-user-.*…sha256:[0-9a-f]{64}$/);
    assert.equal(repairUserId(long, counter), stored, "stable");
    assert.notEqual(repairUserId(`${long.slice(0, -1)}X`, counter), stored, "an id differing only past the kept start differs");
    assert.equal(counter.count, 6);
    assert.equal(repairUserId("ok", counter), "ok");
    assert.equal(counter.count, 6);
  });

  it("keeps a valid session id, makes a number its text, and leaves out (counted) one that is not an id of 1-256 characters", () => {
    const run = (session_id: unknown) => repairTrace({ trace_id: TRACE_ID, started_at: STARTED, status: "error", session_id });
    assert.deepEqual([run("chat-7").trace.session_id, run("chat-7").repaired], ["chat-7", 0]);
    assert.deepEqual([run("s".repeat(LIMITS.sessionIdChars)).trace.session_id, run("s".repeat(LIMITS.sessionIdChars)).repaired], ["s".repeat(256), 0]);
    assert.deepEqual([run(42).trace.session_id, run(42).repaired], ["42", 1]);
    for (const bad of ["", "s".repeat(LIMITS.sessionIdChars + 1), true, { id: 1 }, ["s"], Number.NaN, Number.POSITIVE_INFINITY]) {
      const { trace, repaired } = run(bad);
      assert.equal("session_id" in trace, false, `${String(bad)} left out`);
      assert.equal(repaired, 1, `${String(bad)} counted`);
    }
    for (const none of [null, undefined]) {
      const { trace, repaired } = run(none);
      assert.equal("session_id" in trace, false);
      assert.equal(repaired, 0, "none is not a repair");
    }
    // What a prepare sends for a failed run with a bad session id: valid, the rest of the run kept.
    for (const [, prepare] of PREPARES) {
      const trace = prepared(prepare, { trace_id: TRACE_ID, started_at: STARTED, status: "error", session_id: "", skill: "chat" });
      assert.equal("session_id" in trace, false);
      assert.equal(trace.skill, "chat");
      assert.equal(trace.values_repaired, 1);
    }
  });

  it("uses the wire schema's own instant pattern", () => {
    // The schema's isoDateTime is this zod format (with a range check); its pattern is zod's.
    assert.equal(ISO_DATE_TIME.source, (z.iso.datetime({ offset: true })._zod.def as { pattern: RegExp }).pattern.source);
    for (const text of ["2024-02-29T00:00:00Z", "2025-02-29T00:00:00Z", "2025-01-31T12:00:00.123456+05:30", "2025-01-31T12:00Z", "2025-01-31"]) {
      assert.equal(ISO_DATE_TIME.test(text), isoDateTime.safeParse(text).success, text);
    }
  });

  it("computes SHA-256 as node:crypto does (over UTF-16 code units)", () => {
    for (const text of ["", "abc", "x".repeat(27), "x".repeat(28), "x".repeat(200), "\ud800 lone", "😀"]) {
      const bytes = Buffer.alloc(text.length * 2);
      for (let index = 0; index < text.length; index++) bytes.writeUInt16LE(text.charCodeAt(index), index * 2);
      assert.equal(sha256Hex(text), createHash("sha256").update(bytes).digest("hex"));
    }
  });
});

describe("redaction before any cut", () => {
  const key = secretCorpus().find((entry) => entry.name === "OpenAI project key")!.secrets[0]!;

  for (const [platform, prepare] of PREPARES) {
    it(`${platform}: a secret straddling the 200-char cut of metadata.error does not reach the exporter`, () => {
      const run = new TraceContext({ traceId: TRACE_ID });
      const message = `${"Incorrect API key provided: ".padEnd(LIMITS.errorMessageChars - 40, ".")} ${key}. You can find your API key at the dashboard.`;
      assert.ok(message.indexOf(key) < LIMITS.errorMessageChars && message.indexOf(key) + key.length > LIMITS.errorMessageChars, "the key straddles the cut");
      run.end({ threw: true, error: new Error(message) });
      const trace = prepared(prepare, run.toTraceInput());
      const sent = JSON.stringify(trace);
      assert.ok(!sent.includes(key.slice(0, 16)), `the key's start was sent: ${String(trace.metadata.error)}`);
      assert.match(String(trace.metadata.error), /\[REDACTED\]/);
    });
  }

  it("scans past the cut as far as redaction shortened the text, so a secret at the scan's end is not kept", () => {
    const long = `AIza${"x".repeat(4196)} `;
    const text = `${long}${"y".repeat(200 + 4096 - long.length - 11)} ${key} ${"tail ".repeat(2000)}`;
    const cut = redactAndCut(text, 200);
    assert.ok(!cut.includes(key.slice(0, 10)), cut);
  });

  it("redacts values under secret-named keys before a too-deep subtree becomes text", () => {
    const { trace } = repairTrace({ trace_id: TRACE_ID, started_at: STARTED, status: "error", metadata: { grid: [[{ password: "hunter2-pass", cookie: "c=1" }]] } });
    assert.deepEqual(trace.metadata.grid, ['[{"password":"[REDACTED]","cookie":"[REDACTED]"}]']);
  });
});

describe("Tracer.record repairs what the adapters hand it", () => {
  it("an OTel-style failed run with user id \"\" and a nested array in its metadata is sent repaired", async () => {
    const sent: SanitizedTrace[] = [];
    const errors: unknown[] = [];
    const exporter: TraceExporter = {
      export: async (traces) => {
        sent.push(...traces);
        return traces.map((trace) => ({ trace_id: trace.trace_id, stored: true, reason: trace.status === "success" ? "sampled" : trace.status }));
      },
    };
    const tracer = new Tracer({ exporter, sampleRate: 1, onError: (error) => errors.push(error) });
    // As AgentTracesSpanProcessor builds it: the run's TraceContext, then its fields from span attributes.
    const run = new TraceContext({ traceId: TRACE_ID, startedAt: new Date(STARTED) });
    run.setMetadata("gen_ai.request.model", "gpt-test");
    run.end({ threw: true, error: new Error("model failed"), endedAt: new Date(Date.parse(STARTED) + 1000) });
    tracer.record({ ...run.toTraceInput(), user_id: "", metadata: { ...run.toTraceInput().metadata, "gen_ai.prompt": [["system", "hi"]] } });
    assert.equal(await tracer.flush(10_000), true);
    await tracer.shutdown(10_000);
    assert.deepEqual(errors, []);
    assert.equal(sent.length, 1);
    const [trace] = sent;
    assert.equal(trace!.trace_id, TRACE_ID);
    assert.equal(trace!.user_id, null, "an empty user id is no user id (the server stores the caller's uid)");
    assert.deepEqual(trace!.metadata["gen_ai.prompt"], ['["system","hi"]']);
    assert.equal(trace!.values_repaired, 2);
    assert.ok(validateTrace(JSON.parse(JSON.stringify(trace))).ok);
  });
});
