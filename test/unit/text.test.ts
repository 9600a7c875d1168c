import { strict as assert } from "node:assert";
import fc from "fast-check";
import { cutText, storedSize } from "@agent-traces/core";
import { storedDocumentSize, utf8Length } from "../../packages/core/src/storedSize.js";
import { wellFormed } from "../../packages/core/src/text.js";

const marker = (length: number) => `…[truncated, ${length} chars]`;
const hasLoneSurrogate = (text: string) => !text.isWellFormed();
/** Any UTF-16 text: arbitrary code units (lone surrogates too) mixed with 1- to 4-byte characters. */
const anyUtf16 = fc
  .array(fc.oneof(fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)), fc.constantFrom("a", "é", "€", "😀", "𝄞")), { maxLength: 100 })
  .map((units) => units.join(""));

describe("cutText", () => {
  it("keeps strings up to the limit unchanged", () => {
    for (const text of ["", "a", "x".repeat(99), "x".repeat(100), "€".repeat(100), "😀".repeat(50)]) {
      assert.equal(cutText(text, 100), text);
    }
  });

  it("cuts longer strings to exactly the limit, marker included, naming the original length", () => {
    const text = "abcdefghij".repeat(30);
    const cut = cutText(text, 100);
    assert.equal(cut.length, 100);
    assert.ok(cut.endsWith(marker(300)), cut);
    assert.equal(cut, text.slice(0, 100 - marker(300).length) + marker(300));
  });

  it("is exact at the boundary: limit + 1 is cut, limit is not", () => {
    assert.equal(cutText("y".repeat(501), 500).length, 500);
    assert.ok(cutText("y".repeat(501), 500).endsWith(marker(501)));
    assert.equal(cutText("y".repeat(500), 500), "y".repeat(500));
  });

  it("is a no-op the second time and keeps the original length, even with a smaller limit", () => {
    const text = "z".repeat(5000);
    const once = cutText(text, 500);
    assert.equal(cutText(once, 500), once);
    const smaller = cutText(once, 200);
    assert.equal(smaller.length, 200);
    assert.ok(smaller.endsWith(marker(5000)), smaller);
    assert.equal(cutText(smaller, 200), smaller);
  });

  it("marks text the caller already shortened with the length it gave", () => {
    const cut = cutText("q".repeat(50), 100, 1_000_000);
    assert.ok(cut.endsWith(marker(1_000_000)));
    assert.ok(cut.length <= 100);
    assert.equal(cutText(cut, 100), cut);
  });

  it("never cuts through an emoji (surrogate pair)", () => {
    for (let offset = 0; offset < 4; offset++) {
      const text = "a".repeat(offset) + "😀".repeat(200);
      for (const limit of [100, 101, 102, 103, 300]) {
        const cut = cutText(text, limit);
        assert.ok(cut.length <= limit, `length ${cut.length} > ${limit}`);
        assert.equal(hasLoneSurrogate(cut), false, `offset ${offset}, limit ${limit}: ${JSON.stringify(cut.slice(-30))}`);
        assert.ok(cut.endsWith(marker(text.length)));
      }
    }
  });

  it("holds its invariants for arbitrary well-formed text (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 300 }), fc.integer({ min: 40, max: 300 }), (text, limit) => {
        const cut = cutText(text, limit);
        assert.ok(cut.length <= limit);
        assert.equal(hasLoneSurrogate(cut), false);
        if (text.length <= limit) assert.equal(cut, text);
        else {
          assert.ok(cut.endsWith(marker(text.length)));
          assert.ok(text.startsWith(cut.slice(0, cut.length - marker(text.length).length)));
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("wellFormed", () => {
  it("replaces lone surrogates with U+FFFD and keeps pairs", () => {
    assert.equal(wellFormed("a\uD83Db"), "a\uFFFDb");
    assert.equal(wellFormed("a\uDE00b"), "a\uFFFDb");
    assert.equal(wellFormed("end\uD83D"), "end\uFFFD");
    assert.equal(wellFormed("😀 ok"), "😀 ok");
    assert.equal(wellFormed("plain"), "plain");
    assert.equal(hasLoneSurrogate(wellFormed("\uDE00\uD83D")), false);
  });
});

describe("utf8Length", () => {
  const samples = ["", "hello", "é", "ß and ü", "€", "日本語", "😀", "a😀b€cé", "𝄞 clef", "\u0000", "\u007f\u0080\u07ff\u0800\uffff"];
  for (const text of samples) {
    it(`matches Buffer.byteLength for ${JSON.stringify(text)}`, () => assert.equal(utf8Length(text), Buffer.byteLength(text, "utf8")));
  }

  it("counts 1, 2, 3 and 4 bytes per character", () => {
    assert.equal(utf8Length("a"), 1);
    assert.equal(utf8Length("é"), 2);
    assert.equal(utf8Length("€"), 3);
    assert.equal(utf8Length("😀"), 4);
  });

  it("counts a lone surrogate as the 3 bytes of its replacement character", () => {
    assert.equal(utf8Length("\uD83D"), 3);
    assert.equal(utf8Length("\uDE00x"), 4);
    assert.equal(utf8Length("\uD83Dx"), Buffer.byteLength("\uD83Dx"));
  });

  it("matches Buffer.byteLength for arbitrary strings (property)", () => {
    fc.assert(
      fc.property(anyUtf16, (text) => assert.equal(utf8Length(text), Buffer.byteLength(text, "utf8"))),
      { numRuns: 300 },
    );
  });
});

describe("storedSize", () => {
  it("sizes strings as UTF-8 bytes + 1", () => {
    assert.equal(storedSize(""), 1);
    assert.equal(storedSize("abc"), 4);
    assert.equal(storedSize("€"), 4);
    assert.equal(storedSize("😀"), 5);
  });

  it("sizes numbers as 8, booleans and null as 1", () => {
    assert.equal(storedSize(0), 8);
    assert.equal(storedSize(1.5), 8);
    assert.equal(storedSize(-(2 ** 60)), 8);
    assert.equal(storedSize(true), 1);
    assert.equal(storedSize(false), 1);
    assert.equal(storedSize(null), 1);
  });

  it("sizes dates and timestamps as 8", () => {
    assert.equal(storedSize(new Date()), 8);
    assert.equal(storedSize({ seconds: 1, nanoseconds: 2, toMillis: () => 1000 }), 8);
  });

  it("sizes maps as the sum of key sizes (bytes + 1) and value sizes", () => {
    assert.equal(storedSize({}), 0);
    assert.equal(storedSize({ a: 1 }), 2 + 8);
    assert.equal(storedSize({ type: "Personal", done: false, priority: 1 }), 5 + 9 + 5 + 1 + 9 + 8);
    assert.equal(storedSize({ "€": "😀" }), 4 + 5);
    assert.equal(storedSize({ outer: { inner: null } }), 6 + 6 + 1);
  });

  it("sizes arrays as the sum of their values", () => {
    assert.equal(storedSize([]), 0);
    assert.equal(storedSize(["ab", 1, true, null]), 3 + 8 + 1 + 1);
    assert.equal(storedSize({ list: [{ a: "x" }, [1, 2]] }), 5 + (2 + 2) + 16);
  });

  it("follows Firestore's documented example (task document of 147 bytes)", () => {
    // https://firebase.google.com/docs/firestore/storage-size: name 44 + fields 71 + 32 bytes of overhead.
    const fields = { type: "Personal", done: false, priority: 1, description: "Learn Cloud Firestore" };
    assert.equal(storedSize(fields), 5 + 9 + (5 + 1) + (9 + 8) + (12 + 22));
    assert.equal(storedDocumentSize("users/jeff/tasks/my_task_id", fields), 147);
  });
});
