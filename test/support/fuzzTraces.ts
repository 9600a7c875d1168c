import fc from "fast-check";
import { LIMITS } from "@agent-traces/core";

/**
 * Generated recordTrace payloads, valid and invalid, built by hand from the structure of the zod
 * schema (packages/core/src/schema.ts), each with what the function must answer. Every case starts
 * from a valid trace; "variations" keep it valid (huge strings, lone surrogates, 300 tool calls,
 * thousands of metadata keys, the deepest allowed nesting, edge dates, an uppercase id) and
 * "mutations" break it at a known field path (wrong types, missing and unknown fields, nested
 * arrays, reserved and empty keys, over-deep metadata, out-of-range and non-finite numbers, dates
 * outside years 0001-9999, bad trace ids). The expected paths are written here independently of
 * the validator, in the README's notation: `tool_traces[3].duration_ms`, `metadata[""]`.
 *
 * Two modes:
 * - "in-process": what handleRecordTrace can be handed after the callable protocol's decode():
 *   JSON values plus NaN / ±Infinity / unsafe integers, and (to be thorough) non-JSON values.
 * - "wire": what survives the Firebase JS SDK's encoding unchanged, plus the protocol's Int64Value
 *   wrapper ({"@type": "...Int64Value", "value": "1e400"} arrives as Infinity).
 */
export type FuzzMode = "in-process" | "wire";

export type Expectation =
  /** Must be accepted. */
  | { kind: "valid" }
  /** Must be rejected: every `required` path named, and at least one of `someOf`. */
  | { kind: "invalid"; required: string[]; someOf: string[] }
  /** Must be rejected as not being an object at all. */
  | { kind: "not-an-object" }
  /** Either answer is right; the invariants (no internal, bounded storage) still hold. */
  | { kind: "any" };

export interface FuzzCase {
  payload: unknown;
  /** "fresh": trace_id is replaced by a fresh id at run time ("upper": in uppercase); "keep": as generated. */
  id: "fresh" | "upper" | "keep";
  expect: Expectation;
  /** What was done to the valid trace, for counterexamples and coverage counts. */
  labels: string[];
}

export const INT64_TYPE = "type.googleapis.com/google.protobuf.Int64Value";
const int64 = (value: string) => ({ "@type": INT64_TYPE, value });

const SHAPE_KEYS = new Set(["trace_id", "user_id", "skill", "session_id", "started_at", "ended_at", "iterations", "tool_traces", "tool_traces_dropped", "tool_traces_shortened", "final_output", "status", "metadata"]);
const RESERVED = /^__.*__$/;
const MIN_INSTANT = Date.parse("0001-01-01T00:00:00Z");
const MAX_INSTANT = Date.parse("9999-12-31T23:59:59.999Z");

/** A field path as the README writes it: identifiers with dots, indices and other keys in brackets. */
export function pathOf(segments: readonly (string | number)[]): string {
  let text = "";
  for (const segment of segments) {
    if (typeof segment === "number") text += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(segment)) text += text ? `.${segment}` : segment;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// Building blocks

const LONE_SURROGATES = ["\ud800", "\udbff", "\udc00", "\udfff"];

function shortText(maxLength = 24): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.string({ maxLength }) },
    { weight: 3, arbitrary: fc.string({ unit: "grapheme", maxLength: Math.ceil(maxLength / 2) }) },
    { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: Math.ceil(maxLength / 2) }) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.string({ maxLength: 6 }), fc.constantFrom(...LONE_SURROGATES), fc.string({ maxLength: 6 }))
        .map(([before, lone, after]) => `${before}${lone}${after}`),
    },
  );
}

const nonEmpty = (text: fc.Arbitrary<string>) => text.filter((value) => value.length > 0);

/** A string of `length` UTF-16 units or a little more, repeated from a unit (fast to build). */
function repeated(unit: string, length: number): string {
  return unit.repeat(Math.ceil(length / unit.length));
}

function hugeText(mode: FuzzMode): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.oneof(
        { weight: 8, arbitrary: fc.integer({ min: 1_000, max: 50_000 }) },
        { weight: 2, arbitrary: fc.integer({ min: 50_000, max: mode === "wire" ? 200_000 : 1_000_000 }) },
      ),
      fc.constantFrom("x", "é", "😀", "ab\ud800", "<tag attr='v'>", "line\n", "🙂\udc00"),
    )
    .map(([length, unit]) => repeated(unit, length));
}

function keyArb(mode: FuzzMode): fc.Arbitrary<string> {
  return fc
    .oneof(
      { weight: 8, arbitrary: fc.string({ minLength: 1, maxLength: 12 }) },
      { weight: 2, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 6 }) },
      {
        weight: 2,
        arbitrary: fc.constantFrom(
          "a.b", "`x`", "a/b", " ", "__", "___", "_x_", "__a_", "_dropped_keys", "error", "recorded_by", "expire_at",
          "received_at", "sample_rate", "constructor", "toString", "hasOwnProperty", "valueOf", "😀", "k\ud800", "\udfffk",
          "$", "[0]", "*", "~", "@type_", "a\u0000b", "api key", "max_tokens",
        ),
      },
    )
    // Wire mode leaves out what the SDKs cannot carry (see wireRoundTrip): "@type" and "hasOwnProperty" keys.
    .filter((key) => key.length > 0 && !RESERVED.test(key) && key !== "__proto__" && (mode === "in-process" || (key !== "@type" && key !== "hasOwnProperty")));
}

function primitive(mode: FuzzMode): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 2, arbitrary: fc.boolean() },
    { weight: 2, arbitrary: fc.integer() },
    { weight: 2, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
    { weight: 1, arbitrary: fc.constantFrom(0, -0, Number.MAX_SAFE_INTEGER, 2 ** 53 + 2, -(2 ** 64), 1e308, -1e308, 5e-324) },
    { weight: 4, arbitrary: shortText(mode === "wire" ? 16 : 24) },
  );
}

/**
 * A storable JSON value located at `depth` (metadata itself is depth 1): maps and arrays only up to
 * LIMITS.metadataDepth, and no array directly inside an array.
 */
function storableJson(mode: FuzzMode, depth: number, insideArray: boolean): fc.Arbitrary<unknown> {
  if (depth > LIMITS.metadataDepth) return primitive(mode);
  const child = (inArray: boolean) => storableJson(mode, depth + 1, inArray);
  const containers: fc.WeightedArbitrary<unknown>[] = [
    { weight: depth < 4 ? 2 : 1, arbitrary: fc.dictionary(keyArb(mode), child(false), { maxKeys: 3, noNullPrototype: mode === "wire" }) },
  ];
  if (!insideArray) containers.push({ weight: 1, arbitrary: fc.array(child(true), { maxLength: 3 }) });
  return fc.oneof({ weight: 6, arbitrary: primitive(mode) }, ...containers);
}

function metadataArb(mode: FuzzMode): fc.Arbitrary<Record<string, unknown>> {
  return fc.dictionary(keyArb(mode), storableJson(mode, 2, false), { maxKeys: 5, noNullPrototype: mode === "wire" });
}

/** Anything JSON, with no depth limit: tool input values are stringified, not stored as maps. */
function toolInputValue(mode: FuzzMode): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 4, arbitrary: primitive(mode) },
    { weight: 1, arbitrary: fc.json({ maxDepth: 4 }).map((text) => JSON.parse(text) as unknown) },
    { weight: 1, arbitrary: fc.constant([[1, [2, [3]]], { a: [[{}]] }]) },
  );
}

/** An ISO-8601 date-time with a zone, as `instant` written with `offsetMinutes` and `fraction` digits. */
export function isoAt(instant: number, offsetMinutes: number, fractionDigits: 0 | 3 | 6 | 9, extraDigits = "000000"): string {
  let local = new Date(instant + offsetMinutes * 60_000);
  let offset = offsetMinutes;
  if (local.getUTCFullYear() < 1 || local.getUTCFullYear() > 9999) {
    local = new Date(instant);
    offset = 0;
  }
  const pad = (value: number, width = 2) => String(value).padStart(width, "0");
  const base = `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
  const millis = pad(local.getUTCMilliseconds(), 3);
  const fraction = fractionDigits === 0 ? "" : `.${(millis + extraDigits).slice(0, fractionDigits)}`;
  const zone = offset === 0 ? "Z" : `${offset > 0 ? "+" : "-"}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
  return `${base}${fraction}${zone}`;
}

const isoFormat = fc.record({
  offset: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.integer({ min: -14 * 60, max: 14 * 60 }) }),
  digits: fc.constantFrom(0 as const, 3 as const, 6 as const, 9 as const),
});

/** A timestamp whose fraction never goes below the instant's milliseconds (so order is kept). */
function isoOf(instant: number, format: { offset: number; digits: 0 | 3 | 6 | 9 }): string {
  // Dropping the fraction would move the instant back: keep milliseconds when there are any.
  const digits = format.digits === 0 && instant % 1000 !== 0 ? 3 : format.digits;
  return isoAt(instant, format.offset, digits);
}

const instantArb = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: Date.parse("2020-01-01T00:00:00Z"), max: Date.parse("2030-01-01T00:00:00Z") }) },
  { weight: 2, arbitrary: fc.integer({ min: MIN_INSTANT, max: MAX_INSTANT }) },
  { weight: 1, arbitrary: fc.constantFrom(MIN_INSTANT, MAX_INSTANT - 1000, Date.parse("1970-01-01T00:00:00Z")) },
);

function toolArb(mode: FuzzMode): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .record(
      {
        name: nonEmpty(shortText(20)),
        input: fc.dictionary(keyArb(mode), toolInputValue(mode), { maxKeys: 5, noNullPrototype: mode === "wire" }),
        output: shortText(40),
        duration_ms: fc.oneof(fc.integer({ min: 0, max: 5_000 }), fc.constantFrom(0, LIMITS.maxDurationMs)),
        is_error: fc.boolean(),
        instant: instantArb,
        format: isoFormat,
      },
      { requiredKeys: ["name", "duration_ms", "instant", "format"] },
    )
    .map(({ instant, format, ...tool }) => ({ ...tool, timestamp: isoOf(instant, format) }));
}

/** A valid trace (trace_id is a placeholder replaced at run time). */
export function validTraceArb(mode: FuzzMode): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .record(
      {
        user_id: fc.oneof(
          fc.constant(null),
          nonEmpty(fc.string({ minLength: 1, maxLength: LIMITS.userIdChars })),
          nonEmpty(shortText(30).map((text) => text.slice(0, LIMITS.userIdChars))),
          fc.maxSafeInteger(),
        ),
        skill: fc.oneof(fc.constant(null), shortText(20)),
        // Any text of 1-256 UTF-16 units (lone surrogates included: stored well-formed), or none.
        session_id: fc.oneof(
          fc.constant(null),
          nonEmpty(shortText(30)),
          fc.constantFrom("s".repeat(LIMITS.sessionIdChars), "😀".repeat(LIMITS.sessionIdChars / 2), "chat/2025 #7", "\ud800"),
        ),
        started: instantArb,
        startedFormat: isoFormat,
        ended: fc.oneof(fc.constant(undefined), fc.constant(null), fc.nat(3_600_000)),
        endedFormat: isoFormat,
        iterations: fc.oneof(fc.nat(50), fc.constantFrom(0, LIMITS.maxIterations)),
        tool_traces: fc.array(toolArb(mode), { maxLength: 4 }),
        tool_traces_dropped: fc.oneof(fc.nat(10), fc.constant(Number.MAX_SAFE_INTEGER)),
        final_output: shortText(60),
        status: fc.constantFrom("success", "error", "timeout"),
        metadata: metadataArb(mode),
      },
      { requiredKeys: ["started", "startedFormat", "endedFormat", "status"] },
    )
    .map(({ started, startedFormat, ended, endedFormat, ...rest }) => {
      const trace: Record<string, unknown> = { trace_id: "(fresh)", ...rest, started_at: isoOf(started, startedFormat) };
      if (ended === null) trace.ended_at = null;
      else if (ended !== undefined) trace.ended_at = isoOf(Math.min(started + ended, MAX_INSTANT), endedFormat);
      return trace;
    });
}

// ---------------------------------------------------------------------------------------------
// Variations (stay valid) and mutations (break it at a known path)

type Trace = Record<string, unknown>;

interface Variation {
  label: string;
  apply(trace: Trace): void;
  upperId?: boolean;
}

interface Mutation {
  label: string;
  /** Mutations of one slot would overwrite each other; at most one per slot. */
  slot: string;
  apply(trace: Trace): void;
  /** The path the rejection must name. */
  path: string;
  /** False for a check zod runs only when everything else passed (ended_at before started_at). */
  always: boolean;
  keepId?: boolean;
  notAnObject?: boolean;
  anyOutcome?: boolean;
}

const tools = (trace: Trace) => {
  if (!Array.isArray(trace.tool_traces) || trace.tool_traces.length === 0) {
    trace.tool_traces = [{ name: "seed_tool", input: { q: "x" }, output: "ok", duration_ms: 1, is_error: false, timestamp: "2025-01-01T00:00:00Z" }];
  }
  return trace.tool_traces as Trace[];
};
const metadataOf = (trace: Trace) => {
  if (typeof trace.metadata !== "object" || trace.metadata === null || Array.isArray(trace.metadata)) trace.metadata = {};
  return trace.metadata as Trace;
};

function variations(mode: FuzzMode): fc.Arbitrary<Variation> {
  const huge = hugeText(mode);
  return fc.oneof(
    huge.map((text) => ({ label: "huge:final_output", apply: (t: Trace) => void (t.final_output = text) })),
    huge.map((text) => ({ label: "huge:skill", apply: (t: Trace) => void (t.skill = text) })),
    huge.map((text) => ({ label: "huge:tool.name", apply: (t: Trace) => void (tools(t)[0]!.name = text) })),
    huge.map((text) => ({ label: "huge:tool.output", apply: (t: Trace) => void (tools(t)[0]!.output = text) })),
    huge.map((text) => ({ label: "huge:tool.input value", apply: (t: Trace) => void ((tools(t)[0]!.input = { ...(tools(t)[0]!.input as object), big: text })) })),
    huge.map((text) => ({ label: "huge:tool.input key", apply: (t: Trace) => void ((tools(t)[0]!.input = { [text.slice(0, 5_000)]: 1 })) })),
    huge.map((text) => ({ label: "huge:metadata value", apply: (t: Trace) => void (metadataOf(t).big = text) })),
    huge.map((text) => ({ label: "huge:metadata nested value", apply: (t: Trace) => void (metadataOf(t).nested = { list: [text, { deeper: text }] }) })),
    huge.map((text) => ({ label: "huge:metadata key", apply: (t: Trace) => void (metadataOf(t)[text.slice(0, 5_000)] = true) })),
    fc.constantFrom(...LONE_SURROGATES).map((lone) => ({
      label: "lone surrogates everywhere",
      apply: (t: Trace) => {
        t.user_id = `user${lone}`;
        t.skill = `skill${lone}`;
        t.final_output = `${lone}out${lone}`;
        const tool = tools(t)[0]!;
        tool.name = `tool${lone}`;
        tool.output = `${lone}`;
        tool.input = { [`key${lone}`]: `value${lone}` };
        metadataOf(t)[`meta${lone}`] = [`v${lone}`, { [`${lone}`]: lone }];
      },
    })),
    fc.tuple(fc.integer({ min: LIMITS.maxToolTraces + 1, max: 400 }), toolArb(mode), fc.integer({ min: 2, max: 20 })).map(([count, tool, everyNth]) => ({
      label: "many tool calls",
      apply: (t: Trace) => {
        t.tool_traces = Array.from({ length: count }, (_, index) => ({ ...tool, name: `${String(tool.name)}_${index}`, is_error: index % everyNth === 0, output: repeated("o", 400) }));
      },
    })),
    fc.integer({ min: 300, max: 2_000 }).map((count) => ({
      label: "wide metadata",
      apply: (t: Trace) => {
        const metadata = metadataOf(t);
        for (let index = 0; index < count; index++) metadata[`key_${index}`] = `value number ${index}`;
      },
    })),
    fc.constant({
      label: "deepest allowed metadata",
      apply: (t: Trace) => {
        // metadata (depth 1) > deep (2) > l1 (3) ... > l6 (8): containers down to depth 8 are allowed.
        let leaf: unknown = "bottom";
        for (let level = 6; level >= 1; level--) leaf = level % 2 === 0 ? [leaf] : { [`l${level}`]: leaf };
        metadataOf(t).deep = { l0: leaf };
      },
    }),
    fc.constant({
      label: "edge dates",
      apply: (t: Trace) => {
        t.started_at = "0001-01-01T00:00:00Z";
        t.ended_at = "9999-12-31T23:59:59.999Z";
        tools(t)[0]!.timestamp = "9999-12-31T23:59:59.999999999Z";
      },
    }),
    fc.constant({ label: "uppercase trace id", apply: () => undefined, upperId: true }),
    fc.constant({
      label: "server fields inside metadata",
      apply: (t: Trace) => {
        Object.assign(metadataOf(t), { recorded_by: "spoofed", expire_at: "9999-01-01T00:00:00Z", received_at: 0, sample_rate: 1, schema_version: 99 });
      },
    }),
    ...(mode === "wire"
      ? [
          fc.constantFrom("0", "42", "1e3", "12abc").map((value) => ({
            label: "Int64Value wrapper that decodes to a valid count",
            apply: (t: Trace) => void (t.iterations = int64(value)),
          })),
        ]
      : []),
  );
}

const BAD_TRACE_IDS: unknown[] = [
  "", "abc", "4bf92f3577b34da6a3ce929d0e0e473", "4bf92f3577b34da6a3ce929d0e0e47360", "0".repeat(32), `g${"a".repeat(31)}`,
  ` ${"a".repeat(32)}`, `${"a".repeat(32)}\n`, "4bf92f35-77b3-4da6-a3ce-929d0e0e4736", "１".repeat(32), `0x${"a".repeat(30)}`,
  123, 0, null, true, {}, [], ["4bf92f3577b34da6a3ce929d0e0e4736"],
];
const BAD_DATES: unknown[] = [
  "0000-06-01T00:00:00Z", "+010000-01-01T00:00:00Z", "10000-01-01T00:00:00Z", "9999-12-31T23:59:59.999-01:00",
  "0001-01-01T00:00:00+01:00", "2025-13-01T00:00:00Z", "2025-02-30T00:00:00Z", "2025-01-01T24:00:00Z", "2025-01-01T23:59:60Z",
  "2025-01-01T00:00:00", "2025-01-01", "2025-01-01T00:00Z", "2025-01-01T00:00:00+0530", "2025-01-01 00:00:00Z", "", "now",
  "2025-01-01t00:00:00z", 1735689600000, true, {}, [],
];
const UNKNOWN_TOP_LEVEL = ["recorded_by", "expire_at", "received_at", "sample_rate", "schema_version", "duration_ms", "tool_error_count", "constructor", "", "traceId", "STATUS", "user", "tool_trace", "toString"];

function mutations(mode: FuzzMode): fc.Arbitrary<Mutation> {
  const inProcess = mode === "in-process";
  const set = (slot: string, field: string, values: unknown[], label = `${field}: wrong value`): fc.Arbitrary<Mutation> =>
    fc.constantFrom(...values).map((value) => ({
      label,
      slot,
      path: field,
      always: true,
      keepId: field === "trace_id",
      apply: (t: Trace) => void (t[field] = value),
    }));
  const remove = (slot: string, field: string): fc.Arbitrary<Mutation> =>
    fc.constant({ label: `${field}: missing`, slot, path: field, always: true, keepId: field === "trace_id", apply: (t: Trace) => void delete t[field] });
  const nonFinite = inProcess ? [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY] : [int64("1e400"), int64("-1e400")];

  const toolMutation = (label: string, build: (index: number) => { segments: (string | number)[]; apply: (tool: Trace, list: unknown[]) => void }) =>
    fc.nat(3).map((wanted): Mutation => {
      let path = "";
      return {
        label: `tool: ${label}`,
        slot: "tool_traces",
        always: true,
        get path() {
          return path;
        },
        apply: (t: Trace) => {
          const list = tools(t);
          const index = wanted % list.length;
          const { segments, apply } = build(index);
          path = pathOf(["tool_traces", index, ...segments]);
          apply(list[index]!, list);
        },
      };
    });
  const toolField = (field: string, values: unknown[]) =>
    fc.constantFrom(...values).chain((value) => toolMutation(`${field} wrong value`, () => ({ segments: [field], apply: (tool) => void (tool[field] = value) })));
  const toolMissing = (field: string) => toolMutation(`${field} missing`, () => ({ segments: [field], apply: (tool) => void delete tool[field] }));

  /** A bad metadata value or key, placed under 0-3 levels of fresh maps. */
  const metadataMutation = (label: string, build: () => { segments: (string | number)[]; value: Trace }) =>
    fc.tuple(fc.nat(3), fc.constantFrom("m", "inner", "a b", "x.y")).map(([levels, name]): Mutation => {
      const parents = Array.from({ length: levels }, (_, level) => `${name}${level}`);
      const { segments, value } = build();
      return {
        label: `metadata: ${label}`,
        slot: "metadata",
        always: true,
        path: pathOf(["metadata", ...parents, ...segments]),
        apply: (t: Trace) => {
          let target = metadataOf(t);
          for (const parent of parents) target = (target[parent] = {}) as Trace;
          Object.assign(target, value);
        },
      };
    });

  const badMetadataValues: [string, unknown][] = inProcess
    ? [["NaN", Number.NaN], ["Infinity", Number.POSITIVE_INFINITY], ["-Infinity", Number.NEGATIVE_INFINITY], ["a Date", new Date(0)], ["a Map", new Map([["a", 1]])],
       ["a function", () => 1], ["undefined", undefined], ["a BigInt", 10n], ["a symbol", Symbol("s")], ["a class instance", new (class Point { x = 1 })()], ["a RegExp", /x/]]
    : [["Int64Value 1e400 (Infinity)", int64("1e400")], ["Int64Value -1e400 (-Infinity)", int64("-1e400")]];

  const overDeep = fc.tuple(fc.integer({ min: 7, max: 12 }), fc.boolean()).map(([levels, alternate]): Mutation => {
    // Containers below metadata.deep: the one at depth 9 is the first too deep.
    const segments: (string | number)[] = ["deep"];
    let firstTooDeep: (string | number)[] = [];
    const root: Trace = {};
    let parent: Trace | unknown[] = root;
    let key: string | number = "deep";
    for (let level = 0; level <= levels; level++) {
      const depth = level + 2;
      if (depth === LIMITS.metadataDepth + 1) firstTooDeep = [...segments];
      const isArray = alternate && level % 2 === 1;
      const container: Trace | unknown[] = isArray ? [] : {};
      (parent as Record<string | number, unknown>)[key] = container;
      parent = container;
      key = isArray ? 0 : `d${level}`;
      segments.push(key);
    }
    (parent as Record<string | number, unknown>)[key] = "leaf";
    return {
      label: `metadata: nested too deep (${levels + 1} levels${alternate ? ", maps and arrays" : ""})`,
      slot: "metadata",
      always: true,
      path: pathOf(["metadata", ...firstTooDeep]),
      apply: (t) => void Object.assign(metadataOf(t), root),
    };
  });

  const list: fc.Arbitrary<Mutation>[] = [
    set("trace_id", "trace_id", BAD_TRACE_IDS, "trace_id: bad id"),
    remove("trace_id", "trace_id"),
    set("user_id", "user_id", ["", repeated("u", LIMITS.userIdChars + 1), 1.5, 2 ** 53, -(2 ** 53), true, {}, [], ...(inProcess ? nonFinite : [int64("9007199254740993"), ...nonFinite])]),
    set("skill", "skill", [5, true, {}, ["planning"]]),
    set("session_id", "session_id", ["", repeated("s", LIMITS.sessionIdChars + 1), 42, true, {}, ["chat-7"], ...nonFinite]),
    set("dates", "started_at", BAD_DATES, "started_at: bad date"),
    set("dates", "started_at", [null]),
    remove("dates", "started_at"),
    set("dates", "ended_at", BAD_DATES, "ended_at: bad date"),
    fc.constant<Mutation>({
      label: "ended_at before started_at",
      slot: "dates",
      path: "ended_at",
      always: false,
      apply: (t) => {
        t.started_at = "2025-01-02T00:00:00Z";
        t.ended_at = "2025-01-01T23:59:59.999+00:00";
      },
    }),
    set("iterations", "iterations", [-1, 1.5, LIMITS.maxIterations + 1, 2 ** 53, "3", null, true, [], ...nonFinite]),
    set("tool_traces", "tool_traces", [{}, "[]", 5, null, true, { 0: {} }]),
    set("tool_traces_dropped", "tool_traces_dropped", [-1, 0.5, 2 ** 53, "1", null, ...nonFinite]),
    set("final_output", "final_output", [5, null, {}, ["a"], true]),
    set("status", "status", ["running", "ERROR", "Success", "", null, 1, ["error"]]),
    remove("status", "status"),
    set("metadata", "metadata", [[], "x", 5, null, true, [{ a: 1 }], ...(inProcess ? [new Date(0), new Map()] : [])]),
    fc
      .uniqueArray(fc.oneof(fc.constantFrom(...UNKNOWN_TOP_LEVEL), fc.string({ minLength: 1, maxLength: 8 })), { minLength: 1, maxLength: 2 })
      // "traces" makes the payload recordTrace's batch form, tested on its own.
      .filter((keys) => keys.every((key) => !SHAPE_KEYS.has(key) && key !== "traces" && !key.includes(", ") && key !== "__proto__" && (inProcess || key !== "@type")))
      .map((keys): Mutation => ({
        label: "unknown top-level field",
        slot: "unknown",
        path: keys.map((key) => pathOf([key])).join(", "),
        always: true,
        apply: (t) => {
          for (const key of keys) t[key] = "spoofed";
        },
      })),
    fc.constantFrom<unknown>("x", 5, null, [], true).chain((value) =>
      toolMutation("entry of the wrong type", (index) => ({ segments: [], apply: (_tool, list) => void (list[index] = value) })),
    ),
    toolField("name", ["", 5, null, ["n"]]),
    toolMissing("name"),
    toolField("input", [[], "x", 5, null, ["a", "b"]]),
    // An own "__proto__" key can only be built in-process: JSON decoding turns it into a prototype.
    fc.constantFrom("", "__x__", "____", "__name__", ...(inProcess ? ["__proto__"] : [])).chain((key) =>
      toolMutation(`input key ${JSON.stringify(key)}`, () => ({
        segments: ["input", key],
        apply: (tool) => {
          const input: Trace = {};
          Object.defineProperty(input, key, { value: "v", enumerable: true, writable: true, configurable: true });
          tool.input = input;
        },
      })),
    ),
    toolField("output", [5, null, {}, ["o"], true]),
    toolField("duration_ms", [-1, 1.5, LIMITS.maxDurationMs + 1, 2 ** 53, "10", null, ...nonFinite]),
    toolMissing("duration_ms"),
    toolField("is_error", ["true", 1, null, "false"]),
    toolField("timestamp", BAD_DATES),
    toolMissing("timestamp"),
    fc.constantFrom("cost", "recorded_by", "", "Name").chain((key) =>
      toolMutation(`unknown field ${JSON.stringify(key)}`, () => ({ segments: [key], apply: (tool) => void (tool[key] = 3) })),
    ),
    metadataMutation("array inside an array", () => ({ segments: ["grid", 1], value: { grid: [1, [2, 3]] } })),
    metadataMutation("array inside an array (first)", () => ({ segments: ["grid", 0], value: { grid: [[]] } })),
    metadataMutation("array inside an array, in a map in an array", () => ({ segments: ["rows", 0, "cells", 0], value: { rows: [{ cells: [[1]] }] } })),
    fc.constantFrom("__x__", "____", "__name__", "__key__").chain((key) =>
      metadataMutation(`reserved key ${key}`, () => ({ segments: [key], value: { [key]: 1 } })),
    ),
    metadataMutation("empty key", () => ({ segments: [""], value: { "": "empty" } })),
    metadataMutation("empty key in an array's map", () => ({ segments: ["list", 0, ""], value: { list: [{ "": 1 }] } })),
    overDeep,
    fc.constantFrom(...badMetadataValues).chain(([what, value]) => metadataMutation(what, () => ({ segments: ["bad"], value: { bad: value } }))),
  ];
  if (inProcess) {
    // What decode() makes of a "__proto__" key: the object's prototype, not a field. Either answer
    // is acceptable; neither may be `internal`.
    list.push(
      fc.constantFrom("top", "metadata", "tool input").map((where): Mutation => ({
        label: `__proto__ key (${where}), as decode() builds it`,
        slot: where === "top" ? "unknown" : where === "metadata" ? "metadata" : "tool_traces",
        path: "",
        always: true,
        anyOutcome: true,
        apply: (t) => {
          const target = where === "top" ? t : where === "metadata" ? metadataOf(t) : ((tools(t)[0]!.input = {}) as Trace);
          (target as { __proto__: unknown }).__proto__ = { injected: "value", status: "error" };
        },
      })),
    );
  }
  return fc.oneof(...list);
}

const notAnObject = (mode: FuzzMode): fc.Arbitrary<FuzzCase> =>
  fc.constantFrom<unknown>(null, [], [{ trace_id: "a" }], "trace", 42, true, ...(mode === "in-process" ? [undefined] : [])).map((payload) => ({
    payload,
    id: "keep",
    expect: { kind: "not-an-object" },
    labels: ["not an object"],
  }));

function clone(trace: Trace): Trace {
  return structuredClone(trace);
}

/**
 * The generated cases: mostly invalid ones (cheap to reject), `validWeight` percent valid ones.
 * Every value is built fresh from the generated parts, so fast-check can shrink it safely.
 */
export function fuzzCaseArb(mode: FuzzMode, validWeight: number): fc.Arbitrary<FuzzCase> {
  const base = validTraceArb(mode);
  const someVariations = fc.array(variations(mode), { maxLength: 2 });
  const valid = fc.tuple(base, fc.oneof({ weight: 3, arbitrary: fc.constant([] as Variation[]) }, { weight: 2, arbitrary: someVariations })).map(
    ([trace, applied]): FuzzCase => {
      const payload = clone(trace);
      for (const variation of applied) variation.apply(payload);
      return { payload, id: applied.some((v) => v.upperId) ? "upper" : "fresh", expect: { kind: "valid" }, labels: applied.map((v) => v.label) };
    },
  );
  const invalid = fc
    .tuple(base, fc.array(variations(mode), { maxLength: 1 }), fc.uniqueArray(mutations(mode), { minLength: 1, maxLength: 3, selector: (m) => m.slot }))
    .map(([trace, applied, broken]): FuzzCase => {
      const payload = clone(trace);
      for (const variation of applied) variation.apply(payload);
      for (const mutation of broken) mutation.apply(payload);
      // A failed run is stored repaired, not rejected (see prepareTrace): the strict answer is a success's.
      if (!broken.some((m) => m.slot === "status")) payload.status = "success";
      const labels = [...applied.map((v) => v.label), ...broken.map((m) => m.label)];
      const keepId = broken.some((m) => m.keepId);
      const id = keepId ? "keep" : applied.some((v) => v.upperId) ? "upper" : "fresh";
      if (broken.some((m) => m.anyOutcome)) return { payload, id, expect: { kind: "any" }, labels };
      const paths = broken.map((m) => m.path);
      return { payload, id, expect: { kind: "invalid", required: broken.filter((m) => m.always).map((m) => m.path), someOf: paths }, labels };
    });
  return fc.oneof({ weight: 1, arbitrary: notAnObject(mode) }, { weight: validWeight, arbitrary: valid }, { weight: 99 - validWeight, arbitrary: invalid });
}

/** The payload to send: the case's, with a fresh trace id unless the case is about the id. */
export function payloadWithId(fuzzCase: FuzzCase, freshId: string): unknown {
  if (fuzzCase.id === "keep") return fuzzCase.payload;
  const source = fuzzCase.payload as Trace;
  // Keep the prototype a "__proto__" key gave the payload (Object.assign copies own fields only).
  const payload = Object.assign(Object.create(Object.getPrototypeOf(source) as object) as Trace, source);
  payload.trace_id = fuzzCase.id === "upper" ? freshId.toUpperCase() : freshId;
  return payload;
}

/** Trace ids unique across a run: a random prefix (16 hex digits, shared by all) and a counter. */
export function traceIdSequence(): (() => string) & { prefix: string } {
  const prefix = Array.from(globalThis.crypto.getRandomValues(new Uint8Array(8)), (byte) => byte.toString(16).padStart(2, "0")).join("");
  let counter = 0;
  return Object.assign(() => `${prefix}${(++counter).toString(16).padStart(16, "0")}`, { prefix });
}

export interface Rejection {
  code: string;
  message: string;
  fields: unknown;
}

/**
 * Checks one answer against the case: a rejection must be invalid-argument, start with
 * "Invalid trace:", name a reported field, and name the paths the mutations broke; an acceptance
 * must be of a case that may be accepted. Returns what is wrong, or undefined.
 */
export function checkAnswer(fuzzCase: FuzzCase, answer: { ok: true } | { ok: false; rejection: Rejection }): string | undefined {
  const { expect } = fuzzCase;
  if (answer.ok) {
    return expect.kind === "valid" || expect.kind === "any" ? undefined : `accepted, but expected a rejection (${fuzzCase.labels.join("; ")})`;
  }
  const { code, message, fields } = answer.rejection;
  if (code !== "invalid-argument") return `answered ${code} (${message}), expected invalid-argument or success`;
  if (!message.startsWith("Invalid trace: ")) return `message does not start with "Invalid trace: ": ${message}`;
  if (expect.kind === "not-an-object") {
    return message === "Invalid trace: the payload must be a trace object" ? undefined : `expected the not-an-object message, got: ${message}`;
  }
  if (expect.kind === "valid") return `a valid trace was rejected: ${message.slice(0, 500)}`;
  if (!Array.isArray(fields) || fields.length === 0 || !fields.every((field) => typeof field === "string")) {
    return `details.fields must list the invalid fields, got ${JSON.stringify(fields)}`;
  }
  if (!message.includes(`${fields[0] as string}: `)) return `the message does not name the first reported field ${String(fields[0])}: ${message}`;
  return checkFieldsNamed(expect, fields as string[]);
}

/** Whether `fields` (as a rejection or `repaired_fields` lists them) name what the case's mutations broke; what is wrong, or undefined. */
export function checkFieldsNamed(expect: Expectation, fields: readonly string[]): string | undefined {
  if (expect.kind !== "invalid") return undefined;
  const reported = new Set((fields as string[]).flatMap((field) => [field, ...field.split(", ")]));
  const missing = expect.required.filter((path) => !reported.has(path) && !path.split(", ").every((part) => reported.has(part)));
  if (missing.length > 0) return `expected ${missing.join(" and ")} to be named; reported ${JSON.stringify(fields)}`;
  if (!expect.someOf.some((path) => reported.has(path) || path.split(", ").every((part) => reported.has(part)))) {
    return `none of ${expect.someOf.join(", ")} was named; reported ${JSON.stringify(fields)}`;
  }
  return undefined;
}

/** A short, printable summary of a payload for failure messages. */
export function describePayload(payload: unknown): string {
  try {
    const text = JSON.stringify(payload, (_key, value: unknown) =>
      typeof value === "string" && value.length > 120 ? `${value.slice(0, 60)}…(${value.length} chars)` : typeof value === "bigint" ? `${value}n` : value,
    );
    return text === undefined ? String(payload) : text.length > 3_000 ? `${text.slice(0, 3_000)}…` : text;
  } catch (error) {
    return `(unprintable: ${String(error)})`;
  }
}

/**
 * What the function receives for `payload` sent by the Firebase JS SDK: the SDK's encode(), JSON, and
 * firebase-functions' decode() (copies of both, for pure tests). Throws where they throw: the SDK on
 * NaN or an object whose `hasOwnProperty` is not Object.prototype's; decode on an object with a
 * truthy "@type" other than the Int64 wrappers, or a wrapper whose value is not a number.
 */
export function wireRoundTrip(payload: unknown): unknown {
  const encode = (data: unknown): unknown => {
    if (data === null || data === undefined) return null;
    if (typeof data === "number" && Number.isFinite(data)) return data;
    if (typeof data === "boolean" || typeof data === "string") return data;
    if (data instanceof Date) return data.toISOString();
    if (Array.isArray(data)) return data.map(encode);
    if (typeof data === "object" || typeof data === "function") {
      const result: Record<string, unknown> = {};
      for (const key in data) {
        // As the SDK does it: an own "hasOwnProperty" key breaks it, which is the point of copying it.
        // eslint-disable-next-line no-prototype-builtins
        if ((data as { hasOwnProperty(key: string): boolean }).hasOwnProperty(key)) result[key] = encode((data as Record<string, unknown>)[key]);
      }
      return result;
    }
    throw new Error(`Data cannot be encoded in JSON: ${String(data)}`);
  };
  const decode = (data: unknown): unknown => {
    if (data === null) return data;
    const type = (data as Record<string, unknown>)["@type"];
    if (type) {
      if (type === INT64_TYPE || type === "type.googleapis.com/google.protobuf.UInt64Value") {
        const value = parseFloat((data as { value: string }).value);
        if (Number.isNaN(value)) throw new Error(`Data cannot be decoded from JSON: ${String(data)}`);
        return value;
      }
      throw new Error(`Data cannot be decoded from JSON: ${String(data)}`);
    }
    if (Array.isArray(data)) return data.map(decode);
    if (typeof data === "object") {
      const result: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(data)) result[key] = decode(value);
      return result;
    }
    return data;
  };
  return decode(JSON.parse(JSON.stringify({ data: encode(payload) })).data);
}
