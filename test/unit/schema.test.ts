import { strict as assert } from "node:assert";
import { LIMITS, validateTrace } from "@agent-traces/core";
import { formatPath } from "../../packages/core/src/validation.js";
import { traceSchema, type Trace } from "../../packages/core/src/schema.js";

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

function validTrace(): Record<string, unknown> {
  return {
    trace_id: TRACE_ID,
    user_id: 123456789,
    skill: "planning",
    started_at: "2025-01-31T12:00:00.000Z",
    ended_at: "2025-01-31T12:00:03.250Z",
    iterations: 3,
    tool_traces: [
      {
        name: "search_web",
        input: { query: "weather in Paris", limit: 5 },
        output: "Sunny, 21°C",
        duration_ms: 412,
        is_error: false,
        timestamp: "2025-01-31T12:00:01.000+00:00",
      },
    ],
    final_output: "It is sunny in Paris.",
    status: "success",
    metadata: { model: "gpt-4o", temperature: 0.2, tags: ["a", "b"], nested: { ok: true, none: null } },
  };
}

function withField(field: string, value: unknown): Record<string, unknown> {
  return { ...validTrace(), [field]: value };
}

function withTool(field: string, value: unknown): Record<string, unknown> {
  const trace = validTrace();
  const [tool] = trace.tool_traces as Record<string, unknown>[];
  return { ...trace, tool_traces: [{ ...tool, [field]: value }] };
}

function accepted(input: unknown): Trace {
  const result = validateTrace(input);
  if (!result.ok) assert.fail(`expected the trace to be valid, got: ${result.message}`);
  return result.trace;
}

/** Asserts the trace is rejected and the message names `path` (and returns the message). */
function rejected(input: unknown, path: string): string {
  const result = validateTrace(input);
  if (result.ok) assert.fail(`expected a rejection naming ${path}, but the trace was accepted`);
  assert.ok(result.message.startsWith("Invalid trace:"), result.message);
  assert.ok(result.message.includes(path), `expected "${path}" in: ${result.message}`);
  assert.ok(
    result.fields.some((field) => field.split(", ").includes(path)),
    `expected "${path}" among fields ${JSON.stringify(result.fields)}`,
  );
  return result.message;
}

function nested(depth: number, leaf: unknown): unknown {
  let value = leaf;
  for (let level = 0; level < depth; level++) value = { [`k${depth - level}`]: value };
  return value;
}

describe("validateTrace", () => {
  describe("a valid trace", () => {
    it("passes as sent, with the trace id kept", () => {
      const trace = accepted(validTrace());
      assert.deepEqual(trace, { ...validTrace(), tool_traces_dropped: 0, tool_traces_shortened: 0, values_repaired: 0 });
    });

    it("passes with only the required fields, and defaults apply", () => {
      const trace = accepted({ trace_id: TRACE_ID, started_at: "2025-01-31T12:00:00Z", status: "error" });
      assert.deepEqual(trace, {
        trace_id: TRACE_ID,
        started_at: "2025-01-31T12:00:00Z",
        status: "error",
        iterations: 0,
        tool_traces: [],
        tool_traces_dropped: 0,
        tool_traces_shortened: 0,
        final_output: "",
        metadata: {},
        values_repaired: 0,
      });
    });

    it("applies tool trace defaults (input, output, is_error)", () => {
      const trace = accepted({
        ...validTrace(),
        tool_traces: [{ name: "noop", duration_ms: 0, timestamp: "2025-01-31T12:00:00Z" }],
      });
      assert.deepEqual(trace.tool_traces, [{ name: "noop", input: {}, output: "", duration_ms: 0, is_error: false, timestamp: "2025-01-31T12:00:00Z" }]);
    });

    it("does not share default objects between traces", () => {
      const first = accepted({ trace_id: TRACE_ID, started_at: "2025-01-31T12:00:00Z", status: "success" });
      const second = accepted({ trace_id: TRACE_ID, started_at: "2025-01-31T12:00:00Z", status: "success" });
      assert.notEqual(first.metadata, second.metadata);
      assert.notEqual(first.tool_traces, second.tool_traces);
    });

    it("accepts null for the nullable fields", () => {
      const trace = accepted({ ...validTrace(), user_id: null, skill: null, ended_at: null });
      assert.equal(trace.user_id, null);
      assert.equal(trace.ended_at, null);
    });

    it("accepts every status", () => {
      for (const status of ["success", "error", "timeout"]) assert.equal(accepted(withField("status", status)).status, status);
    });
  });

  describe("trace_id", () => {
    it("is normalized to lowercase", () => {
      assert.equal(accepted(withField("trace_id", TRACE_ID.toUpperCase())).trace_id, TRACE_ID);
      assert.equal(traceSchema.parse(withField("trace_id", "ABCDEF0123456789ABCDEF0123456789")).trace_id, "abcdef0123456789abcdef0123456789");
    });

    const bad: [string, unknown][] = [
      ["all zeros", "0".repeat(32)],
      ["non-hex", "g".repeat(32)],
      ["31 digits", TRACE_ID.slice(1)],
      ["33 digits", `${TRACE_ID}0`],
      ["a short uuid prefix (the reference design's id)", "4bf92f35"],
      ["a dashed uuid", "4bf92f35-77b3-4da6-a3ce-929d0e0e4736"],
      ["surrounded by spaces", ` ${TRACE_ID} `],
      ["empty", ""],
      ["a number", 1234],
      ["missing", undefined],
    ];
    for (const [name, value] of bad) {
      it(`rejects ${name}`, () => rejected(withField("trace_id", value), "trace_id"));
    }
  });

  describe("user_id", () => {
    it("may be a string up to 128 chars, a safe integer (also negative), null or absent", () => {
      assert.equal(accepted(withField("user_id", "u".repeat(LIMITS.userIdChars))).user_id, "u".repeat(128));
      assert.equal(accepted(withField("user_id", "user-42")).user_id, "user-42");
      assert.equal(accepted(withField("user_id", Number.MAX_SAFE_INTEGER)).user_id, Number.MAX_SAFE_INTEGER);
      assert.equal(accepted(withField("user_id", -1001234567890)).user_id, -1001234567890);
      assert.equal(accepted(withField("user_id", 0)).user_id, 0);
      const { user_id: _omitted, ...rest } = validTrace();
      assert.equal(accepted(rest).user_id, undefined);
    });

    const bad: [string, unknown][] = [
      ["a 129-char string", "u".repeat(129)],
      ["an empty string", ""],
      ["a fraction", 1.5],
      ["an unsafe integer", 2 ** 53],
      ["NaN", Number.NaN],
      ["a boolean", true],
      ["an object", { id: 1 }],
    ];
    for (const [name, value] of bad) {
      it(`rejects ${name}`, () => rejected(withField("user_id", value), "user_id"));
    }
  });

  describe("session_id", () => {
    it("may be any string of 1-256 chars (a conversation id), null or absent", () => {
      assert.equal(accepted(withField("session_id", "s".repeat(LIMITS.sessionIdChars))).session_id, "s".repeat(256));
      assert.equal(accepted(withField("session_id", "chat/2025-01-31 #7 😀")).session_id, "chat/2025-01-31 #7 😀");
      assert.equal(accepted(withField("session_id", "x")).session_id, "x");
      assert.equal(accepted(withField("session_id", null)).session_id, null);
      assert.equal("session_id" in accepted(validTrace()), false);
    });

    const bad: [string, unknown][] = [
      ["a 257-char string", "s".repeat(LIMITS.sessionIdChars + 1)],
      ["an empty string", ""],
      ["a number", 42],
      ["a boolean", true],
      ["an object", { id: "s1" }],
      ["an array", ["s1"]],
    ];
    for (const [name, value] of bad) {
      it(`rejects ${name}, naming session_id and its limit`, () => assert.match(rejected(withField("session_id", value), "session_id"), /session_id: must be a string of 1-256 characters/));
    }
  });

  describe("started_at and ended_at", () => {
    const good = [
      "2025-01-31T12:00:00Z",
      "2025-01-31T12:00:00.123Z",
      "2025-01-31T12:00:00.123456+00:00",
      "2025-01-31T14:00:00+02:00",
      "0001-01-01T00:00:00Z",
      "9999-12-31T23:59:59.999Z",
      "9999-12-31T23:59:59Z",
    ];
    for (const value of good) {
      it(`accepts ${value}`, () => assert.equal(accepted({ ...validTrace(), started_at: value, ended_at: null }).started_at, value));
    }

    const bad: [string, string][] = [
      ["no zone", "2025-01-31T12:00:00"],
      ["no zone, with fraction", "2025-01-31T12:00:00.000"],
      ["a date only", "2025-01-31"],
      ["year 0000", "0000-01-01T00:00:00Z"],
      ["past year 9999 once the offset applies", "9999-12-31T23:59:59-01:00"],
      ["February 30th", "2025-02-30T12:00:00Z"],
      ["hour 24", "2025-01-31T24:00:00Z"],
      ["an RFC 2822 date", "Fri, 31 Jan 2025 12:00:00 GMT"],
      ["an empty string", ""],
    ];
    for (const [name, value] of bad) {
      it(`rejects ${name} in started_at and in ended_at`, () => {
        rejected({ ...validTrace(), started_at: value, ended_at: null }, "started_at");
        rejected({ ...validTrace(), started_at: "0001-01-01T00:00:00Z", ended_at: value }, "ended_at");
      });
    }

    it("rejects a number or a missing started_at", () => {
      rejected(withField("started_at", Date.now()), "started_at");
      rejected(withField("started_at", undefined), "started_at");
    });

    it("rejects ended_at before started_at, naming ended_at", () => {
      const message = rejected({ ...validTrace(), started_at: "2025-01-31T12:00:00Z", ended_at: "2025-01-31T11:59:59.999Z" }, "ended_at");
      assert.match(message, /ended_at: must not be before started_at/);
    });

    it("compares instants, not text, across zones", () => {
      accepted({ ...validTrace(), started_at: "2025-01-31T12:00:00Z", ended_at: "2025-01-31T13:30:00+01:00" });
      rejected({ ...validTrace(), started_at: "2025-01-31T12:00:00Z", ended_at: "2025-01-31T12:30:00+01:00" }, "ended_at");
      accepted({ ...validTrace(), started_at: "2025-01-31T12:00:00Z", ended_at: "2025-01-31T12:00:00Z" });
    });
  });

  describe("numbers and enums", () => {
    it("accepts iterations 0 and the maximum, rejects negative, fractional, too large and string", () => {
      assert.equal(accepted(withField("iterations", 0)).iterations, 0);
      assert.equal(accepted(withField("iterations", LIMITS.maxIterations)).iterations, LIMITS.maxIterations);
      for (const value of [-1, 1.5, LIMITS.maxIterations + 1, "3", null]) rejected(withField("iterations", value), "iterations");
    });

    it("accepts tool_traces_dropped >= 0 and rejects the rest", () => {
      assert.equal(accepted(withField("tool_traces_dropped", 7)).tool_traces_dropped, 7);
      for (const value of [-1, 0.5, "1"]) rejected(withField("tool_traces_dropped", value), "tool_traces_dropped");
    });

    it("rejects a status other than success, error, timeout", () => {
      for (const value of ["running", "unknown", "SUCCESS", "", null, undefined, 1]) {
        const message = rejected(withField("status", value), "status");
        assert.match(message, /success.*error.*timeout/);
      }
    });

    it("rejects non-string skill and final_output", () => {
      rejected(withField("skill", 5), "skill");
      rejected(withField("final_output", { text: "x" }), "final_output");
      rejected(withField("final_output", null), "final_output");
    });
  });

  describe("tool_traces", () => {
    it("rejects an unknown field inside a tool trace, naming it", () => {
      rejected(withTool("foo", 1), "tool_traces[0].foo");
      rejected(withTool("error", "boom"), "tool_traces[0].error");
    });

    it("rejects a bad duration_ms", () => {
      for (const value of [-1, 1.5, "10", null, LIMITS.maxDurationMs + 1]) rejected(withTool("duration_ms", value), "tool_traces[0].duration_ms");
      assert.equal(accepted(withTool("duration_ms", 0)).tool_traces[0]!.duration_ms, 0);
    });

    it("rejects a missing or empty name, a bad timestamp, a non-boolean is_error, a non-string output", () => {
      rejected(withTool("name", ""), "tool_traces[0].name");
      rejected(withTool("name", undefined), "tool_traces[0].name");
      rejected(withTool("timestamp", "2025-01-31 12:00:00"), "tool_traces[0].timestamp");
      rejected(withTool("timestamp", undefined), "tool_traces[0].timestamp");
      rejected(withTool("is_error", "true"), "tool_traces[0].is_error");
      rejected(withTool("output", { ok: true }), "tool_traces[0].output");
    });

    it("accepts any values in input, but rejects empty and reserved input keys", () => {
      accepted(withTool("input", { a: [[1, 2]], b: { c: Number.NaN }, d: null, "with space": 1 }));
      rejected(withTool("input", { "": 1 }), 'tool_traces[0].input[""]');
      rejected(withTool("input", { __name__: 1 }), "tool_traces[0].input.__name__");
      rejected(withTool("input", JSON.parse('{"__proto__": {"x": 1}}')), "tool_traces[0].input.__proto__");
    });

    it("rejects an input that is not an object", () => {
      for (const value of [[1], "text", 5, null]) rejected(withTool("input", value), "tool_traces[0].input");
    });

    it("names the index of the bad tool trace", () => {
      const trace = validTrace();
      const [tool] = trace.tool_traces as Record<string, unknown>[];
      rejected({ ...trace, tool_traces: [tool, tool, { ...tool, duration_ms: -5 }] }, "tool_traces[2].duration_ms");
    });

    it("rejects tool_traces that is not an array", () => {
      rejected(withField("tool_traces", { 0: {} }), "tool_traces");
    });
  });

  describe("unknown top-level fields", () => {
    for (const field of ["recorded_by", "expire_at", "received_at", "sample_rate", "trace-id", "__name__"]) {
      it(`rejects ${field}, naming it`, () => {
        const message = rejected(withField(field, 1), formatPath([field]));
        assert.match(message, /unknown field/);
      });
    }

    it("names every unknown field", () => {
      const message = rejected({ ...validTrace(), recorded_by: "x", expire_at: "y" }, "recorded_by");
      assert.ok(message.includes("expire_at"), message);
    });

    it("rejects an own __proto__ field", () => {
      rejected(JSON.parse(`{"__proto__": {"status": "error"}, ${JSON.stringify(validTrace()).slice(1)}`), "__proto__");
    });
  });

  describe("usage", () => {
    const entry = (model: string, input_tokens: unknown = 10, output_tokens: unknown = 5) => ({ model, input_tokens, output_tokens });
    const models = (count: number) => Array.from({ length: count }, (_, index) => entry(`model-${index}`));

    it("accepts one entry per model, and is absent unless sent", () => {
      const usage = [entry("gpt-4o", 1200, 340), entry("claude-sonnet-4", 0, 0), entry("m".repeat(LIMITS.modelNameChars), Number.MAX_SAFE_INTEGER, 1)];
      assert.deepEqual(accepted(withField("usage", usage)).usage, usage);
      assert.deepEqual(accepted(withField("usage", [])).usage, []);
      assert.deepEqual(accepted(withField("usage", models(LIMITS.usageModels))).usage, models(LIMITS.usageModels));
      assert.equal("usage" in accepted(validTrace()), false);
    });

    it("rejects negative token counts", () => {
      const message = rejected(withField("usage", [entry("gpt-4o", -1)]), "usage[0].input_tokens");
      assert.match(message, /usage\[0\]\.input_tokens: must be a whole number of tokens >= 0/);
      rejected(withField("usage", [entry("a"), entry("b", 1, -5)]), "usage[1].output_tokens");
    });

    it("rejects token counts that are not safe integers", () => {
      for (const value of [1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, "10", null]) {
        const message = rejected(withField("usage", [entry("gpt-4o", 1, value)]), "usage[0].output_tokens");
        assert.match(message, /whole number of tokens/, `${String(value)}: ${message}`);
      }
    });

    it("rejects a model listed twice, naming the second entry", () => {
      const message = rejected(withField("usage", [entry("gpt-4o"), entry("claude"), entry("gpt-4o")]), "usage[2].model");
      assert.match(message, /usage\[2\]\.model: appears twice/);
    });

    it(`rejects more than ${LIMITS.usageModels} models`, () => {
      const message = rejected(withField("usage", models(LIMITS.usageModels + 1)), "usage");
      assert.match(message, /usage: must list at most 16 models/);
    });

    it(`rejects an empty model name or one over ${LIMITS.modelNameChars} characters`, () => {
      assert.match(rejected(withField("usage", [entry("m".repeat(LIMITS.modelNameChars + 1))]), "usage[0].model"), /at most 128 characters/);
      rejected(withField("usage", [entry("")]), "usage[0].model");
      rejected(withField("usage", [{ input_tokens: 1, output_tokens: 1 }]), "usage[0].model");
    });

    it("rejects an unknown key in an entry, and usage that is not an array of entries", () => {
      assert.match(rejected(withField("usage", [{ ...entry("gpt-4o"), cost_usd: 0.01 }]), "usage[0].cost_usd"), /unknown field/);
      for (const value of [{ "gpt-4o": 3 }, "gpt-4o", null, [["gpt-4o", 1, 2]]]) rejected(withField("usage", value), value === null || !Array.isArray(value) ? "usage" : "usage[0]");
    });
  });

  describe("metadata", () => {
    it("accepts a JSON object within the limits", () => {
      const metadata = { error: "boom", list: [1, "two", { three: [3] }, null], deep: nested(LIMITS.metadataDepth - 1, 1), "a b": "", n: -0.5 };
      assert.deepEqual(accepted(withField("metadata", metadata)).metadata, metadata);
    });

    it("rejects an array directly inside an array, naming the path", () => {
      rejected(withField("metadata", { a: [[1]] }), "metadata.a[0]");
      rejected(withField("metadata", { a: [1, { b: [2, [3]] }] }), "metadata.a[1].b[1]");
    });

    it("rejects empty keys and reserved keys, at any level", () => {
      rejected(withField("metadata", { "": 1 }), 'metadata[""]');
      rejected(withField("metadata", { __name__: 1 }), "metadata.__name__");
      rejected(withField("metadata", { a: { __x__: 1 } }), "metadata.a.__x__");
      rejected(withField("metadata", { a: [{ "": 1 }] }), 'metadata.a[0][""]');
      const { metadata: _metadata, ...rest } = validTrace();
      const parsed: unknown = JSON.parse(`{"metadata": {"__proto__": {"polluted": true}, "kept": 1}, ${JSON.stringify(rest).slice(1)}`);
      rejected(parsed, "metadata.__proto__");
      accepted(withField("metadata", { __x: 1, x__: 2, _: 3, "__": 4 }));
    });

    it(`accepts ${LIMITS.metadataDepth} levels of maps and rejects one more, naming the path`, () => {
      accepted(withField("metadata", nested(LIMITS.metadataDepth - 1, "leaf")));
      accepted(withField("metadata", nested(LIMITS.metadataDepth - 1, {})));
      const message = rejected(withField("metadata", nested(LIMITS.metadataDepth, {})), "metadata.k1.k2.k3.k4.k5.k6.k7.k8");
      assert.match(message, /deeper than 8/);
      accepted(withField("metadata", nested(LIMITS.metadataDepth - 1, [1])));
      rejected(withField("metadata", nested(LIMITS.metadataDepth - 1, [{}])), "metadata.k1.k2.k3.k4.k5.k6.k7[0]");
    });

    it("rejects non-finite numbers", () => {
      rejected(withField("metadata", { x: Number.POSITIVE_INFINITY }), "metadata.x");
      rejected(withField("metadata", { list: [1, Number.NaN] }), "metadata.list[1]");
      rejected(withField("metadata", { a: { b: Number.NEGATIVE_INFINITY } }), "metadata.a.b");
    });

    it("rejects values that are not JSON", () => {
      rejected(withField("metadata", { f: () => 1 }), "metadata.f");
      rejected(withField("metadata", { u: undefined }), "metadata.u");
      rejected(withField("metadata", { b: 1n }), "metadata.b");
      rejected(withField("metadata", { d: new Date(0) }), "metadata.d");
      rejected(withField("metadata", { m: new Map([["a", 1]]) }), "metadata.m");
      rejected(withField("metadata", { c: new (class Config { key = 1 })() }), "metadata.c");
    });

    it("rejects metadata that is not an object", () => {
      for (const value of [[], ["a"], "text", 5, null, new Date(0)]) rejected(withField("metadata", value), "metadata");
    });

    it("quotes keys that are not identifiers", () => {
      rejected(withField("metadata", { "odd key": { "x.y": [[1]] } }), 'metadata["odd key"]["x.y"][0]');
    });
  });

  describe("payloads that are not trace objects", () => {
    for (const [name, value] of [
      ["null", null],
      ["undefined", undefined],
      ["an array", [validTrace()]],
      ["a string", JSON.stringify(validTrace())],
      ["a number", 42],
    ] as const) {
      it(`rejects ${name}`, () => {
        const result = validateTrace(value);
        assert.equal(result.ok, false);
        if (!result.ok) assert.match(result.message, /^Invalid trace: /);
      });
    }

    it("rejects an empty object, naming the required fields", () => {
      for (const field of ["trace_id", "started_at", "status"]) rejected({}, field);
    });
  });

  describe("the rejection message", () => {
    it("lists at most 5 issues and counts the rest", () => {
      const result = validateTrace({ trace_id: 1, started_at: 2, status: 3, iterations: -1, final_output: 4, skill: 5, user_id: true });
      assert.equal(result.ok, false);
      if (result.ok) return;
      assert.equal(result.fields.length, 7);
      assert.match(result.message, /; and 2 more$/);
      assert.equal(result.message.split("; ").length, 6);
    });
  });
});

describe("formatPath", () => {
  it("writes paths as a reader would", () => {
    assert.equal(formatPath([]), "(trace)");
    assert.equal(formatPath(["metadata"]), "metadata");
    assert.equal(formatPath(["metadata", "a", 0]), "metadata.a[0]");
    assert.equal(formatPath(["tool_traces", 2, "input", "api key"]), 'tool_traces[2].input["api key"]');
    assert.equal(formatPath(["metadata", ""]), 'metadata[""]');
    assert.equal(formatPath(["metadata", "__name__"]), "metadata.__name__");
    assert.equal(formatPath(["metadata", "1abc"]), 'metadata["1abc"]');
    assert.equal(formatPath(["metadata", 'quo"te']), 'metadata["quo\\"te"]');
    assert.equal(formatPath([0]), "[0]");
  });
});
