import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import { DocumentReference, type DocumentData } from "firebase-admin/firestore";
import { httpsCallable } from "firebase/functions";
import { randomTraceId } from "@agent-traces/core";
import { TRACES_COLLECTION } from "@agent-traces/store";
import type { TraceDocument } from "@agent-traces/admin";
import { adminFirestore, clientSession, type ClientSession } from "./support/emulators.js";
import { aTrace } from "./support/traces.js";

/**
 * The schema file for the "Stream Firestore to BigQuery" extension's schema-views script
 * (`fs-bq-schema-views`), checked against traces stored by the real recordTrace. That package is
 * not a dependency (it pulls in genkit, @google-cloud/bigquery, firebase-admin 13 and
 * firebase-functions 6, and runs its CLI on import): the rules below are read from its source,
 * firebase/extensions firestore-bigquery-export/scripts/gen-schema-view/src (0.4.13), each citing its file.
 */
const SCHEMA_FILE = fileURLToPath(new URL("../../bigquery/execution_traces.json", import.meta.url));

// src/schema/index.ts, FirestoreFieldType: every type the script knows ("json" is not one).
const FIELD_TYPES = ["boolean", "geopoint", "number", "map", "array", "null", "string", "stringified_map", "array_map", "timestamp", "reference"] as const;
type FieldType = (typeof FIELD_TYPES)[number];

interface SchemaField {
  name: string;
  type: FieldType;
  column_name?: string;
  description?: string;
  fields?: SchemaField[];
}

/**
 * Every field of the stored document, checked by tsc against TraceDocument: a field added there
 * fails `npm run lint` until it is listed here, and the test until the schema declares it.
 */
const STORED_FIELDS = {
  trace_id: true,
  user_id: true,
  skill: true,
  session_id: true,
  started_at: true,
  ended_at: true,
  iterations: true,
  tool_traces: true,
  tool_traces_dropped: true,
  tool_traces_shortened: true,
  final_output: true,
  status: true,
  metadata: true,
  values_repaired: true,
  original_trace_id: true,
  duration_ms: true,
  tool_error_count: true,
  failed_tools: true,
  failed_tool_names: true,
  recorded_by: true,
  received_at: true,
  committed_at: true,
  expire_at: true,
  sample_rate: true,
  weight: true,
  weight_variance: true,
  usage: true,
  cost_usd: true,
  unpriced_models: true,
  has_usage: true,
  has_session: true,
  kept_for: true,
  feedback: true,
  negative_feedback: true,
  content_captured: true,
  repaired_fields: true,
  schema_version: true,
} satisfies Record<keyof TraceDocument, true>;

/** Fields stored as a string or a safe integer (core's userIdSchema): a string column gives a number's decimal text. */
const STRING_OR_NUMBER = new Set(["user_id"]);

/** Columns every schema view has besides the schema's (src/schema/index.ts buildSchemaViewQuery, src/snapshot.ts). */
const VIEW_COLUMNS = new Set(["document_name", "document_id", "timestamp", "operation"]);

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function readSchema(): { fields: SchemaField[] } {
  return JSON.parse(readFileSync(SCHEMA_FILE, "utf8")) as { fields: SchemaField[] };
}

/** src/schema-loader-utils.ts filePathToSchemaName: the name the views are named by. */
function schemaName(path: string): string {
  return basename(path).split(".").slice(0, -1).join(".").replace(/-/g, "_");
}

/** The problems the script would trip on, or leave as broken SQL, for `fields` under `prefix`. */
function schemaProblems(fields: unknown, prefix: string[] = [], columns = new Set<string>()): string[] {
  if (!Array.isArray(fields) || fields.length === 0) return [`${prefix.join(".") || "schema"}: fields must be a non-empty array`];
  const problems: string[] = [];
  for (const field of fields as SchemaField[]) {
    const path = [...prefix, String(field.name)].join(".");
    // src/schema/extractors.ts: the name goes unquoted into the JSONPath '$.<name>'.
    if (typeof field.name !== "string" || !IDENTIFIER.test(field.name)) problems.push(`${path}: name must match ${IDENTIFIER}`);
    // src/schema/processLeafField.ts: an unknown type selects `undefined`.
    if (!FIELD_TYPES.includes(field.type)) problems.push(`${path}: type "${String(field.type)}" is not one of ${FIELD_TYPES.join(", ")}`);
    const nested = field.type === "map" || field.type === "array_map";
    if (!nested && field.fields !== undefined) problems.push(`${path}: only map and array_map fields take fields`);
    if (field.column_name !== undefined && !IDENTIFIER.test(field.column_name)) problems.push(`${path}: column_name must match ${IDENTIFIER}`);
    // src/schema/index.ts updateFirestoreSchemaFields and qualifyFieldName: a map's columns are prefixed with its name.
    const column = [...prefix, field.column_name ?? field.name].join("_");
    if (nested) {
      problems.push(...schemaProblems(field.fields, [...prefix, field.column_name ?? field.name], columns));
      continue;
    }
    const added = field.type === "array" ? [column, `${column}_index`, `${column}_member`] : field.type === "geopoint" ? [column, `${column}_latitude`, `${column}_longitude`] : [column];
    for (const name of added) {
      if (VIEW_COLUMNS.has(name) || columns.has(name)) problems.push(`${path}: column ${name} is taken (set column_name)`);
      columns.add(name);
    }
  }
  return problems;
}

/** The `data` column the extension writes: firestore-bigquery-change-tracker/src/bigquery/index.ts record and serializeData. */
function changelogData(document: DocumentData): Record<string, unknown> {
  return JSON.parse(JSON.stringify(serializeData(document))) as Record<string, unknown>;
}

function serializeData(value: unknown): unknown {
  if (value instanceof DocumentReference) return value.path;
  if (Array.isArray(value)) return value.filter((item) => !Buffer.isBuffer(item)).map(serializeData);
  if (value === null || typeof value !== "object" || Object.getPrototypeOf(value) !== Object.prototype) return value;
  return Object.fromEntries(Object.entries(value).filter(([, item]) => !Buffer.isBuffer(item)).map(([key, item]) => [key, serializeData(item)]));
}

/** JSON_EXTRACT_SCALAR: a scalar's text, NULL for null, an object or an array. */
function scalarText(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return JSON.stringify(value);
  return null;
}

/**
 * What the changelog view's column holds for one JSON value of `data`: src/schema/processLeafField.ts
 * (the selector per type) with the UDFs of src/udf.ts; NULL (a value of the wrong type) is null.
 */
function columnValue(type: FieldType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case "null":
      return null;
    case "string":
    case "reference":
      return scalarText(value);
    case "number": {
      // firestoreNumber: SAFE_CAST(text AS NUMERIC).
      const text = scalarText(value);
      return text !== null && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) ? Number(text) : null;
    }
    case "boolean": {
      // firestoreBoolean: SAFE_CAST(text AS BOOLEAN).
      const text = scalarText(value)?.toLowerCase();
      return text === "true" ? true : text === "false" ? false : null;
    }
    case "timestamp": {
      // firestoreTimestamp: TIMESTAMP_MILLIS(_seconds * 1000 + SAFE_CAST(_nanoseconds / 1E6 AS INT64)), the cast rounding.
      const { _seconds: seconds, _nanoseconds: nanos } = value as { _seconds?: unknown; _nanoseconds?: unknown };
      if (!Number.isInteger(seconds) || !Number.isInteger(nanos)) return null;
      return (seconds as number) * 1000 + Math.round((nanos as number) / 1e6);
    }
    case "stringified_map":
      // JSON_EXTRACT: the value's JSON text.
      return JSON.stringify(value);
    case "array":
      // firestoreArray: each member as a string, objects as their JSON text; [] for a non-array.
      return Array.isArray(value) ? value.map((item) => (typeof item === "string" ? item : JSON.stringify(item))) : [];
    case "geopoint": {
      const { _latitude: latitude, _longitude: longitude } = value as { _latitude?: unknown; _longitude?: unknown };
      return typeof latitude === "number" && typeof longitude === "number" ? { latitude, longitude } : null;
    }
    case "map":
    case "array_map":
      throw new Error(`${type} is not emulated here: declare its leaves, or add them to columnValue`);
  }
}

/** The schema type a stored JSON value maps to: what the declared type must be for its column to hold it whole. */
function typesFor(name: string, value: unknown): FieldType[] {
  if (typeof value === "string") return ["string"];
  if (typeof value === "number") return STRING_OR_NUMBER.has(name) ? ["number", "string"] : ["number"];
  if (typeof value === "boolean") return ["boolean"];
  if (Array.isArray(value)) return ["stringified_map", "array", "array_map"];
  const keys = Object.keys(value as object).sort().join(",");
  if (keys === "_nanoseconds,_seconds") return ["timestamp"];
  if (keys === "_latitude,_longitude") return ["geopoint"];
  return ["stringified_map", "map"];
}

/**
 * Checks one stored trace against the schema's fields (a map's against its declared leaves, whose
 * columns are prefixed with its name); returns the declared top-level fields it holds.
 */
function checkAgainstSchema(fields: readonly SchemaField[], document: DocumentData, label: string): Set<string> {
  return checkFields(fields, changelogData(document), document, label);
}

function checkFields(fields: readonly SchemaField[], data: Record<string, unknown>, stored: DocumentData, label: string): Set<string> {
  const declared = new Map(fields.map((field) => [field.name, field]));
  const undeclared = Object.keys(data).filter((name) => !declared.has(name));
  assert.deepEqual(
    undeclared.map((name) => `${name} (${typesFor(name, data[name])[0]})`),
    [],
    `${label}: stored fields missing from ${basename(SCHEMA_FILE)}: add each with the type shown`,
  );
  const held = new Set<string>();
  for (const field of fields) {
    const value = data[field.name];
    if (value === null || value === undefined) continue;
    held.add(field.name);
    const where = `${label}: ${field.name} (declared ${field.type}, stored ${JSON.stringify(value).slice(0, 80)})`;
    assert.ok(typesFor(field.name, value).includes(field.type), `${where}: should be declared ${typesFor(field.name, value).join(" or ")}`);
    const storedValue = stored[field.name] as unknown;
    if (field.type === "map") {
      const leaves = checkFields(field.fields!, value as Record<string, unknown>, storedValue as DocumentData, `${label}: ${field.name}`);
      assert.deepEqual(field.fields!.map((leaf) => leaf.name).filter((name) => !leaves.has(name)), [], `${where}: every declared leaf is held`);
      continue;
    }
    const column = columnValue(field.type, value);
    assert.notEqual(column, null, `${where}: the view's column would be NULL`);
    if (field.type === "timestamp") assert.equal(column, (storedValue as { toMillis(): number }).toMillis(), `${where}: the instant, to the millisecond`);
    else if (field.type === "stringified_map") assert.deepEqual(JSON.parse(column as string), value, `${where}: the whole value, as JSON`);
    else if (field.type === "string") assert.equal(column, String(storedValue), where);
    else assert.equal(column, storedValue, where);
  }
  return held;
}

describe("BigQuery: the schema-views file bigquery/execution_traces.json against stored traces", () => {
  let client: ClientSession;
  before(async () => {
    client = await clientSession();
  });
  after(async () => client?.close());

  async function record(trace: Record<string, unknown>, rating?: "up" | "down"): Promise<DocumentData> {
    const result = (await client.callRecordTrace(trace)) as { trace_id: string; stored: boolean };
    assert.equal(result.stored, true, JSON.stringify(result));
    // The rating's counts (feedback, negative_feedback) are what only recordFeedback writes on a run.
    if (rating) await httpsCallable(client.functions, "recordFeedback")({ trace_id: result.trace_id, rating });
    const snapshot = await adminFirestore().collection(TRACES_COLLECTION).doc(result.trace_id).get();
    assert.ok(snapshot.exists, `${result.trace_id} is stored`);
    return snapshot.data()!;
  }

  it("is a schema the fs-bq-schema-views script accepts, naming views after the collection", () => {
    const schema = readSchema();
    assert.deepEqual(Object.keys(schema), ["fields"]);
    assert.deepEqual(schemaProblems(schema.fields), []);
    // The README's view names: <TABLE_ID>_schema_execution_traces_changelog and _latest.
    assert.equal(schemaName(SCHEMA_FILE), "execution_traces");
    assert.equal(TRACES_COLLECTION, "execution_traces", "the README's COLLECTION_PATH");
    assert.deepEqual(schema.fields.map((field) => field.name).sort(), Object.keys(STORED_FIELDS).sort(), "the schema declares exactly the stored document's fields");
  });

  it("declares every field of a full stored trace with the type its column needs, and nothing it lacks", async () => {
    const started = Date.now() - 60_000;
    const document = await record({
      // A nested array in metadata is refused, so the failed run is stored repaired (repaired_fields).
      ...aTrace({
        status: "error",
        skill: "research",
        session_id: "conversation-42",
        started_at: new Date(started).toISOString(),
        ended_at: new Date(started + 4_321).toISOString(),
        iterations: 3,
        tool_traces: [
          { name: "web_search", input: { query: "firestore ttl", limit: 5 }, output: "3 results", duration_ms: 120, is_error: false, timestamp: new Date(started + 5).toISOString() },
          { name: "fetch_page", input: { url: "https://example.com" }, output: "HTTP 503", duration_ms: 900, is_error: true, timestamp: new Date(started + 200).toISOString() },
        ],
        final_output: "Could not finish.",
        metadata: { error: "fetch_page failed: HTTP 503", model: "gemini-2.5-flash", temperature: 0.2, grid: [[1, 2]], nested: { depth: { two: true } } },
        usage: [
          { model: "gemini-2.5-flash", input_tokens: 1_200, output_tokens: 340 },
          { model: "a-model-with-no-price", input_tokens: 10, output_tokens: 2 },
        ],
        original_trace_id: randomTraceId(),
        // Sent without its content (the tracer's captureContent: false), so the document holds content_captured.
        content_captured: false,
      }),
    }, "down");
    const fields = readSchema().fields;
    const held = checkAgainstSchema(fields, document, "full error trace");
    assert.deepEqual(
      fields.map((field) => field.name).filter((name) => !held.has(name)),
      [],
      "every declared field is held by the full trace (a field no trace stores is a column always NULL)",
    );
    assert.deepEqual(document.repaired_fields, ["metadata.grid[0]"]);
    assert.equal(document.has_usage, true);
    assert.deepEqual([document.cost_usd, document.unpriced_models], [(1_200 * 0.3 + 340 * 2.5) / 1e6, ["a-model-with-no-price"]]);
    assert.equal(document.has_session, true);
    assert.deepEqual(document.failed_tool_names, ["fetch_page"]);
    assert.equal(document.kept_for, "error");
    assert.deepEqual(document.feedback, { up: 0, down: 1 });
    assert.equal(document.negative_feedback, true);
    assert.equal(document.content_captured, false);
    assert.equal(columnValue("boolean", changelogData(document).content_captured), false);
  });

  it("keeps a sparse trace's nulls NULL and a numeric user id as its text", async () => {
    const document = await record({ ...aTrace({ status: "timeout", user_id: 4242, skill: null, ended_at: null, tool_traces: [], metadata: {} }) });
    const held = checkAgainstSchema(readSchema().fields, document, "sparse timeout trace");
    for (const name of ["skill", "ended_at", "duration_ms", "session_id", "feedback"]) {
      assert.equal(document[name] ?? null, null, `${name} is stored null or left out`);
      assert.equal(held.has(name), false);
    }
    assert.equal(columnValue("string", changelogData(document).user_id), "4242");
  });
});
