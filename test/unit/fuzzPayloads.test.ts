import { strict as assert } from "node:assert";
import fc from "fast-check";
import { checkAnswer, fuzzCaseArb, type FuzzCase, type FuzzMode } from "../support/fuzzTraces.js";
import { checkProperty, PAYLOADS_IN_PROCESS, PAYLOADS_WIRE, type PropertyDefinition } from "../support/properties.js";

/**
 * The fuzz generator (test/support/fuzzTraces.ts) against the pure code; the property itself is in
 * test/support/properties.ts, shared with `npm run fuzz`.
 */
for (const [mode, property] of [["in-process", PAYLOADS_IN_PROCESS], ["wire", PAYLOADS_WIRE]] as [FuzzMode, PropertyDefinition][]) {
  describe(`fuzzed recordTrace payloads (${mode} mode) against validateTrace and sanitizeTrace`, () => {
    it(property.title, function () {
      this.timeout(120_000);
      const accepted = checkProperty(property).get("accepted") ?? 0;
      assert.ok(accepted > property.unitRuns / 5, `only ${accepted} of ${property.unitRuns} cases were valid`);
    });

    it("covers every kind of bad input the issue lists, and valid edge cases", () => {
      const cases = fc.sample(fuzzCaseArb(mode, 35), { numRuns: 4_000, seed: 42 });
      const labels = new Map<string, number>();
      for (const { labels: caseLabels } of cases) for (const label of caseLabels) labels.set(label, (labels.get(label) ?? 0) + 1);
      const count = (part: string) => [...labels].filter(([label]) => label.includes(part)).reduce((sum, [, n]) => sum + n, 0);
      const kinds = [
        "trace_id: bad id", "trace_id: missing", "user_id", "skill", "started_at: bad date", "ended_at: bad date", "ended_at before started_at",
        "iterations", "tool_traces: wrong value", "tool_traces_dropped", "final_output", "status", "metadata: wrong value",
        "unknown top-level field", "tool: name", "tool: input key", "tool: duration_ms", "tool: timestamp", "tool: unknown field",
        "tool: entry of the wrong type", "array inside an array", "reserved key", "empty key", "nested too deep",
        "huge:", "lone surrogates", "many tool calls", "wide metadata", "deepest allowed metadata", "edge dates", "uppercase trace id",
        "server fields inside metadata", "not an object",
        ...(mode === "wire" ? ["Int64Value 1e400", "Int64Value wrapper that decodes"] : ["NaN", "Infinity", "a Date", "__proto__"]),
      ];
      for (const kind of kinds) assert.ok(count(kind) >= 3, `"${kind}" appears ${count(kind)} times in 4000 cases`);
      const valid = cases.filter((fuzzCase) => fuzzCase.expect.kind === "valid").length;
      assert.ok(valid > 1_000 && valid < 2_000, `${valid} valid cases of 4000`);
    });
  });
}

describe("the fuzz oracle (checkAnswer)", () => {
  const invalid: FuzzCase = { payload: {}, id: "fresh", expect: { kind: "invalid", required: ["iterations"], someOf: ["iterations"] }, labels: [] };
  const valid: FuzzCase = { payload: {}, id: "fresh", expect: { kind: "valid" }, labels: [] };
  const rejection = (code: string, message: string, fields: unknown) => ({ ok: false as const, rejection: { code, message, fields } });

  it("accepts a rejection that names the broken field", () => {
    assert.equal(checkAnswer(invalid, rejection("invalid-argument", "Invalid trace: iterations: too small", ["iterations"])), undefined);
  });

  it("flags every way an answer can be wrong", () => {
    assert.match(checkAnswer(invalid, { ok: true })!, /accepted/);
    assert.match(checkAnswer(invalid, rejection("internal", "INTERNAL", undefined))!, /answered internal/);
    assert.match(checkAnswer(invalid, rejection("invalid-argument", "Bad Request", ["iterations"]))!, /does not start/);
    assert.match(checkAnswer(invalid, rejection("invalid-argument", "Invalid trace: something", []))!, /details.fields/);
    assert.match(checkAnswer(invalid, rejection("invalid-argument", "Invalid trace: status: bad", ["iterations"]))!, /does not name the first/);
    assert.match(checkAnswer(invalid, rejection("invalid-argument", "Invalid trace: status: bad", ["status"]))!, /iterations to be named/);
    assert.match(checkAnswer(valid, rejection("invalid-argument", "Invalid trace: status: bad", ["status"]))!, /valid trace was rejected/);
  });
});
