import { strict as assert } from "node:assert";
import { ROOT_CONTEXT } from "@opentelemetry/api";
import { SamplingDecision, TraceIdRatioBasedSampler as OtelSampler } from "@opentelemetry/sdk-trace-base";
import fc from "fast-check";
import { cutText, isContentDescription, LIMITS, omitContent, sanitizeTrace, storedSize, TraceIdRatioBasedSampler, validateTrace, type TraceInput } from "@agent-traces/core";
import { REDACTED, redactText } from "../../packages/core/src/redact.js";
import { redactAndCut } from "../../packages/core/src/sanitizeText.js";
import { storedDocumentSize, utf8Length } from "../../packages/core/src/storedSize.js";
import { traceSchema, type Trace } from "../../packages/core/src/schema.js";
import { shortenText } from "../../packages/core/src/shortenText.js";
import { TRACES_COLLECTION, toTraceDocument } from "@agent-traces/admin";
import { secretCorpus } from "./fakeSecrets.js";
import { checkAnswer, checkFieldsNamed, describePayload, fuzzCaseArb, payloadWithId, traceIdSequence, validTraceArb, wireRoundTrip, type FuzzMode } from "./fuzzTraces.js";
import { prepareTrace as prepareOnServer } from "../../functions/src/recordTrace/prepareTrace.js";
import { prepareTrace as prepareInNode } from "../../packages/tracer/src/prepare/validatingPrepare.js";
import { prepareTrace as prepareInBrowser } from "../../packages/tracer/src/prepare/shapeCheckingPrepare.js";

/**
 * The property tests, each defined once. The unit suite runs them with fast-check's fixed seed
 * (test/support/fixedSeed.ts) and `unitRuns` cases; `npm run fuzz` (test/fuzz/run.ts) runs them
 * unseeded with `fuzzRuns` cases.
 */
export interface PropertyDefinition {
  /** What FUZZ_PROPERTY selects. */
  name: string;
  title: string;
  unitRuns: number;
  fuzzRuns: number;
  /** A fresh property; `count` hears what kind of case each run was, so that runs that check nothing show. */
  property(count?: (kind: string) => void): fc.IPropertyWithHooks<[unknown]>;
}

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const TIMESTAMP = "2025-01-31T12:00:01Z";
const corpus = secretCorpus();
const SECRETS = corpus.flatMap((entry) => entry.secrets);

// ---------------------------------------------------------------------------------------------
// Secret-shaped text

/** Runs of one character at the lengths the patterns count (4, 8, 16, 20, 32-36, 40, 64), and past them. */
const run = fc
  .tuple(fc.constantFrom("a", "Z", "7", "f", "-", "_", ".", "/", "+", "=", " ", "😀"), fc.constantFrom(1, 3, 4, 8, 16, 20, 32, 33, 35, 36, 40, 64, 256, 257, 470))
  .map(([unit, length]) => unit.repeat(length));

/** Plain words of any length up to the longest limit, so that what follows lands anywhere around a cut. */
const padding = fc.nat(LIMITS.finalOutputChars + 100).map((length) => "w ".repeat(length).slice(0, length));

const atom = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SECRETS) },
  { weight: 2, arbitrary: fc.constantFrom(...SECRETS).chain((secret) => fc.nat(secret.length).map((end) => secret.slice(0, end))) },
  { weight: 1, arbitrary: fc.constantFrom(...SECRETS).chain((secret) => fc.nat(secret.length).map((start) => secret.slice(start))) },
  { weight: 1, arbitrary: fc.constantFrom(...corpus.map((entry) => entry.text)) },
  {
    weight: 3,
    arbitrary: fc.constantFrom("", " ", "a b", '"', "'", "@", ":", "=", "&", ";", ",", "/", "\n", "…", REDACTED, "…[truncated, 40 chars]", "hunter2", "\ud800", "😀"),
  },
  { weight: 2, arbitrary: run },
  { weight: 1, arbitrary: padding },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
);

/**
 * Text made of what secrets and their surroundings are made of: the fake secrets of fakeSecrets.ts,
 * whole and in pieces, and the shapes the patterns look for (URL credentials, key=value pairs,
 * authorization headers, key prefixes) nested in each other.
 */
const secretText: fc.Arbitrary<string> = fc
  .letrec<{ snippet: string }>((tie) => ({
    snippet: fc.oneof(
      { depthSize: "small" },
      atom,
      fc.tuple(tie("snippet"), tie("snippet")).map(([a, b]) => a + b),
      fc
        .tuple(fc.constantFrom("https", "postgres", "a"), tie("snippet"), tie("snippet"), fc.constantFrom("@host", "@", "@db:5432/app", ""))
        .map(([scheme, user, password, host]) => `${scheme}://${user}:${password}${host}`),
      fc
        .tuple(fc.constantFrom("password", "token", "secret", "api_key", "auth", "tokens", "Passwords"), fc.constantFrom("=", ": ", '": ', "   =   "), fc.constantFrom("", '"', "'"), tie("snippet"))
        .map(([key, separator, quote, value]) => `${key}${separator}${quote}${value}${quote}`),
      fc
        .tuple(fc.constantFrom("Bearer ", "Basic ", "?sig=", "&sig=", "AccountKey=", "-----BEGIN PRIVATE KEY-----\n", "-----END PRIVATE KEY-----", "hooks.slack.com/services/", "eyJ"), tie("snippet"))
        .map(([prefix, rest]) => prefix + rest),
    ),
  }))
  .snippet.chain((first) => fc.array(atom, { maxLength: 3 }).map((rest) => [first, ...rest].join("")));

// ---------------------------------------------------------------------------------------------
// Traces

/** Keys as agents send them, sensitive ones and long ones whose name straddles the 128-char cut. */
const keyArb = fc.oneof(
  fc.constantFrom("query", "password", "apiKey", "max_tokens", "token", "note", "error", "_dropped_keys", "url", "api key"),
  fc
    .tuple(fc.integer({ min: 90, max: 110 }), fc.constantFrom("secret", "my_token", "password", "tokens", "plain"), fc.constantFrom("", "_tokens", "_count", "x".repeat(60)))
    .map(([length, word, tail]) => `${"k".repeat(length)}${word}${tail}`),
  fc.string({ minLength: 1, maxLength: 8 }).filter((key) => !/^__.*__$/.test(key) && key !== "__proto__"),
);

/** Metadata values down to `depth` more levels; arrays never directly inside arrays (Firestore cannot store them). */
function jsonArb(depth: number, insideArray = false): fc.Arbitrary<unknown> {
  const leaf = fc.oneof({ weight: 4, arbitrary: secretText }, fc.integer(), fc.boolean(), fc.constant(null));
  if (depth === 0) return leaf;
  const containers: fc.Arbitrary<unknown>[] = [fc.dictionary(keyArb, jsonArb(depth - 1), { maxKeys: 3 })];
  if (!insideArray) containers.push(fc.array(jsonArb(depth - 1, true), { maxLength: 3 }));
  return fc.oneof({ weight: 3, arbitrary: leaf }, ...containers);
}

const toolArb = fc.record({
  name: secretText.filter((name) => name.length > 0),
  input: fc.dictionary(keyArb, fc.oneof({ weight: 3, arbitrary: secretText }, fc.integer(), jsonArb(2)), { maxKeys: 4 }),
  output: secretText,
  duration_ms: fc.nat({ max: 100_000 }),
  is_error: fc.boolean(),
  timestamp: fc.constant(TIMESTAMP),
});

/**
 * More tool calls than are kept by count, or than fit the byte budget uncut (then shortened,
 * failed ones too when they are many, or dropped when their keys alone are too long), failed ones among them.
 */
const manyTools = fc
  .tuple(
    toolArb,
    fc.integer({ min: LIMITS.maxToolTraces - 10, max: LIMITS.maxToolTraces + 60 }),
    fc.integer({ min: 1, max: 9 }),
    fc.nat(LIMITS.toolOutputChars * 3),
    fc.nat(LIMITS.toolInputValueChars * 3),
  )
  .map(([tool, count, everyNth, outputChars, inputChars]) =>
    Array.from({ length: count }, (_, index) => ({
      ...tool,
      name: `${tool.name}_${index}`,
      input: inputChars > 0 ? { ...tool.input, [`data_${index % 3}`]: "i".repeat(inputChars) } : tool.input,
      is_error: index % everyNth === 0,
      output: tool.output + "o".repeat(outputChars),
    })),
  );

/** Valid traces full of secret-shaped text, and the valid traces of the recordTrace fuzzer (fuzzTraces.ts). */
const traceArb: fc.Arbitrary<Trace> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .record({
        skill: fc.oneof(secretText, fc.constant(null)),
        final_output: secretText,
        status: fc.constantFrom("success", "error", "timeout"),
        tool_traces: fc.oneof({ weight: 9, arbitrary: fc.array(toolArb, { maxLength: 4 }) }, { weight: 1, arbitrary: manyTools }),
        tool_traces_dropped: fc.nat(5),
        tool_traces_shortened: fc.nat(5),
        metadata: fc.oneof({ weight: 9, arbitrary: fc.dictionary(keyArb, jsonArb(3), { maxKeys: 6 }) }, { weight: 1, arbitrary: fc.dictionary(keyArb, secretText, { minKeys: 20, maxKeys: 60 }) }),
      })
      .map((fields) => traceSchema.parse({ trace_id: TRACE_ID, started_at: "2025-01-31T12:00:00Z", ...fields })),
  },
  { weight: 1, arbitrary: validTraceArb("in-process").map((trace) => traceSchema.parse({ ...trace, trace_id: TRACE_ID })) },
);

// ---------------------------------------------------------------------------------------------
// The properties

/** The limits strings are cut to, and others. */
const limitArb = fc.oneof(fc.constantFrom(LIMITS.toolInputValueChars, LIMITS.errorMessageChars, LIMITS.toolOutputChars, LIMITS.finalOutputChars), fc.integer({ min: 40, max: 1_000 }));

/** The one statement of idempotence: the tracer and the function both sanitize, and both must store the same text. */
export const SANITIZING_IS_IDEMPOTENT: PropertyDefinition = {
  name: "sanitize-idempotent",
  title: "sanitizeTrace, redactText, redactAndCut and cutText change nothing the second time, also on the wire copy (property)",
  unitRuns: 300,
  fuzzRuns: 40_000,
  property: (count) =>
    fc.property(fc.tuple(traceArb, secretText, limitArb), ([trace, text, limit]) => {
      const once = sanitizeTrace(trace);
      assert.deepStrictEqual(sanitizeTrace(once), once, "sanitizeTrace twice");
      const sent = JSON.parse(JSON.stringify(once)) as unknown;
      const received = validateTrace(sent);
      if (!received.ok) assert.fail(received.message);
      assert.deepStrictEqual(JSON.parse(JSON.stringify(sanitizeTrace(received.trace))), sent, "the function stores what the tracer sent");
      const redacted = redactText(text);
      assert.equal(redactText(redacted), redacted, "redactText twice");
      const cut = redactAndCut(text, limit);
      assert.equal(redactAndCut(cut, limit), cut, "redactAndCut twice");
      // How the byte budget shortens a sanitized field: cut again, shorter; the per-field cut then leaves it.
      const shorter = shortenText(cut, Math.floor(limit / 3), limit, text.length);
      assert.equal(redactAndCut(shorter, limit), shorter, "redactAndCut after shortenText");
      assert.ok(shorter === cut || utf8Length(shorter) < utf8Length(cut), "shortenText only makes text smaller");
      assert.equal(cutText(cutText(text, limit), limit), cutText(text, limit), "cutText twice");
      if (redacted !== text) count?.("redacted");
      if (text.length > limit) count?.("cut");
      if (once.tool_traces_dropped > trace.tool_traces_dropped) count?.("with tool calls dropped");
      if (once.tool_traces_shortened > trace.tool_traces_shortened) count?.("with tool calls shortened");
      if (once.metadata._dropped_keys !== trace.metadata._dropped_keys) count?.("with metadata keys dropped");
    }),
};

/**
 * Content capture off, the same way: the tracer omits content and sanitizes, the function omits again
 * (the run says `content_captured: false`) and sanitizes, and stores what the tracer sent; every content
 * field stored is a description (or empty), nothing of what the run held.
 */
export const OMITTING_IS_IDEMPOTENT: PropertyDefinition = {
  name: "omit-idempotent",
  title: "omitContent then sanitizeTrace, on the tracer and again on the function, stores what the tracer sent, content only as descriptions (property)",
  unitRuns: 300,
  fuzzRuns: 40_000,
  property: (count) =>
    fc.property(fc.tuple(traceArb), ([trace]) => {
      const once = sanitizeTrace(omitContent(trace));
      const sent = JSON.parse(JSON.stringify(once)) as unknown;
      const received = validateTrace(sent);
      if (!received.ok) assert.fail(received.message);
      assert.equal(received.trace.content_captured, false);
      assert.deepStrictEqual(JSON.parse(JSON.stringify(sanitizeTrace(omitContent(received.trace)))), sent, "the function stores what the tracer sent");
      const described = (text: unknown, where: string) => assert.ok(text === "" || text === REDACTED || isContentDescription(text), `${where}: ${String(text)}`);
      described(once.final_output, "final_output");
      if ("error" in once.metadata) described(once.metadata.error, "metadata.error");
      for (const tool of once.tool_traces) {
        described(tool.output, `${tool.name} output`);
        for (const [key, value] of Object.entries(tool.input)) described(value, `${tool.name} input ${key}`);
      }
      if (once.tool_traces_dropped > trace.tool_traces_dropped) count?.("with tool calls dropped");
      if ("error" in once.metadata) count?.("with an error");
    }),
};

export const SANITIZED_TRACES_ARE_BOUNDED: PropertyDefinition = {
  name: "sanitize-bounded",
  title: "a sanitized trace is within every limit and passes the wire schema unchanged (property)",
  unitRuns: 200,
  fuzzRuns: 20_000,
  property: () =>
    fc.property(fc.tuple(traceArb), ([trace]) => {
      const sanitized = sanitizeTrace(trace);
      const result = validateTrace(sanitized);
      if (!result.ok) assert.fail(result.message);
      assert.deepStrictEqual(result.trace, sanitized);
      assert.ok(sanitized.final_output.length <= LIMITS.finalOutputChars && sanitized.final_output.isWellFormed());
      assert.ok(sanitized.tool_traces.length <= LIMITS.maxToolTraces && storedSize(sanitized.tool_traces) <= LIMITS.toolTracesBytes);
      assert.equal(sanitized.tool_traces_dropped - trace.tool_traces_dropped, trace.tool_traces.length - sanitized.tool_traces.length, "every left-out call counted");
      assert.ok(sanitized.tool_traces_shortened - trace.tool_traces_shortened <= sanitized.tool_traces.length, "only kept calls counted as shortened");
      for (const tool of sanitized.tool_traces) {
        assert.ok(tool.output.length <= LIMITS.toolOutputChars && tool.output.isWellFormed());
        for (const [key, value] of Object.entries(tool.input)) assert.ok(key.length <= LIMITS.keyChars && value.length <= LIMITS.toolInputValueChars && value.isWellFormed());
      }
      if (typeof sanitized.metadata.error === "string") assert.ok(sanitized.metadata.error.length <= LIMITS.errorMessageChars);
    }),
};

/**
 * The recordTrace fuzzer's cases (fuzzTraces.ts) against the pure code: validateTrace gives every
 * case the answer it expects, and every accepted one becomes a document within storedDocumentBytes.
 * The same cases go through handleRecordTrace and Firestore in test/integration/reliability/fuzz.test.ts.
 */
function payloadsAnswered(mode: FuzzMode, fuzzRuns: number): PropertyDefinition {
  return {
    name: `payloads-${mode}`,
    title: `validateTrace answers every generated ${mode} payload as its case expects, and bounds every accepted document (property)`,
    unitRuns: 1_500,
    fuzzRuns,
    property: (count) => {
      const nextId = traceIdSequence();
      return fc.property(fc.tuple(fuzzCaseArb(mode, 35)), ([fuzzCase]) => {
        const payload = payloadWithId(fuzzCase, nextId());
        const validation = validateTrace(mode === "wire" ? wireRoundTrip(payload) : payload);
        const answer = validation.ok
          ? { ok: true as const }
          : { ok: false as const, rejection: { code: "invalid-argument", message: validation.message, fields: validation.fields } };
        const problem = checkAnswer(fuzzCase, answer);
        assert.equal(problem, undefined, `${problem}\npayload: ${describePayload(payload)}`);
        if (!validation.ok) return;
        count?.("accepted");
        const document = toTraceDocument(sanitizeTrace(validation.trace), { recordedBy: "uid", receivedAt: new Date(), ttlDays: 7, sampleRate: 1 });
        const size = storedDocumentSize(`${TRACES_COLLECTION}/${document.trace_id}`, document);
        assert.ok(size <= LIMITS.storedDocumentBytes, `${size} bytes: ${describePayload(payload)}`);
      });
    },
  };
}

export const PAYLOADS_IN_PROCESS = payloadsAnswered("in-process", 30_000);
export const PAYLOADS_WIRE = payloadsAnswered("wire", 20_000);

const hexDigits = (alphabet: string) => fc.string({ unit: fc.constantFrom(...alphabet), minLength: 32, maxLength: 32 });
const traceIdArb = fc.oneof(
  { weight: 8, arbitrary: hexDigits("0123456789abcdef") },
  { weight: 1, arbitrary: hexDigits("0123456789abcdefABCDEF") },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(..."0123456789abcdefgxABCDEF- "), minLength: 30, maxLength: 34 }) },
  { weight: 1, arbitrary: fc.constantFrom("0".repeat(32), "f".repeat(32), `${"0".repeat(31)}1`, "8".padEnd(32, "0"), "7fffffff".padEnd(32, "0"), "") },
);
const ratioArb = fc.oneof(
  { weight: 6, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.constantFrom(0, -0, 1, 0.5, 0.1, 1e-9, 1 - 1e-9, -1, 2, Number.NaN, Number.POSITIVE_INFINITY) },
);

export const SAMPLER_MATCHES_OPENTELEMETRY: PropertyDefinition = {
  name: "sampler-otel",
  title: "TraceIdRatioBasedSampler keeps exactly the trace ids OpenTelemetry's keeps, in either case, at any ratio (property)",
  unitRuns: 2_000,
  fuzzRuns: 100_000,
  property: (count) =>
    fc.property(fc.tuple(traceIdArb, ratioArb), ([id, ratio]) => {
      const otel = new OtelSampler(ratio).shouldSample(ROOT_CONTEXT, id).decision === SamplingDecision.RECORD_AND_SAMPLED;
      assert.equal(new TraceIdRatioBasedSampler(ratio).shouldSample(id), otel, `ratio ${ratio}, id ${JSON.stringify(id)}`);
      count?.(otel ? "kept" : "dropped");
    }),
};

// ---------------------------------------------------------------------------------------------
// Repair, never reject

class Point {
  constructor(readonly x = 1) {}
}

/** What producers put in a run that JSON or Firestore cannot take as it is, and plain values. */
const nastyLeaf: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: secretText },
  fc.integer(),
  fc.double(),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, Number.MAX_SAFE_INTEGER + 2, 1.5),
  fc.boolean(),
  fc.constantFrom(null, undefined),
  fc.bigInt(),
  fc.date({ noInvalidDate: false }),
  fc.constantFrom<unknown>(() => 1, Symbol("s"), new Map<unknown, unknown>([[1, "a"], ["__x__", [[1]]]]), new Set([1, [2]]), new Point(), new Error("boom"), new Uint8Array([1, 2])),
);
const nastyKey = fc.oneof({ weight: 3, arbitrary: keyArb }, fc.constantFrom("", "__x__", "__proto__", "____", "_x_", "__", "(empty)", "constructor", "toJSON"));

/** Any JSON-like tree: nested arrays, maps and chains deeper than LIMITS.metadataDepth, bad keys, the values above, cycles. */
const nastyTree: fc.Arbitrary<unknown> = fc
  .letrec<{ tree: unknown }>((tie) => ({
    tree: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      nastyLeaf,
      fc.array(tie("tree"), { maxLength: 3 }),
      fc.dictionary(nastyKey, tie("tree"), { maxKeys: 4 }),
      fc.tuple(fc.integer({ min: LIMITS.metadataDepth - 1, max: LIMITS.metadataDepth + 4 }), fc.boolean(), tie("tree")).map(([depth, arrays, leaf]) => {
        let value = leaf;
        for (let level = 0; level < depth; level++) value = arrays && level % 2 === 0 ? [value] : { d: value };
        return value;
      }),
    ),
  }))
  .tree.chain((tree) =>
    fc.boolean().map((cyclic) => {
      if (cyclic && typeof tree === "object" && tree !== null && !(tree instanceof Map) && !(tree instanceof Set)) (tree as Record<string, unknown>).self = tree;
      return tree;
    }),
  );

const nastyInstant = fc.oneof(
  { weight: 3, arbitrary: fc.constant(TIMESTAMP) },
  fc.constantFrom<unknown>("", "yesterday", "2025-01-31", "2025-02-30T00:00:00Z", "+275760-09-13T00:00:00.000Z", 0, -1e15, null, undefined, new Date(Number.NaN)),
  fc.date({ noInvalidDate: false }),
);
const nastyCount = fc.oneof({ weight: 3, arbitrary: fc.nat(5) }, fc.constantFrom<unknown>(-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, "3", null, 1e20));

/** A failed run as a producer may hand it over: any tree in metadata, tool input and output, names and user id. */
const failedRunArb = fc.record(
  {
    trace_id: fc.oneof({ weight: 3, arbitrary: fc.constant(TRACE_ID) }, fc.constantFrom<unknown>(TRACE_ID.toUpperCase(), "", "0".repeat(32), "xyz", 42, null)),
    user_id: fc.oneof(nastyLeaf, fc.constantFrom("", "u".repeat(LIMITS.userIdChars), "u".repeat(LIMITS.userIdChars + 1), "😀".repeat(100))),
    skill: fc.oneof(secretText, nastyLeaf),
    started_at: nastyInstant,
    ended_at: nastyInstant,
    iterations: nastyCount,
    tool_traces: fc.oneof(
      { weight: 5, arbitrary: fc.array(fc.record({ name: fc.oneof(secretText, nastyLeaf), input: nastyTree, output: nastyTree, duration_ms: nastyCount, is_error: fc.oneof(fc.boolean(), nastyLeaf), timestamp: nastyInstant }, { requiredKeys: ["name"] }), { maxLength: 4 }) },
      nastyTree,
    ),
    final_output: fc.oneof(secretText, nastyLeaf),
    status: fc.constantFrom("error", "timeout"),
    metadata: fc.oneof({ weight: 3, arbitrary: fc.dictionary(nastyKey, nastyTree, { maxKeys: 5 }) }, nastyTree),
    usage: fc.oneof(fc.constant(undefined), nastyTree, fc.array(fc.record({ model: fc.oneof(secretText, nastyLeaf), input_tokens: nastyCount, output_tokens: nastyCount }), { maxLength: 20 })),
    values_repaired: nastyCount,
    unknown_field: nastyLeaf,
  },
  { requiredKeys: ["trace_id", "status"] },
);

/** A prepared trace as the server receives it, checked: what the wire schema takes, sanitizing it again changes nothing. */
function assertSendable(prepared: ReturnType<typeof prepareInNode>, status: unknown, where: string): void {
  if (!prepared.ok) assert.fail(`${where}: refused: ${prepared.message}`);
  const sent = JSON.parse(JSON.stringify(prepared.trace)) as unknown;
  const received = validateTrace(sent);
  if (!received.ok) assert.fail(`${where}: ${received.message}`);
  assert.equal(received.trace.status, status, `${where}: the run stays a failure`);
  assert.deepStrictEqual(JSON.parse(JSON.stringify(sanitizeTrace(received.trace))), sent, `${where}: the function stores what the tracer sent`);
}

export const FAILED_RUNS_ARE_REPAIRED: PropertyDefinition = {
  name: "repair-failed-runs",
  title: "any JSON-like tree in a failed run's metadata, tool calls, names and user id comes out of the Node and browser prepare valid, never refused (property)",
  unitRuns: 400,
  fuzzRuns: 40_000,
  property: (count) =>
    fc.property(fc.tuple(failedRunArb), ([input]) => {
      assertSendable(prepareInNode(input as TraceInput), input.status, "Node prepare");
      const browser = prepareInBrowser(input as TraceInput);
      assertSendable(browser, input.status, "browser prepare");
      count?.(validateTrace(input).ok ? "valid as given" : "repaired");
      if (browser.ok && browser.trace.values_repaired > 0) count?.("values counted");
    }),
};

/**
 * The recordTrace fuzzer's invalid cases sent as failed runs through the server's prepareTrace: each is
 * stored, repaired, `repaired_fields` naming what the case broke, within storedDocumentBytes; a case
 * whose status itself is broken, or that is not an object, is still rejected.
 */
export const SERVER_REPAIRS_FAILED_RUNS: PropertyDefinition = {
  name: "repair-on-server",
  title: "recordTrace stores every invalid failed run repaired, naming the fields it replaced (property)",
  unitRuns: 800,
  fuzzRuns: 20_000,
  property: (count) => {
    const nextId = traceIdSequence();
    const config = { sampleRate: 1, ttlDays: 7, errorTtlDays: 30, enforceAppCheck: false, rateLimitPerMinute: 0, captureContent: true };
    return fc.property(fc.tuple(fuzzCaseArb("in-process", 0), fc.constantFrom("error", "timeout")), ([fuzzCase, status]) => {
      const payload = payloadWithId(fuzzCase, nextId());
      const statusBroken = fuzzCase.labels.some((label) => label.startsWith("status:"));
      if (typeof payload === "object" && payload !== null && !Array.isArray(payload) && !statusBroken) (payload as { status: unknown }).status = status;
      const prepared = prepareOnServer(payload, { uid: "uid", config, receivedAt: new Date() });
      if (fuzzCase.expect.kind === "not-an-object" || statusBroken) {
        if (fuzzCase.expect.kind !== "any") assert.equal(prepared.kind, "rejected", describePayload(payload));
        count?.("rejected");
        return;
      }
      assert.equal(prepared.kind, "write", `${prepared.kind}: ${describePayload(payload)}`);
      if (prepared.kind !== "write") return;
      assert.equal(prepared.document.status, status);
      if (fuzzCase.expect.kind === "invalid") {
        const fields = prepared.repairedFields ?? [];
        assert.ok(fields.length > 0 && fields.length <= 20, `repaired_fields ${JSON.stringify(fields)}`);
        assert.deepEqual(prepared.document.repaired_fields, fields);
        const problem = checkFieldsNamed(fuzzCase.expect, fields);
        assert.equal(problem, undefined, `${problem}\npayload: ${describePayload(payload)}`);
        count?.("repaired");
      } else count?.(prepared.repairedFields ? "repaired" : "valid");
      const size = storedDocumentSize(`${TRACES_COLLECTION}/${prepared.document.trace_id}`, prepared.document);
      assert.ok(size <= LIMITS.storedDocumentBytes, `${size} bytes: ${describePayload(payload)}`);
    });
  },
};

/** Every property, in the order `npm run fuzz` runs them. */
export const PROPERTIES: readonly PropertyDefinition[] = [
  SANITIZING_IS_IDEMPOTENT,
  OMITTING_IS_IDEMPOTENT,
  SANITIZED_TRACES_ARE_BOUNDED,
  PAYLOADS_IN_PROCESS,
  PAYLOADS_WIRE,
  SAMPLER_MATCHES_OPENTELEMETRY,
  FAILED_RUNS_ARE_REPAIRED,
  SERVER_REPAIRS_FAILED_RUNS,
];

/** Runs a property in the unit suite and returns how many runs were of each kind. */
export function checkProperty(definition: PropertyDefinition): Map<string, number> {
  const counts = new Map<string, number>();
  fc.assert(definition.property((kind) => counts.set(kind, (counts.get(kind) ?? 0) + 1)), { numRuns: definition.unitRuns });
  return counts;
}
