import { strict as assert } from "node:assert";
import { LIMITS } from "@agent-traces/core";
import { isSensitiveKey, REDACTED, redactText, redactValue } from "../../packages/core/src/redact.js";
import { redactAndCut } from "../../packages/core/src/sanitizeText.js";
import { untilStable } from "../../packages/core/src/redact.js";
import { leaks, secretCorpus } from "../support/fakeSecrets.js";

describe("isSensitiveKey", () => {
  const sensitive = [
    "password",
    "Password",
    "PASSWORD",
    "user_password",
    "API-Key",
    "api_key",
    "apiKey",
    "x-api-key",
    "X-API-KEY",
    "Authorization",
    "proxy-authorization",
    "cookie",
    "Set-Cookie",
    "private_key",
    "privateKey",
    "client_secret",
    "clientSecret",
    "access_token",
    "accessToken",
    "refresh_token",
    "id_token",
    "sessionId",
    "session_id",
    "SESSION-ID",
    "aws_secret_access_key",
    "passphrase",
    "credentials",
    "signature",
    "auth",
    "pwd",
    "access_tokens",
    "api_tokens",
    "refreshTokens",
  ];
  const harmless = [
    "max_tokens",
    "maxTokens",
    "total_tokens",
    "prompt_tokens",
    "completion_tokens",
    "input_tokens",
    "token_count",
    "tokenizer",
    "author",
    "skill",
    "name",
    "query",
    "url",
    "model",
    "temperature",
    "passenger",
    "",
  ];
  for (const key of sensitive) it(`treats "${key}" as sensitive`, () => assert.equal(isSensitiveKey(key), true));
  it(`treats ${harmless.map((key) => JSON.stringify(key)).join(", ")} as harmless`, () => {
    for (const key of harmless) assert.equal(isSensitiveKey(key), false, key);
  });
});

describe("redactValue", () => {
  it("replaces values under sensitive keys at any depth, including whole objects and arrays", () => {
    const input = {
      query: "weather in Paris",
      password: "hunter2",
      headers: { Authorization: "opaque-value-1", "X-Api-Key": 12345, accept: "json" },
      list: [{ client_secret: { nested: "opaque-value-2" } }, { access_token: ["a", "b"] }, "plain"],
      deep: { a: { b: { c: { d: { sessionId: null, kept: 1 } } } } },
      max_tokens: 256,
    };
    assert.deepEqual(redactValue(input), {
      query: "weather in Paris",
      password: REDACTED,
      headers: { Authorization: REDACTED, "X-Api-Key": REDACTED, accept: "json" },
      list: [{ client_secret: REDACTED }, { access_token: REDACTED }, "plain"],
      deep: { a: { b: { c: { d: { sessionId: REDACTED, kept: 1 } } } } },
      max_tokens: 256,
    });
  });

  it("redacts secret-shaped strings under harmless keys and in arrays", () => {
    const key = `sk-${"a1B2c3D4".repeat(6)}`;
    const output = redactValue({ note: `use ${key} here`, items: [key, 1, true, null] }) as { note: string; items: unknown[] };
    assert.equal(output.note, `use ${REDACTED} here`);
    assert.deepEqual(output.items, [REDACTED, 1, true, null]);
  });

  it("does not modify its input", () => {
    const input = { password: "x", nested: { token: "y" }, list: ["z"] };
    const copy = structuredClone(input);
    redactValue(input);
    assert.deepEqual(input, copy);
  });

  it("marks cycles but keeps shared (non-circular) references", () => {
    const shared = { city: "Paris" };
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic.self = cyclic;
    assert.deepEqual(redactValue({ a: shared, b: shared, c: [shared, shared] }), {
      a: { city: "Paris" },
      b: { city: "Paris" },
      c: [{ city: "Paris" }, { city: "Paris" }],
    });
    assert.deepEqual(redactValue(cyclic), { name: "loop", self: "[Circular]" });
  });

  it("leaves numbers, booleans, null and undefined as they are", () => {
    for (const value of [0, -1.5, true, false, null, undefined]) assert.equal(redactValue(value), value);
  });
});

describe("redactText", () => {
  const corpus = secretCorpus();

  it("has a corpus of at least 30 distinct fake secrets", () => {
    assert.ok(corpus.length >= 30, `${corpus.length} cases`);
    assert.equal(new Set(corpus.flatMap((entry) => entry.secrets)).size, corpus.flatMap((entry) => entry.secrets).length);
  });

  for (const entry of corpus) {
    it(`redacts a ${entry.name} in prose`, () => {
      for (const secret of entry.secrets) assert.ok(entry.text.includes(secret), "the fixture contains its secret");
      const output = redactText(entry.text);
      assert.ok(output.includes(REDACTED), output);
      for (const secret of entry.secrets) {
        const leaked = leaks(output, secret);
        assert.equal(leaked, undefined, `"${leaked}" of the secret survived in: ${output}`);
      }
      for (const kept of entry.keep ?? []) assert.ok(output.includes(kept), `"${kept}" was lost: ${output}`);
      assert.equal(redactText(output), output, "redacting again changes nothing");
    });
  }

  it("redacts every secret when they all appear in one text", () => {
    const text = corpus
      .filter((entry) => !entry.name.includes("cut short"))
      .map((entry) => entry.text)
      .join("\n\nNext log line: ");
    const output = redactText(text);
    for (const entry of corpus.filter((item) => !item.name.includes("cut short"))) {
      for (const secret of entry.secrets) assert.equal(leaks(output, secret), undefined, `${entry.name} leaked`);
    }
  });

  const ordinary = [
    "The quick brown fox jumps over the lazy dog.",
    "Request 3f2b8c1e-9d4a-4b7e-8f00-1a2b3c4d5e6f finished.",
    "Deployed commit 9fceb02d0ae598e95dc970b74767f19372d61af8 to staging.",
    "trace 4bf92f3577b34da6a3ce929d0e0e4736 sampled",
    "Contact jane.doe@example.com for access.",
    "See https://example.com/docs/getting-started?page=2&lang=en#install for details.",
    "tokens used: 1234",
    "tokens: 1234, max_tokens=1024, \"total_tokens\": 99, prompt_tokens=12",
    "The author: Jane Austen; skill: planning; name: fetch_weather",
    "Token bucket refilled, Bearer of bad news arrived.",
    "Passwords must be at least 12 characters long.",
    "Use the key icon to unlock. Basic usage is free.",
    "Token refreshed successfully. Basic authentication failed for the user.",
    "",
  ];
  for (const text of ordinary) {
    it(`leaves ordinary text unchanged: ${JSON.stringify(text)}`, () => assert.equal(redactText(text), text));
  }

  it("redacts a 5 MB string", () => {
    const secret = `ghp_${"Z9y8X7w6".repeat(5)}`;
    const chunk = `log line with a uuid 3f2b8c1e-9d4a-4b7e-8f00-1a2b3c4d5e6f and some words; `;
    const text = chunk.repeat(Math.ceil((5 * 1024 * 1024) / chunk.length)) + secret;
    const output = redactText(text);
    assert.ok(output.endsWith(REDACTED));
    assert.ok(!output.includes(secret));
  });

  describe("is idempotent, also where it once was not", () => {
    const refreshToken = `1//0${"q7".repeat(20)}`;
    const cases: [name: string, text: string, redacted: string][] = [
      // The example and two like it: the password was too long for the URL pattern's old 256-char
      // cap, the key=value pattern redacted its value, and a second pass matched the shortened credential.
      ["a URL password longer than 256 chars", `https://user:password=${"a".repeat(470)}@host`, `https://user:${REDACTED}@host`],
      ["a URL password longer than 256 chars, then &", `https://user:password=${"a".repeat(470)}&@host`, `https://user:${REDACTED}@host`],
      ["a URL password longer than 256 chars, quoted", `https://user:password="${"a".repeat(470)}"@host`, `https://user:${REDACTED}@host`],
      // A later pattern removes what stopped the URL pattern (a space, a "/"): a second pass redacts the credential.
      ["a quoted passphrase with a space as a URL password", 'https://user:password="a b"@host', `https://user:${REDACTED}@host`],
      ["a refresh token as a URL's user", `https://${refreshToken}:pw@db.example/app`, `https://${REDACTED}:${REDACTED}@db.example/app`],
      // A fixed-length key followed by more key characters did not match, until a later pattern redacted those.
      ["a Google API key that runs on into a Stripe key", `AIza${"b1C2d3E4f5".repeat(4).slice(0, 34)}-rk_test_${"w".repeat(20)}`, REDACTED],
    ];
    for (const [name, text, redacted] of cases) {
      it(name, () => {
        const once = redactText(text);
        assert.equal(once, redacted);
        assert.equal(redactText(once), once);
      });
    }

    it("repeats its pass until nothing changes, and gives up on text that never settles with [REDACTED], which stays", () => {
      assert.equal(untilStable((text) => (text.length > 2 ? text.slice(1) : text), "abcd"), "cd");
      assert.equal(untilStable((text) => `${text}x`, "a"), REDACTED);
      assert.equal(redactText(REDACTED), REDACTED);
      for (const limit of [LIMITS.toolInputValueChars, LIMITS.errorMessageChars, LIMITS.toolOutputChars, LIMITS.finalOutputChars]) assert.equal(redactAndCut(REDACTED, limit), REDACTED);
    });
  });

  it("stays linear on adversarial near-miss input", function () {
    this.timeout(1500);
    const size = 100_000;
    const adversarial = [
      "eyJ-".repeat(size / 4),
      "eyJa.".repeat(size / 5),
      "SG.".repeat(size / 3),
      "a://b:".repeat(size / 6),
      `https://u:${"p".repeat(size)}`,
      `Bearer ${"a".repeat(size)}`,
      "-----BEGIN PRIVATE KEY-----".repeat(size / 27),
      `password${" ".repeat(3)}`.repeat(size / 11),
      "Bearer ".repeat(size / 7),
      `${"A".repeat(200)}:`.repeat(size / 201),
      "1".repeat(size),
      "xoxb".repeat(size / 4),
      "sk-".repeat(size / 3),
    ];
    for (const text of adversarial) redactText(text);
  });
});
