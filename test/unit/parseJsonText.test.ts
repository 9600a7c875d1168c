import { strict as assert } from "node:assert";
import { parseJsonText } from "@agent-traces/core";
import { toolInputFrom } from "@agent-traces/tracer";

describe("JSON or plain text (framework span attributes)", () => {
  it("parses what is one JSON value and leaves any other text as it is", () => {
    assert.deepEqual(parseJsonText('{"a":[1,"x"]}'), { a: [1, "x"] });
    assert.deepEqual(parseJsonText(' ["LH1234"] '), ["LH1234"]);
    assert.equal(parseJsonText('"sunny"'), "sunny");
    assert.equal(parseJsonText("-12.5e3"), -12500);
    assert.equal(parseJsonText("true"), true);
    assert.equal(parseJsonText("null"), null);
    for (const text of ["3 results: a, b", "sunny in Paris", "{not json}", "[1, 2", "", "true story", "12 monkeys"]) assert.equal(parseJsonText(text), text, text);
  });

  it("turns a tool's arguments into a tool input", () => {
    assert.deepEqual(toolInputFrom('{"city":"Oslo"}'), { city: "Oslo" });
    assert.deepEqual(toolInputFrom({ city: "Oslo" }), { city: "Oslo" });
    assert.deepEqual(toolInputFrom("Oslo"), { arguments: "Oslo" });
    assert.deepEqual(toolInputFrom("[1,2]"), { arguments: [1, 2] });
    assert.deepEqual(toolInputFrom(undefined), {});
    assert.deepEqual(toolInputFrom(""), {});
  });
});
