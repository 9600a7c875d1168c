import { lineOf, readJsonc, setAt, valueAt, type JsoncDocument } from "./jsonc.js";
import { InitRefusal } from "./refusal.js";

interface IndexesFile {
  indexes?: unknown;
  fieldOverrides?: unknown;
}

/**
 * Adds to a project's firestore.indexes.json the composite indexes and field overrides (TTL policies,
 * index exemptions) of ours it lacks, compared by meaning, not text; its own lines stay as written,
 * comments included, ours appended after them (see jsonc.ts).
 * Refuses a field override of theirs on one of our fields that says something else.
 */
export function mergeIndexes(userText: string | undefined, ourText: string, file: string): string {
  const ours = readJsonc(ourText, "agent-traces firestore.indexes.json");
  if (userText === undefined) return ourText.endsWith("\n") ? ourText : `${ourText}\n`;
  let doc = readJsonc(userText, file);
  const ourIndexes = listAt(ours, "indexes");
  const ourOverrides = listAt(ours, "fieldOverrides");
  const theirIndexes = listAt(doc, "indexes");
  const theirOverrides = listAt(doc, "fieldOverrides");

  const missingIndexes = ourIndexes.filter((index) => !theirIndexes.some((theirs) => indexKey(theirs) === indexKey(index)));
  const missingOverrides = ourOverrides.filter((override) => {
    const at = theirOverrides.findIndex((theirs) => overrideField(theirs) === overrideField(override));
    if (at < 0) return true;
    if (overrideKey(theirOverrides[at]) !== overrideKey(override)) {
      throw new InitRefusal(
        file,
        lineOf(doc, ["fieldOverrides", at]),
        `your field override for ${overrideField(override)} differs from agent-traces' (${JSON.stringify(override)}); make it the same or remove it, then run agent-traces init again`,
      );
    }
    return false;
  });

  doc = append(doc, "indexes", missingIndexes, theirIndexes);
  doc = append(doc, "fieldOverrides", missingOverrides, theirOverrides);
  return doc.text;
}

function append(doc: JsoncDocument, key: "indexes" | "fieldOverrides", missing: unknown[], present: unknown[]): JsoncDocument {
  if (missing.length === 0) return doc;
  if (valueAt(doc, [key]) === undefined) return setAt(doc, [key], [...present, ...missing]);
  let next = doc;
  for (const entry of missing) next = setAt(next, [key, -1], entry);
  return next;
}

function listAt(doc: JsoncDocument, key: keyof IndexesFile): unknown[] {
  const value = valueAt(doc, [key]);
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new InitRefusal(doc.file, lineOf(doc, [key]), `"${key}" is not a list; fix it, then run agent-traces init again`);
  return value;
}

type Entry = Record<string, unknown>;
const entry = (value: unknown): Entry => (typeof value === "object" && value !== null ? (value as Entry) : {});

/** A composite index by meaning: collection group, scope (COLLECTION when left out), and its fields in order. */
function indexKey(value: unknown): string {
  const index = entry(value);
  const fields = Array.isArray(index.fields) ? index.fields.map(entry) : [];
  return JSON.stringify({
    collectionGroup: index.collectionGroup,
    queryScope: index.queryScope ?? "COLLECTION",
    fields: fields
      .filter((field) => field.fieldPath !== "__name__")
      .map((field) => ({ fieldPath: field.fieldPath, order: field.order ?? field.mode, arrayConfig: field.arrayConfig, vectorConfig: field.vectorConfig })),
  });
}

function overrideField(value: unknown): string {
  const override = entry(value);
  return `${String(override.collectionGroup)}.${String(override.fieldPath)}`;
}

/** A field override by meaning: its TTL flag and its set of single-field indexes. */
function overrideKey(value: unknown): string {
  const override = entry(value);
  const indexes = Array.isArray(override.indexes)
    ? override.indexes
        .map(entry)
        .map((index) => JSON.stringify({ order: index.order, arrayConfig: index.arrayConfig, queryScope: index.queryScope ?? "COLLECTION" }))
        .sort()
    : null;
  return JSON.stringify({ ttl: override.ttl === true, indexes });
}
