import { strict as assert } from "node:assert";
import { LIMITS, sanitizeToolTrace, sanitizeTrace, storedSize, stringifyValue, validateTrace, type SanitizedTrace, type TraceInput } from "@agent-traces/core";
import { isSensitiveKey, REDACTED } from "../../packages/core/src/redact.js";
import { redactAndCut } from "../../packages/core/src/sanitizeText.js";
import { storedDocumentSize } from "../../packages/core/src/storedSize.js";
import { traceSchema, type Trace } from "../../packages/core/src/schema.js";
import { TRACES_COLLECTION, toTraceDocument } from "@agent-traces/admin";
import { checkProperty, SANITIZED_TRACES_ARE_BOUNDED, SANITIZING_IS_IDEMPOTENT } from "../support/properties.js";

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const TIMESTAMP = "2025-01-31T12:00:01Z";
const marker = (length: number) => `…[truncated, ${length} chars]`;
/** Built at runtime so that no secret-looking literal sits in the repository. */
const fakeOpenAiKey = (fill: string) => `sk-${fill.repeat(Math.ceil(48 / fill.length)).slice(0, 48)}`;

function trace(overrides: Partial<TraceInput> = {}): Trace {
  return traceSchema.parse({ trace_id: TRACE_ID, started_at: "2025-01-31T12:00:00Z", status: "success", ...overrides });
}

function tool(overrides: Record<string, unknown> = {}) {
  return { name: "search", input: {}, output: "", duration_ms: 1, is_error: false, timestamp: TIMESTAMP, ...overrides };
}

/** The sanitized trace must be sendable: it passes the wire schema unchanged. */
function assertSendable(sanitized: SanitizedTrace): void {
  const result = validateTrace(sanitized);
  if (!result.ok) assert.fail(result.message);
  assert.deepEqual(result.trace, sanitized);
}

function assertIdempotent(input: Trace): SanitizedTrace {
  const once = sanitizeTrace(input);
  assert.deepEqual(sanitizeTrace(once), once, "sanitizing twice changes nothing");
  const received = validateTrace(JSON.parse(JSON.stringify(once)));
  if (!received.ok) assert.fail(received.message);
  assert.deepEqual(sanitizeTrace(received.trace), once, "the server's pass over the wire copy changes nothing");
  return once;
}

/** The largest usage the schema accepts: every model, each name at its limit in 3-byte characters, every count at its maximum. */
function fullUsage() {
  return Array.from({ length: LIMITS.usageModels }, (_, index) => ({
    model: `${"€".repeat(LIMITS.modelNameChars - 3)}${String(index).padStart(3, "0")}`,
    input_tokens: Number.MAX_SAFE_INTEGER,
    output_tokens: Number.MAX_SAFE_INTEGER,
  }));
}

describe("sanitizeTrace", () => {
  describe("the reference design's limits (marker included)", () => {
    it("cuts each tool input value, stringified, to 100 chars", () => {
      const long = "v".repeat(250);
      const sanitized = sanitizeToolTrace(trace({ tool_traces: [tool({ input: { query: long, list: Array.from({ length: 60 }, (_, i) => i) } })] }).tool_traces[0]!);
      assert.equal(sanitized.input.query!.length, LIMITS.toolInputValueChars);
      assert.equal(sanitized.input.query, long.slice(0, 100 - marker(250).length) + marker(250));
      const listText = JSON.stringify(Array.from({ length: 60 }, (_, i) => i));
      assert.equal(sanitized.input.list, listText.slice(0, 100 - marker(listText.length).length) + marker(listText.length));
    });

    it("stringifies input values of every type", () => {
      const sanitized = sanitizeTrace(trace({ tool_traces: [tool({ input: { n: 5, b: true, z: null, s: "text", a: [1, "x"], o: { k: "v" }, big: 10n, u: undefined } })] }));
      assert.deepEqual(sanitized.tool_traces[0]!.input, { n: "5", b: "true", z: "null", s: "text", a: '[1,"x"]', o: '{"k":"v"}', big: "10", u: "" });
    });

    it("cuts tool output to 500 chars", () => {
      const sanitized = sanitizeTrace(trace({ tool_traces: [tool({ output: "o".repeat(501) }), tool({ output: "o".repeat(500) })] }));
      assert.equal(sanitized.tool_traces[0]!.output.length, LIMITS.toolOutputChars);
      assert.ok(sanitized.tool_traces[0]!.output.endsWith(marker(501)));
      assert.equal(sanitized.tool_traces[1]!.output, "o".repeat(500));
    });

    it("cuts final_output to 1000 chars", () => {
      const sanitized = sanitizeTrace(trace({ final_output: "f".repeat(1001) }));
      assert.equal(sanitized.final_output.length, LIMITS.finalOutputChars);
      assert.equal(sanitized.final_output, "f".repeat(1000 - marker(1001).length) + marker(1001));
      assert.equal(sanitizeTrace(trace({ final_output: "f".repeat(1000) })).final_output, "f".repeat(1000));
    });

    it("marks huge text with its full length, though only its start is scanned", () => {
      const sanitized = sanitizeTrace(trace({ final_output: "h".repeat(3_000_000) }));
      assert.equal(sanitized.final_output.length, 1000);
      assert.ok(sanitized.final_output.endsWith(marker(3_000_000)));
    });

    it("marks cut text with its length as received, before redaction shortened it", () => {
      const key = fakeOpenAiKey("Rt5Yh1");
      const text = `${key} ${"f".repeat(1500)}`;
      const output = sanitizeTrace(trace({ final_output: text })).final_output;
      assert.ok(output.startsWith(`${REDACTED} fff`), output.slice(0, 30));
      assert.ok(output.endsWith(marker(text.length)), output.slice(-40));
      assert.equal(output.length, 1000);
    });

    it("does not mark text that fits once redacted", () => {
      const key = fakeOpenAiKey("Pl0Ok9");
      const text = `${key} ${"f".repeat(980)}`;
      assert.ok(text.length > 1000);
      assert.equal(sanitizeTrace(trace({ final_output: text })).final_output, `${REDACTED} ${"f".repeat(980)}`);
    });

    it("cuts metadata.error to 200 chars and other metadata strings to 500", () => {
      const sanitized = sanitizeTrace(trace({ metadata: { error: "e".repeat(1000), note: "n".repeat(1000), nested: { list: ["l".repeat(501)] } } }));
      const metadata = sanitized.metadata as { error: string; note: string; nested: { list: string[] } };
      assert.equal(metadata.error.length, LIMITS.errorMessageChars);
      assert.ok(metadata.error.endsWith(marker(1000)));
      assert.equal(metadata.note.length, LIMITS.metadataStringChars);
      assert.ok(metadata.note.endsWith(marker(1000)));
      assert.equal(metadata.nested.list[0]!.length, 500);
      assert.ok(metadata.nested.list[0]!.endsWith(marker(501)));
    });

    it("cuts tool names and skill to 128 chars", () => {
      const sanitized = sanitizeTrace(trace({ skill: "s".repeat(300), tool_traces: [tool({ name: "t".repeat(300) })] }));
      assert.equal(sanitized.skill!.length, LIMITS.skillChars);
      assert.equal(sanitized.tool_traces[0]!.name.length, LIMITS.toolNameChars);
    });

    it(`keeps the first ${LIMITS.toolInputKeys} input keys and cuts keys to ${LIMITS.keyChars} chars`, () => {
      const input = Object.fromEntries(Array.from({ length: 50 }, (_, index) => [`key_${String(index).padStart(2, "0")}_${"k".repeat(200)}`, index]));
      const sanitized = sanitizeTrace(trace({ tool_traces: [tool({ input })] })).tool_traces[0]!;
      const keys = Object.keys(sanitized.input);
      assert.equal(keys.length, LIMITS.toolInputKeys);
      for (const [index, key] of keys.entries()) {
        assert.equal(key.length, LIMITS.keyChars);
        assert.ok(key.startsWith(`key_${String(index).padStart(2, "0")}_`));
        assert.equal(sanitized.input[key], String(index));
      }
    });
  });

  describe("redaction", () => {
    it("replaces values under sensitive input keys, whatever their type", () => {
      const sanitized = sanitizeTrace(trace({ tool_traces: [tool({ input: { password: "hunter2", "API-Key": { a: 1 }, token: 42, query: "weather" } })] }));
      assert.deepEqual(sanitized.tool_traces[0]!.input, { password: REDACTED, "API-Key": REDACTED, token: REDACTED, query: "weather" });
    });

    it("redacts nested sensitive keys before stringifying an object input", () => {
      const input = { request: { url: "https://api.example.com/v1", headers: { Authorization: "opaque-credential-1", accept: "json" }, body: [{ client_secret: "opaque-2" }] } };
      const sanitized = sanitizeTrace(trace({ tool_traces: [tool({ input })] }));
      const text = sanitized.tool_traces[0]!.input.request!;
      assert.ok(!text.includes("opaque"), text);
      const json = '{"url":"https://api.example.com/v1","headers":{"Authorization":"[REDACTED]","accept":"json"},"body":[{"client_secret":"[REDACTED]"}]}';
      assert.equal(text, json.slice(0, 100 - marker(json.length).length) + marker(json.length));
    });

    it("redacts secret-shaped text in input values, output, final_output and metadata", () => {
      const key = fakeOpenAiKey("Fx7Kq2");
      const sanitized = sanitizeTrace(
        trace({
          tool_traces: [tool({ input: { note: `use ${key}` }, output: `got ${key}` })],
          final_output: `done with ${key}`,
          metadata: { error: `failed for ${key}`, deep: { list: [`k=${key}`] }, Authorization: "x" },
        }),
      );
      assert.ok(!JSON.stringify(sanitized).includes(key.slice(3, 20)), JSON.stringify(sanitized));
      assert.equal(sanitized.final_output, `done with ${REDACTED}`);
      assert.equal((sanitized.metadata as { Authorization: string }).Authorization, REDACTED);
    });

    it("redacts before cutting: a secret straddling the cut of final_output leaves nothing recognisable", () => {
      const key = fakeOpenAiKey("Zq8Wm3");
      const body = key.slice(3);
      for (let start = 940; start <= 1000; start += 3) {
        const text = `${"x".repeat(start - 1)} ${key} and the run continued for a while`;
        const output = sanitizeTrace(trace({ final_output: text })).final_output;
        assert.ok(output.length <= 1000);
        for (let index = 0; index + 6 <= body.length; index++) {
          assert.ok(!output.includes(body.slice(index, index + 6)), `start ${start}: ${output.slice(960)}`);
        }
        assert.ok(!output.includes("sk-Zq"), `start ${start}: ${output.slice(960)}`);
      }
    });

    it("redacts a password value straddling the cut of a tool input value", () => {
      for (let start = 60; start <= 100; start += 2) {
        const text = `${"y".repeat(start)} password=Corr3ctHorseBatteryStaple rest`;
        const value = sanitizeTrace(trace({ tool_traces: [tool({ input: { command: text } })] })).tool_traces[0]!.input.command!;
        for (const piece of ["Corr3ct", "HorseBatt", "Staple"]) assert.ok(!value.includes(piece), `start ${start}: ${value}`);
      }
    });

    it("redacts a private key that starts before the cut and is longer than the scanned margin", () => {
      const pem = `-----BEGIN RSA PRIVATE KEY-----\n${"MIIEpAIBAAKCAQEAfakeFAKEfake0123456789+/\n".repeat(200)}-----END RSA PRIVATE KEY-----`;
      const output = sanitizeTrace(trace({ final_output: `${"z".repeat(900)}${pem}` })).final_output;
      assert.ok(!output.includes("MIIEpAIBAAKCAQEA"), output.slice(880));
      assert.ok(output.includes(REDACTED));
    });

    it("does not modify its input", () => {
      const input = trace({
        final_output: "f".repeat(2000),
        tool_traces: [tool({ input: { password: "x", nested: { token: "y" } }, output: "o".repeat(600) })],
        metadata: { error: "e".repeat(300), password: "p" },
      });
      const copy = structuredClone(input);
      sanitizeTrace(input);
      assert.deepEqual(input, copy);
    });
  });

  describe("bounding tool traces", () => {
    const isErrorAt = (index: number) => index % 7 === 3;
    const many = Array.from({ length: 150 }, (_, index) => tool({ name: `tool_${index}`, is_error: isErrorAt(index), input: { i: index } }));

    it(`keeps at most ${LIMITS.maxToolTraces}, failed ones first, in their original order, and counts the rest`, () => {
      const sanitized = sanitizeTrace(trace({ tool_traces: many, tool_traces_dropped: 3 }));
      const kept = sanitized.tool_traces.map((item) => Number(item.name.slice(5)));
      assert.equal(kept.length, LIMITS.maxToolTraces);
      const errors = Array.from({ length: 150 }, (_, index) => index).filter(isErrorAt);
      const successes = Array.from({ length: 150 }, (_, index) => index).filter((index) => !isErrorAt(index));
      const expected = [...errors, ...successes.slice(0, LIMITS.maxToolTraces - errors.length)].sort((a, b) => a - b);
      assert.deepEqual(kept, expected);
      assert.equal(sanitized.tool_traces_dropped, 3 + 150 - LIMITS.maxToolTraces);
    });

    it("keeps all failed calls when they alone exceed the maximum", () => {
      const tools = Array.from({ length: 130 }, (_, index) => tool({ name: `tool_${index}`, is_error: index >= 20 }));
      const sanitized = sanitizeTrace(trace({ tool_traces: tools }));
      assert.deepEqual(
        sanitized.tool_traces.map((item) => item.name),
        Array.from({ length: 100 }, (_, index) => `tool_${index + 20}`),
      );
      assert.ok(sanitized.tool_traces.every((item) => item.is_error));
      assert.equal(sanitized.tool_traces_dropped, 30);
    });

    it(`keeps big tool traces within ${LIMITS.toolTracesBytes} bytes, failed ones first`, () => {
      const big = (index: number, is_error: boolean) =>
        tool({ name: `big_${index}`, is_error, output: "€".repeat(5000), input: Object.fromEntries(Array.from({ length: 32 }, (_, key) => [`${"€".repeat(120)}${key}`, "😀".repeat(200)])) });
      const tools = Array.from({ length: 20 }, (_, index) => big(index, index === 17 || index === 19));
      const sanitized = sanitizeTrace(trace({ tool_traces: tools }));
      assert.ok(storedSize(sanitized.tool_traces) <= LIMITS.toolTracesBytes);
      assert.ok(sanitized.tool_traces.length >= 2);
      const names = sanitized.tool_traces.map((item) => item.name);
      assert.ok(names.includes("big_17") && names.includes("big_19"), names.join());
      assert.deepEqual(names, [...names].sort((a, b) => Number(a.slice(4)) - Number(b.slice(4))));
      assert.equal(sanitized.tool_traces_dropped, 20 - sanitized.tool_traces.length);
    });

    it("is idempotent with dropped tool traces", () => {
      const once = assertIdempotent(trace({ tool_traces: many, tool_traces_dropped: 3 }));
      assert.equal(once.tool_traces_dropped, 53);
    });
  });

  describe("keeping the shape of runs over the byte budget", () => {
    const KEPT_FIELDS = ["name", "duration_ms", "is_error", "timestamp"] as const;
    /** 300 calls with ~2 KB of input and ~2 KB of output each, 20 of them failing. */
    const isFailingAt = (index: number) => index % 15 === 7;
    const large = Array.from({ length: 300 }, (_, index) =>
      tool({
        name: `tool_${index}`,
        input: { query: `${index} ${"q".repeat(1000)}`, path: `/files/${index}/${"p".repeat(1000)}` },
        output: `${index}: ${"o".repeat(2000)}`,
        duration_ms: index * 3,
        is_error: isFailingAt(index),
        timestamp: new Date(Date.parse(TIMESTAMP) + index * 1000).toISOString(),
      }),
    );
    const indexOf = (item: { name: string }) => Number(item.name.slice(5));

    it(`keeps ${LIMITS.maxToolTraces} calls, every failed one, their timings and flags, shortening successful calls first`, () => {
      const input = trace({ tool_traces: large, tool_traces_dropped: 3, tool_traces_shortened: 2, status: "error" });
      const sanitized = sanitizeTrace(input);
      const failing = large.map((_, index) => index).filter(isFailingAt);
      assert.equal(failing.length, 20);
      const expected = [...failing, ...large.map((_, index) => index).filter((index) => !isFailingAt(index)).slice(0, LIMITS.maxToolTraces - 20)].sort((a, b) => a - b);
      assert.deepEqual(sanitized.tool_traces.map(indexOf), expected);
      for (const item of sanitized.tool_traces) {
        const original = input.tool_traces[indexOf(item)]!;
        for (const field of KEPT_FIELDS) assert.equal(item[field], original[field], `${item.name}.${field}`);
        assert.deepEqual(Object.keys(item.input), ["query", "path"]);
        if (item.is_error) {
          // Failed calls keep their per-field limits: the successful ones' cuts were enough.
          assert.equal(item.output, sanitizeToolTrace(original).output);
          assert.deepEqual(item.input, sanitizeToolTrace(original).input);
        } else {
          assert.ok(item.output.length < LIMITS.toolOutputChars, item.output);
          assert.ok(item.output.startsWith(`${indexOf(item)}: o`) && item.output.endsWith(marker(original.output.length)), item.output);
        }
      }
      assert.equal(sanitized.tool_traces_shortened, 2 + LIMITS.maxToolTraces - 20);
      assert.equal(sanitized.tool_traces_dropped, 3 + 300 - LIMITS.maxToolTraces);
      assert.ok(storedSize(sanitized.tool_traces) <= LIMITS.toolTracesBytes, `${storedSize(sanitized.tool_traces)} bytes`);
      const document = toTraceDocument(sanitized, { recordedBy: "uid", receivedAt: new Date(), ttlDays: 7, sampleRate: 1 });
      const size = storedDocumentSize(`${TRACES_COLLECTION}/${document.trace_id}`, document);
      assert.ok(size <= LIMITS.storedDocumentBytes, `${size} bytes`);
      assert.equal(document.tool_traces_shortened, 2 + LIMITS.maxToolTraces - 20);
    });

    it("is idempotent when it shortens calls, and the counts add up over both passes", () => {
      const once = assertIdempotent(trace({ tool_traces: large, tool_traces_shortened: 5 }));
      assert.equal(once.tool_traces_shortened, 5 + LIMITS.maxToolTraces - 20);
      assertSendable(once);
    });

    it("shortens failed calls too, last, once successful calls are cut to their markers", () => {
      const tools = Array.from({ length: LIMITS.maxToolTraces }, (_, index) => tool({ name: `tool_${index}`, output: "o".repeat(2000), input: { q: "q".repeat(300) }, is_error: index >= 10 }));
      const sanitized = assertIdempotent(trace({ tool_traces: tools }));
      assert.equal(sanitized.tool_traces.length, LIMITS.maxToolTraces);
      for (const item of sanitized.tool_traces.slice(0, 10)) assert.deepEqual([item.output, item.input.q], [marker(2000), marker(300)]);
      const failedOutputs = new Set(sanitized.tool_traces.slice(10).map((item) => item.output.length));
      assert.equal(failedOutputs.size, 1, "failed calls are cut to one length");
      const [length] = failedOutputs;
      assert.ok(length! > marker(2000).length && length! < LIMITS.toolOutputChars, `${length}`);
      assert.equal(sanitized.tool_traces_shortened, LIMITS.maxToolTraces);
      assert.equal(sanitized.tool_traces_dropped, 0);
      assert.ok(storedSize(sanitized.tool_traces) <= LIMITS.toolTracesBytes);
    });

    it("drops whole calls, failed ones kept first, only when their names and keys alone do not fit", () => {
      const keys = (index: number) => Object.fromEntries(Array.from({ length: LIMITS.toolInputKeys }, (_, key) => [`${key}_${"€".repeat(120)}`, `${index}`.repeat(300)]));
      const tools = Array.from({ length: LIMITS.maxToolTraces }, (_, index) => tool({ name: `tool_${index}`, input: keys(index), output: "o".repeat(2000), is_error: index === 50 || index === 60 }));
      const skeleton = storedSize(sanitizeToolTrace(traceSchema.parse({ trace_id: TRACE_ID, started_at: TIMESTAMP, status: "error", tool_traces: [tool({ name: "tool_00", input: Object.fromEntries(Object.keys(keys(0)).map((key) => [key, marker(300)])), output: marker(2000) })] }).tool_traces[0]!));
      const fitting = Math.floor(LIMITS.toolTracesBytes / skeleton);
      assert.ok(fitting >= 2 && fitting < 10, `${fitting} skeletons fit`);
      const sanitized = assertIdempotent(trace({ tool_traces: tools, tool_traces_dropped: 1 }));
      const kept = sanitized.tool_traces.map(indexOf);
      assert.deepEqual(kept, [...Array.from({ length: fitting - 2 }, (_, index) => index), 50, 60]);
      assert.equal(sanitized.tool_traces_dropped, 1 + LIMITS.maxToolTraces - fitting);
      assert.ok(storedSize(sanitized.tool_traces) <= LIMITS.toolTracesBytes);
      for (const item of sanitized.tool_traces) assert.equal(Object.keys(item.input).length, LIMITS.toolInputKeys);
    });

    it("leaves a trace within the budget as it is, counting nothing shortened", () => {
      const tools = [tool({ name: "a", input: { q: "x".repeat(250) }, output: "o".repeat(600) }), tool({ name: "b", is_error: true, output: "failed" })];
      const sanitized = sanitizeTrace(trace({ tool_traces: tools }));
      assert.deepEqual(sanitized.tool_traces, trace({ tool_traces: tools }).tool_traces.map(sanitizeToolTrace));
      assert.equal(sanitized.tool_traces_shortened, 0);
      assert.equal(sanitizeTrace(trace({ tool_traces: tools, tool_traces_shortened: 4 })).tool_traces_shortened, 4);
    });

    it("shows no more of a secret when it shortens than the per-field cut does, and stays idempotent", () => {
      const key = fakeOpenAiKey("Vb4Nm7");
      const texts = [`&sig=${"s1".repeat(20)} done ${"o".repeat(600)}`, `password=Corr3ctHorseBatteryStaple ${"o".repeat(600)}`, `ok ${key} ${"o".repeat(600)}`];
      const tools = Array.from({ length: LIMITS.maxToolTraces }, (_, index) => tool({ name: `tool_${index}`, output: texts[index % 3]!, input: { q: texts[(index + 1) % 3]! } }));
      const sanitized = assertIdempotent(trace({ tool_traces: tools }));
      assert.ok(sanitized.tool_traces_shortened > 0);
      const stored = JSON.stringify(sanitized.tool_traces);
      for (const piece of ["s1s1", "Corr3ct", "Horse", key.slice(3, 12)]) assert.ok(!stored.includes(piece), piece);
    });

    it("bounds its work on 100,000 large calls", function () {
      this.timeout(2_000);
      const [query, output] = ["q".repeat(500), "o".repeat(5000)];
      // Valid as built: parsing 100,000 calls would take longer than sanitizing them.
      const tools = Array.from({ length: 100_000 }, (_, index) => ({ ...tool({ name: `tool_${index}`, input: { q: query }, output }), is_error: index % 2 === 0 }));
      const sanitized = sanitizeTrace({ ...trace(), tool_traces: tools });
      assert.equal(sanitized.tool_traces.length, LIMITS.maxToolTraces);
      assert.ok(sanitized.tool_traces.every((item) => item.is_error));
      assert.equal(sanitized.tool_traces_dropped, 100_000 - LIMITS.maxToolTraces);
    });
  });

  describe("bounding metadata", () => {
    it(`keeps top-level keys while they fit ${LIMITS.metadataBytes} bytes, error first, counting the dropped ones`, () => {
      const metadata: Record<string, unknown> = {};
      for (let index = 0; index < 100; index++) metadata[`key_${index}`] = "m".repeat(400);
      metadata.error = "the run failed: " + "e".repeat(400);
      const sanitized = sanitizeTrace(trace({ metadata })).metadata;
      assert.ok(storedSize(sanitized) <= LIMITS.metadataBytes, `${storedSize(sanitized)} bytes`);
      const keys = Object.keys(sanitized);
      assert.equal(keys[0], "error");
      assert.ok((sanitized.error as string).startsWith("the run failed: "));
      const kept = keys.filter((key) => key.startsWith("key_"));
      assert.deepEqual(kept, Array.from({ length: kept.length }, (_, index) => `key_${index}`), "kept in order");
      assert.equal(sanitized._dropped_keys, 100 - kept.length);
      assert.ok(kept.length > 10);
    });

    it("adds to an incoming _dropped_keys and omits it when nothing was dropped", () => {
      assert.deepEqual(sanitizeTrace(trace({ metadata: { a: 1 } })).metadata, { a: 1 });
      assert.deepEqual(sanitizeTrace(trace({ metadata: { a: 1, _dropped_keys: 4 } })).metadata, { a: 1, _dropped_keys: 4 });
      const metadata: Record<string, unknown> = { _dropped_keys: 5 };
      for (let index = 0; index < 50; index++) metadata[`k${index}`] = "€".repeat(500);
      const sanitized = sanitizeTrace(trace({ metadata })).metadata;
      const kept = Object.keys(sanitized).filter((key) => key !== "_dropped_keys").length;
      assert.equal(sanitized._dropped_keys, 5 + 50 - kept);
    });

    it("drops a single key too big to fit but keeps smaller ones after it", () => {
      const huge = Object.fromEntries(Array.from({ length: 40 }, (_, index) => [`f${index}`, "x".repeat(400)]));
      const sanitized = sanitizeTrace(trace({ metadata: { small: 1, huge, after: "ok" } })).metadata;
      assert.deepEqual(sanitized, { small: 1, after: "ok", _dropped_keys: 1 });
    });
  });

  describe("token usage", () => {
    const entry = (model: string, input_tokens = 10, output_tokens = 5) => ({ model, input_tokens, output_tokens });

    it("passes usage through as validated, a copy", () => {
      const input = trace({ usage: [entry("gpt-4o", 1200, 340), entry("€".repeat(LIMITS.modelNameChars), 0, 0)] });
      const sanitized = assertIdempotent(input);
      assert.deepEqual(sanitized.usage, input.usage);
      assert.notEqual(sanitized.usage![0], input.usage![0]);
      assertSendable(sanitized);
    });

    it("leaves usage out when there is none: absent and [] alike", () => {
      assert.equal("usage" in sanitizeTrace(trace()), false);
      assert.equal("usage" in sanitizeTrace(trace({ usage: [] })), false);
      assert.equal("usage" in assertIdempotent(trace({ usage: [] })), false);
    });

    it("makes model names well-formed, merging entries that then name the same model", () => {
      const sanitized = assertIdempotent(trace({ usage: [entry("bad\uD800", 1, 2), entry("bad\uDC00", 10, 20), entry("ok", 3, 4)] }));
      assert.deepEqual(sanitized.usage, [entry("bad\uFFFD", 11, 22), entry("ok", 3, 4)]);
      assertSendable(sanitized);
    });

    it("counts in the stored size, and a full usage keeps the document within its bound", () => {
      const without = sanitizeTrace(trace());
      const full = sanitizeTrace(trace({ usage: fullUsage() }));
      assert.ok(storedSize(full) - storedSize(without) > 6_000, `usage adds ${storedSize(full) - storedSize(without)} bytes`);
    });
  });

  describe("adversarial traces", () => {
    function adversarial(): Trace {
      const keyOf = (index: number) => `${"😀".repeat(40)}${"€".repeat(40)}${String(index).padStart(8, "k")}`;
      const deep = (depth: number): unknown => (depth === 0 ? "€".repeat(2000) : { [keyOf(depth)]: deep(depth - 1), list: ["😀".repeat(1000), { a: "€".repeat(900) }] });
      const metadata: Record<string, unknown> = {};
      // deep(n) nests n maps and, in the innermost, an array holding a map: n + 2 levels below the key.
      for (let index = 0; index < 400; index++) metadata[keyOf(index)] = index % 3 === 0 ? deep(LIMITS.metadataDepth - 3) : "😀€".repeat(700);
      metadata.error = "😀".repeat(5000);
      return trace({
        user_id: "😀".repeat(LIMITS.userIdChars / 2),
        skill: "€".repeat(5000),
        // The longest session id in bytes: 256 three-byte characters.
        session_id: "€".repeat(LIMITS.sessionIdChars),
        final_output: "😀".repeat(200_000),
        status: "error",
        iterations: LIMITS.maxIterations,
        tool_traces: Array.from({ length: LIMITS.maxToolTraces * 5 }, (_, index) =>
          tool({
            name: "€".repeat(1000) + index,
            is_error: index % 2 === 0,
            output: "😀".repeat(2000),
            duration_ms: LIMITS.maxDurationMs,
            input: Object.fromEntries(Array.from({ length: 40 }, (_, key) => [keyOf(key), key % 2 ? "😀".repeat(300) : { nested: "€".repeat(300) }])),
          }),
        ),
        tool_traces_dropped: 1_000_000,
        metadata,
        usage: fullUsage(),
      });
    }

    it(`stays under ${LIMITS.storedDocumentBytes} - 4096 bytes, sendable and idempotent`, function () {
      this.timeout(10_000);
      const input = adversarial();
      const sanitized = assertIdempotent(input);
      assertSendable(sanitized);
      const size = storedSize(sanitized);
      assert.ok(size <= LIMITS.storedDocumentBytes - 4096, `${size} bytes`);
      assert.ok(storedSize(sanitized.metadata) <= LIMITS.metadataBytes);
      assert.ok(storedSize(sanitized.tool_traces) <= LIMITS.toolTracesBytes);
      assert.equal(Object.keys(sanitized.metadata)[0], "error");
      assert.equal((sanitized.metadata.error as string).length <= LIMITS.errorMessageChars, true);
      assert.ok((sanitized.metadata._dropped_keys as number) > 0);
      assert.ok(sanitized.tool_traces.length > 0 && sanitized.tool_traces.every((item) => item.is_error));
      assert.equal(sanitized.tool_traces_dropped, 1_000_000 + input.tool_traces.length - sanitized.tool_traces.length);
      for (const item of sanitized.tool_traces) {
        assert.ok(item.name.length <= LIMITS.toolNameChars);
        assert.ok(item.output.length <= LIMITS.toolOutputChars);
        assert.ok(Object.keys(item.input).length <= LIMITS.toolInputKeys);
        for (const [key, value] of Object.entries(item.input)) {
          assert.ok(key.length <= LIMITS.keyChars);
          assert.ok(value.length <= LIMITS.toolInputValueChars);
          assert.ok(value.isWellFormed());
        }
      }
      assert.ok(sanitized.final_output.length <= LIMITS.finalOutputChars && sanitized.final_output.isWellFormed());
      assert.deepEqual(sanitized.usage, fullUsage(), "the largest usage is kept whole");
      assert.equal(sanitized.session_id, "€".repeat(LIMITS.sessionIdChars), "the session id is kept whole");
    });

    it("stays under the budget with the maximum of small-but-full tool traces", () => {
      const tools = Array.from({ length: LIMITS.maxToolTraces }, (_, index) =>
        tool({ name: `t${index}`, output: "😀".repeat(300), input: { q: "€".repeat(100) }, is_error: index % 2 === 1 }),
      );
      const sanitized = assertIdempotent(trace({ tool_traces: tools, final_output: "€".repeat(2000), metadata: { error: "€".repeat(300) } }));
      assertSendable(sanitized);
      assert.ok(storedSize(sanitized) <= LIMITS.storedDocumentBytes - 4096, `${storedSize(sanitized)} bytes`);
    });
  });

  describe("session_id", () => {
    it("keeps a session id as sent, well-formed, and leaves the field out when the run names none (absent or null)", () => {
      assert.equal(assertIdempotent(trace({ session_id: "chat-7" })).session_id, "chat-7");
      assert.equal(assertIdempotent(trace({ session_id: "s".repeat(LIMITS.sessionIdChars) })).session_id, "s".repeat(LIMITS.sessionIdChars));
      const lone = assertIdempotent(trace({ session_id: "chat\ud800-7" }));
      assert.equal(lone.session_id, "chat\ufffd-7");
      assertSendable(lone);
      for (const none of [trace({}), trace({ session_id: null })]) {
        const sanitized = assertIdempotent(none);
        assert.equal("session_id" in sanitized, false);
        assertSendable(sanitized);
      }
    });

    it("is not redacted: an id is no text a secret hides in, and the runs of a session must keep one id", () => {
      const id = `session ${fakeOpenAiKey("a")}`.slice(0, LIMITS.sessionIdChars);
      assert.equal(sanitizeTrace(trace({ session_id: id })).session_id, id);
    });
  });

  describe("idempotence, where it once failed", () => {
    /** Text of 300 chars whose cut to `limit` ends exactly after `secret` (the text goes on with `tail`). */
    function endingAtCut(secret: string, tail: string, limit: number): string {
      const head = `${"w".repeat(limit - marker(300).length - secret.length - 1)} `;
      return `${head}${secret}${tail}`.padEnd(300, " more");
    }

    it("redacts a key that runs on past the cut, so the cut does not make its start match alone", () => {
      const googleKey = `AIza${"b1C2d3E4f5".repeat(4).slice(0, 35)}`;
      const awsKeyId = `AKIA${"ABCDEFGHIJKLMNOP"}`;
      for (const [secret, tail] of [[googleKey, "ZZZZZ words"], [awsKeyId, "QRSTU words"]] as const) {
        const text = endingAtCut(secret, tail, LIMITS.toolInputValueChars);
        const once = redactAndCut(text, LIMITS.toolInputValueChars);
        assert.equal(redactAndCut(once, LIMITS.toolInputValueChars), once);
        assert.ok(!once.includes(secret.slice(0, 10)) && once.includes(REDACTED), once);
        assertIdempotent(trace({ tool_traces: [tool({ input: { command: text } })] }));
      }
    });

    it("withholds the value of a key that names a secret only once cut, or only before", () => {
      const kept = LIMITS.keyChars - marker(170).length;
      // As received neither names a secret; cut, "…secre…[truncated" reads "secretruncated", and "my_token…" loses "_tokens".
      const cutIntoSecret = `${"k".repeat(kept - 5)}secre${"y".repeat(170 - kept)}`;
      const cutOffCount = `my_token${"k".repeat(155)}_tokens`;
      for (const key of [cutIntoSecret, cutOffCount]) {
        assert.equal(key.length, 170);
        assert.equal(isSensitiveKey(key), false, key);
        assert.equal(isSensitiveKey(key.slice(0, kept) + marker(170)), true, key);
      }
      const input = { [cutIntoSecret]: "plain value", [cutOffCount]: "plain value" };
      const once = assertIdempotent(trace({ tool_traces: [tool({ input })], metadata: { ...input, nested: [input] } }));
      assert.deepEqual(Object.values(once.tool_traces[0]!.input), [REDACTED, REDACTED]);
      assert.deepEqual(Object.values(once.metadata).flatMap((value) => (Array.isArray(value) ? Object.values(value[0] as object) : [value])), [REDACTED, REDACTED, REDACTED, REDACTED]);
    });
  });

  describe("properties", () => {
    it(SANITIZING_IS_IDEMPOTENT.title, function () {
      this.timeout(15_000);
      const counts = checkProperty(SANITIZING_IS_IDEMPOTENT);
      for (const kind of ["redacted", "cut"]) assert.ok((counts.get(kind) ?? 0) > SANITIZING_IS_IDEMPOTENT.unitRuns / 10, `${counts.get(kind) ?? 0} runs ${kind}`);
      for (const kind of ["with tool calls shortened", "with tool calls dropped"]) assert.ok((counts.get(kind) ?? 0) > 0, `no run ${kind}`);
    });

    it(SANITIZED_TRACES_ARE_BOUNDED.title, function () {
      this.timeout(15_000);
      checkProperty(SANITIZED_TRACES_ARE_BOUNDED);
    });

    it("is idempotent wherever the cut lands around a redacted value", () => {
      const secrets = ["password=hunter2secret", '"api_key": "opaque value with spaces"', "https://x.example/f?sig=abcdefgh1234&x=1", `Bearer ${"b1".repeat(20)}`];
      for (const limit of [100, 500, 1000]) {
        for (const secret of secrets) {
          for (let pad = limit - 60; pad <= limit; pad++) {
            const text = `${"x".repeat(pad)} ${secret} and more text ${"y".repeat(50)}`;
            const once = redactAndCut(text, limit);
            assert.ok(once.length <= limit);
            assert.equal(redactAndCut(once, limit), once, `limit ${limit}, pad ${pad}: ${once.slice(-60)}`);
          }
        }
      }
    });
  });
});

describe("stringifyValue", () => {
  it("keeps strings, stringifies JSON values and never throws", () => {
    assert.equal(stringifyValue("text"), "text");
    assert.equal(stringifyValue(undefined), "");
    assert.equal(stringifyValue(5), "5");
    assert.equal(stringifyValue(null), "null");
    assert.equal(stringifyValue({ a: [1, { b: true }] }), '{"a":[1,{"b":true}]}');
    assert.equal(stringifyValue(12n), "12");
    assert.equal(stringifyValue(() => 1), "[function]");
    assert.equal(stringifyValue(Symbol("x")), "[symbol]");
    assert.equal(stringifyValue({ n: 12n, f() {}, s: Symbol("x") }), '{"n":"12","f":"[function]","s":"[symbol]"}');
    assert.equal(stringifyValue(new Error("boom")), "Error: boom");
    assert.equal(stringifyValue({ e: new TypeError("bad") }), '{"e":"TypeError: bad"}');
    assert.equal(stringifyValue({ toJSON: () => { throw new Error("no"); } }), "[object Object]");
  });

  it("marks cycles but writes shared (non-circular) values in full", () => {
    const shared = { city: "Paris" };
    const cyclic: Record<string, unknown> = { name: "loop", list: [shared, shared] };
    cyclic.self = cyclic;
    (cyclic.list as unknown[]).push(cyclic);
    assert.equal(stringifyValue({ a: shared, b: shared }), '{"a":{"city":"Paris"},"b":{"city":"Paris"}}');
    assert.equal(stringifyValue(cyclic), '{"name":"loop","list":[{"city":"Paris"},{"city":"Paris"},"[Circular]"],"self":"[Circular]"}');
  });
});
