import { strict as assert } from "node:assert";
import fc from "fast-check";
import { escapeWireKeys, unescapeWireKeys } from "@agent-traces/core";

/** Keys around the escaped ones, so that the property meets every case of the escaping. */
const key = fc.constantFrom("@type", "@@type", "@@@type", "type", "@", "hasOwnProperty", "@hasOwnProperty", "@@hasOwnProperty", "name", "@id", "__proto__");
const json = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof({ depthSize: "small" }, fc.string(), fc.integer(), fc.constant(null), fc.array(tie("value"), { maxLength: 3 }), fc.dictionary(key, tie("value"), { maxKeys: 4 })),
})).value;

function keysOf(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((item) => keysOf(item, found));
  else if (typeof value === "object" && value !== null) for (const [name, item] of Object.entries(value)) found.push(name), keysOf(item, found);
  return found;
}

describe("wire keys (what the callable protocol cannot carry)", () => {
  it("round-trips any JSON, and the wire form holds no \"@type\" or hasOwnProperty key", () => {
    fc.assert(
      fc.property(json, (value) => {
        const wire = escapeWireKeys(value);
        assert.deepEqual(unescapeWireKeys(wire), value);
        const keys = keysOf(wire);
        assert.ok(!keys.includes("@type") && !keys.includes("hasOwnProperty"), JSON.stringify(keys));
      }),
    );
  });

  it("escapes with one more @ and leaves every other key, and unchanged values, as they are", () => {
    const metadata = { "@type": "Person", "@context": "https://schema.org", nested: [{ "@@type": 1, hasOwnProperty: "x" }], plain: { a: 1 } };
    const wire = escapeWireKeys(metadata);
    assert.deepEqual(wire, { "@@type": "Person", "@context": "https://schema.org", nested: [{ "@@@type": 1, "@hasOwnProperty": "x" }], plain: { a: 1 } });
    assert.equal(wire.plain, metadata.plain, "a subtree with nothing to escape is not copied");
    const untouched = { a: [1, { b: "c" }] };
    assert.equal(escapeWireKeys(untouched), untouched);
  });

  it("leaves a raw caller's own \"@type\" as sent (the decoder has let it through only when its value is falsy)", () => {
    assert.deepEqual(unescapeWireKeys({ "@type": "" }), { "@type": "" });
  });
});
