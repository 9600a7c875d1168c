import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { parse } from "jsonc-parser";
import { CODEBASE_ENTRY, mergeFirebaseJson, VIEWER_ENTRY } from "../../packages/cli/src/init/firebaseJson.js";
import { chooseProject, mergeFirebaserc } from "../../packages/cli/src/init/firebaserc.js";
import { mergeIndexes } from "../../packages/cli/src/init/indexesMerge.js";
import { InitRefusal } from "../../packages/cli/src/init/refusal.js";
import { FIREBASE_JSON, FIREBASERC, INDEXES } from "../support/initFixtures.js";

const sites = { defaultSite: "demo-shop", viewerSite: "demo-shop-traces" };
const mergeJson = (text: string) => mergeFirebaseJson(text, sites);
const ourIndexes = readFileSync(new URL("../../firestore.indexes.json", import.meta.url), "utf8");
const jsonc = (text: string) => parse(text) as Record<string, unknown>;

/** Asserts a refusal naming `file` (and `line` when given) with a message matching `message`. */
function refuses(run: () => unknown, file: string, message: RegExp, line?: number): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof InitRefusal, `an InitRefusal, got ${String(error)}`);
    assert.equal(error.file, file);
    if (line !== undefined) assert.equal(error.line, line);
    assert.match(error.message, message);
    return true;
  });
}

/**
 * True when `out` is the user's `line` as written, but for what a merge adds to a line of the user's
 * (at most two of these): a `,` (or `, {`, our item following on the line) right after its value,
 * before what ends the line (a comment stays on it); a `[` before an object that becomes a list's
 * first item, or the `]` after it.
 */
function kept(out: string, line: string, additions = 2): boolean {
  if (out === line) return true;
  if (additions === 0) return false;
  for (let i = 0; i < out.length; i++) {
    for (const added of [", {", ",", "]", "["]) {
      if (!out.startsWith(added, i)) continue;
      const rest = out.slice(i + added.length);
      const allowed = added === "[" ? rest.startsWith("{") : /^(\s*(\/\/.*)?|\].*)$/.test(rest);
      if (allowed && kept(out.slice(0, i) + rest, line, additions - 1)) return true;
    }
  }
  return false;
}

/**
 * Asserts that every line of `input` is in `output`, in order, kept as written (see kept()); a line
 * holding an empty `[]` or `{}` that got our items may be split around them.
 */
function assertKeepsLines(input: string, output: string): void {
  const out = output.split(/\r?\n/);
  let at = 0;
  const find = (line: string) => {
    const found = out.findIndex((candidate, i) => i >= at && kept(candidate, line));
    return found < 0 ? undefined : found;
  };
  for (const line of input.split(/\r?\n/)) {
    const empty = /^(\s*)(.*[[{])\s*([\]}].*)$/.exec(line);
    const parts = find(line) === undefined && empty ? [empty[1]! + empty[2]!, empty[1]! + empty[3]!] : [line];
    for (const part of parts) {
      const found = find(part);
      assert.ok(found !== undefined, `the input's line ${JSON.stringify(part)} is in the output, as written and in order:\n${output}`);
      at = found + 1;
    }
  }
}

describe("cli init: firebase.json", () => {
  it("adds our codebase to their functions list and makes hosting a list, their entry kept with the default site", () => {
    const { text, notes, rules, indexes, rulesAdded } = mergeJson(FIREBASE_JSON);
    const merged = jsonc(text);
    const original = jsonc(FIREBASE_JSON);
    assert.deepEqual(merged.functions, [...(original.functions as unknown[]), CODEBASE_ENTRY]);
    assert.deepEqual(merged.hosting, [{ ...(original.hosting as object), site: "demo-shop" }, VIEWER_ENTRY]);
    assert.deepEqual(merged.firestore, original.firestore);
    assert.deepEqual([rules, indexes, rulesAdded], ["firestore.rules", "firestore.indexes.json", false]);
    assert.ok(text.includes('  "hosting": [{\n    // the shop\'s storefront\n    "public": "public",'), "their entry as written, comment kept");
    assert.ok(text.includes('      "**/node_modules/**"\n    ],\n    "site": "demo-shop"\n  }, {\n    "target": "agent-traces-viewer",'), "the site and the viewer's entry added after theirs");
    assert.equal(notes.length, 1);
    assert.match(notes[0]!, /"site": "demo-shop".*--default-site/);
  });

  it("is idempotent: merging twice gives the text of merging once", () => {
    const once = mergeJson(FIREBASE_JSON).text;
    assert.equal(mergeJson(once).text, once);
    const bare = mergeJson("{}\n").text;
    assert.equal(mergeJson(bare).text, bare);
  });

  it("keeps a hosting entry that names a target, and wraps a single functions object with its comments", () => {
    const text = `{\n  "functions": {\n    // ours\n    "source": "functions"\n  },\n  "hosting": { "target": "shop", "public": "public" }\n}\n`;
    const merged = mergeJson(text);
    assert.deepEqual(jsonc(merged.text).functions, [{ source: "functions" }, CODEBASE_ENTRY]);
    assert.deepEqual(jsonc(merged.text).hosting, [{ target: "shop", public: "public" }, VIEWER_ENTRY]);
    assert.ok(merged.text.includes('  "functions": [{\n    // ours\n    "source": "functions"\n  }, {\n    "source": "agent-traces/functions",'));
    assert.ok(!merged.notes.some((note) => note.includes('"site"')));
  });

  it("adds the rules and indexes paths when there is no firestore key, and creates the lists when absent", () => {
    const merged = mergeJson(`{\n\t"hosting": [{ "site": "shop", "public": "public" }]\n}\n`);
    assert.deepEqual(jsonc(merged.text), {
      hosting: [{ site: "shop", public: "public" }, VIEWER_ENTRY],
      functions: [CODEBASE_ENTRY],
      firestore: { rules: "firestore.rules", indexes: "firestore.indexes.json" },
    });
    assert.ok(merged.rulesAdded && merged.indexesAdded);
    assert.ok(merged.text.includes('\n\t"functions": [\n\t\t{'), "indented with tabs, like the file");
  });

  it("merges into the (default) entry of a list of databases", () => {
    const text = `{ "firestore": [ { "database": "orders", "rules": "orders.rules" }, { "database": "(default)", "rules": "rules/main.rules" } ] }`;
    const merged = mergeJson(text);
    assert.deepEqual([merged.rules, merged.indexes, merged.rulesAdded, merged.indexesAdded], ["rules/main.rules", "firestore.indexes.json", false, true]);
    assert.deepEqual((jsonc(merged.text).firestore as unknown[])[1], { database: "(default)", rules: "rules/main.rules", indexes: "firestore.indexes.json" });
  });

  it("keeps CRLF line endings", () => {
    const merged = mergeJson(FIREBASE_JSON.replace(/\n/g, "\r\n")).text;
    assert.ok(!/[^\r]\n/.test(merged), "every line ends with CRLF");
  });

  it("keeps every line of a firebase-init firebase.json and .firebaserc as written, in order, LF or CRLF", () => {
    for (const eol of ["\n", "\r\n"]) {
      const input = FIREBASE_JSON.replace(/\n/g, eol);
      const merged = mergeJson(input).text;
      assertKeepsLines(input, merged);
      assert.equal(mergeJson(merged).text, merged, "a second merge changes nothing");
      const rc = FIREBASERC.replace(/\n/g, eol);
      assertKeepsLines(rc, mergeFirebaserc(rc, "demo-shop", "demo-shop-traces"));
    }
  });

  it("appends after a hosting entry written on one line, leaving that line as written", () => {
    const text = `{\n  "hosting": [\n    { "site": "shop", "public": "public" },\n    { "site": "other-site", "public": "other" }\n  ]\n}\n`;
    const merged = mergeJson(text).text;
    assert.ok(merged.startsWith(`{\n  "hosting": [\n    { "site": "shop", "public": "public" },\n    { "site": "other-site", "public": "other" },\n    {\n      "target": "agent-traces-viewer",\n`), merged);
    assertKeepsLines(text, merged);
    assert.equal(mergeJson(merged).text, merged);
  });

  it("keeps a same-line comment after a value with that value when a key is added after it", () => {
    const text = `{\n  "hosting": [{ "target": "agent-traces-viewer", "public": "agent-traces/viewer" }],\n  "functions": { "source": "agent-traces/functions", "codebase": "agent-traces" } // mine\n}\n`;
    const merged = mergeJson(text).text;
    assert.equal(
      merged,
      `{\n  "hosting": [{ "target": "agent-traces-viewer", "public": "agent-traces/viewer" }],\n  "functions": { "source": "agent-traces/functions", "codebase": "agent-traces" }, // mine\n` +
        `  "firestore": {\n    "rules": "firestore.rules",\n    "indexes": "firestore.indexes.json"\n  }\n}\n`,
    );
    // A single functions object with such a comment becomes a list, the comment still on its line.
    const single = `{\n  "functions": { "source": "functions" } // mine\n}\n`;
    const wrapped = mergeJson(single).text;
    assert.ok(wrapped.startsWith(`{\n  "functions": [{ "source": "functions" }, // mine\n    {\n      "source": "agent-traces/functions",`), wrapped);
    assertKeepsLines(single, wrapped);
    assert.deepEqual(jsonc(wrapped).functions, [{ source: "functions" }, CODEBASE_ENTRY]);
    assert.equal(mergeJson(wrapped).text, wrapped);
  });

  it("indents what it adds to a tab-indented file with tabs, like its siblings", () => {
    const text = `{\n\t"hosting": [\n\t\t{ "site": "shop", "public": "public" }\n\t],\n\t"functions": [\n\t\t{\n\t\t\t"source": "functions" // theirs\n\t\t}\n\t]\n}\n`;
    const merged = mergeJson(text).text;
    assert.ok(merged.includes(`\t\t{ "site": "shop", "public": "public" },\n\t\t{\n\t\t\t"target": "agent-traces-viewer",\n\t\t\t"public": "agent-traces/viewer",\n\t\t\t"rewrites": [\n\t\t\t\t{\n`), merged);
    assert.ok(merged.includes(`\t\t},\n\t\t{\n\t\t\t"source": "agent-traces/functions",`), merged);
    assert.ok(merged.endsWith(`\t],\n\t"firestore": {\n\t\t"rules": "firestore.rules",\n\t\t"indexes": "firestore.indexes.json"\n\t}\n}\n`), merged);
    assert.ok(!/^ /m.test(merged), "no line starts with a space");
    assertKeepsLines(text, merged);
    assert.equal(mergeJson(merged).text, merged);
  });

  it("refuses what it cannot merge safely, naming the line", () => {
    refuses(() => mergeJson('{\n  "functions": [\n    { "source": "functions" },\n  ]\n}\n'), "firebase.json", /not valid JSON/, 4);
    refuses(() => mergeJson('{\n  "hosting": {\n'), "firebase.json", /not valid JSON/);
    refuses(() => mergeJson("[]"), "firebase.json", /not a JSON object/);
    refuses(() => mergeJson('{\n  "firestore": [\n    { "database": "orders", "rules": "orders.rules" }\n  ]\n}'), "firebase.json", /named databases but not "\(default\)"/, 2);
    refuses(() => mergeJson('{ "firestore": { "database": "orders", "rules": "x.rules" } }'), "firebase.json", /configures the database "orders"/);
    refuses(() => mergeJson('{\n  "functions": [\n    { "source": "functions" },\n    { "source": "tracing", "codebase": "agent-traces" }\n  ]\n}'), "firebase.json", /codebase named "agent-traces" already exists with source "tracing"/, 4);
    refuses(() => mergeJson('{\n  "hosting": [\n    { "target": "agent-traces-viewer", "public": "dist" }\n  ]\n}'), "firebase.json", /target "agent-traces-viewer" serves "dist"/, 3);
    refuses(() => mergeJson('{ "hosting": [ { "site": "demo-shop-traces", "public": "public" } ] }'), "firebase.json", /pass --site/);
    refuses(() => mergeFirebaseJson('{ "hosting": { "public": "public" } }', { defaultSite: "example.com:shop", viewerSite: "x-traces" }), "firebase.json", /pass --default-site/);
  });
});

describe("cli init: .firebaserc", () => {
  it("takes the default project, an alias given with --project, and <project>-traces for the viewer", () => {
    assert.deepEqual(chooseProject(FIREBASERC, {}), { project: "demo-shop", viewerSite: "demo-shop-traces", defaultSite: "demo-shop" });
    const aliases = '{ "projects": { "default": "shop-dev", "prod": "shop-prod-1234" } }';
    assert.deepEqual(chooseProject(aliases, { project: "prod" }), { project: "shop-prod-1234", viewerSite: "shop-prod-1234-traces", defaultSite: "shop-prod-1234" });
    assert.deepEqual(chooseProject(undefined, { project: "p1", site: "traces-1", defaultSite: "p1-web" }), { project: "p1", viewerSite: "traces-1", defaultSite: "p1-web" });
  });

  it("reuses the site the target is linked to, and refuses another --site", () => {
    const linked = mergeFirebaserc(FIREBASERC, "demo-shop", "shop-viewer");
    assert.equal(chooseProject(linked, {}).viewerSite, "shop-viewer");
    assert.equal(chooseProject(linked, { site: "shop-viewer" }).viewerSite, "shop-viewer");
    refuses(() => chooseProject(linked, { site: "other-site" }), ".firebaserc", /linked to the site "shop-viewer"; pass --site shop-viewer/);
  });

  it("refuses without a project, and a default viewer site longer than 30 characters", () => {
    refuses(() => chooseProject(undefined, {}), ".firebaserc", /pass --project/);
    refuses(() => chooseProject('{ "projects": {} }', {}), ".firebaserc", /pass --project/);
    refuses(() => chooseProject(undefined, { project: "a-project-id-of-25-chars0" }), ".firebaserc", /"a-project-id-of-25-chars0-traces" is not a Hosting site id.*pass --site/);
  });

  it("links the viewer target, keeping the rest, once", () => {
    const merged = mergeFirebaserc(FIREBASERC, "demo-shop", "demo-shop-traces");
    assert.deepEqual(jsonc(merged), { projects: { default: "demo-shop" }, targets: { "demo-shop": { hosting: { "agent-traces-viewer": ["demo-shop-traces"] } } } });
    assert.equal(mergeFirebaserc(merged, "demo-shop", "demo-shop-traces"), merged);
    assert.deepEqual(jsonc(mergeFirebaserc(undefined, "p1", "p1-traces")), { targets: { p1: { hosting: { "agent-traces-viewer": ["p1-traces"] } } } });
  });
});

describe("cli init: firestore.indexes.json", () => {
  const ours = jsonc(ourIndexes) as { indexes: unknown[]; fieldOverrides: unknown[] };
  const merge = (text: string | undefined) => mergeIndexes(text, ourIndexes, "firestore.indexes.json");

  it("adds our indexes and field overrides beside theirs, keeping the comments", () => {
    const theirs = INDEXES.replace('"indexes": []', '"indexes": [\n    { "collectionGroup": "orders", "queryScope": "COLLECTION", "fields": [ { "fieldPath": "uid", "order": "ASCENDING" }, { "fieldPath": "at", "order": "DESCENDING" } ] }\n  ]');
    const merged = merge(theirs);
    assert.ok(merged.startsWith("{\n  // Example (Standard Edition):\n"), "the comments stay");
    const value = jsonc(merged) as { indexes: unknown[]; fieldOverrides: unknown[] };
    assert.deepEqual(value.indexes, [(jsonc(theirs).indexes as unknown[])[0], ...ours.indexes]);
    assert.deepEqual(value.fieldOverrides, ours.fieldOverrides);
  });

  it("is idempotent, and compares by meaning: an index of ours written another way is not added twice", () => {
    const once = merge(INDEXES);
    assert.equal(merge(once), once);
    const first = ours.indexes[0] as { collectionGroup: string; fields: { fieldPath: string; order: string }[] };
    const compact = `{ "indexes": [ { "collectionGroup": "${first.collectionGroup}", "fields": [ ${first.fields.map((f) => `{ "order": "${f.order}", "fieldPath": "${f.fieldPath}" }`).join(", ")} ] } ] }`;
    assert.equal((jsonc(merge(compact)).indexes as unknown[]).length, ours.indexes.length);
  });

  it("keeps every line of the firebase-init template as written, in order, LF or CRLF", () => {
    for (const eol of ["\n", "\r\n"]) {
      const input = INDEXES.replace(/\n/g, eol);
      const merged = merge(input);
      assertKeepsLines(input, merged);
      assert.equal(merged.split(eol).join("").includes("\n"), false, "the file's line endings throughout");
      assert.equal(merged.replace(/\r\n/g, "\n"), merge(INDEXES), "the same text but for the line endings");
      assert.deepEqual(jsonc(merged), ours);
      assert.equal(merge(merged), merged);
    }
  });

  it("appends after an index with a same-line comment, the comment staying on its line", () => {
    const theirs = `{ "collectionGroup": "orders", "fields": [ { "fieldPath": "uid", "order": "ASCENDING" }, { "fieldPath": "at", "order": "DESCENDING" } ] }`;
    const text = `{\n  "indexes": [\n    ${theirs} // keep me\n  ],\n  "fieldOverrides": []\n}\n`;
    const merged = merge(text);
    assert.ok(merged.startsWith(`{\n  "indexes": [\n    ${theirs}, // keep me\n    {\n      "collectionGroup": "execution_traces",\n`), merged);
    assert.equal(merged.match(/keep me/g)?.length, 1);
    assertKeepsLines(text, merged);
    assert.deepEqual((jsonc(merged).indexes as unknown[]).slice(1), ours.indexes);
    assert.equal(merge(merged), merged);
  });

  it("expands our entries inside the empty lists of a one-line file", () => {
    const text = `{"indexes":[],"fieldOverrides":[]}`;
    const merged = merge(text);
    assert.ok(merged.startsWith(`{"indexes":[\n  {\n    "collectionGroup": "execution_traces",\n`), merged);
    assert.ok(merged.includes(`\n  }\n],"fieldOverrides":[\n  {\n`), merged);
    assert.ok(merged.endsWith(`\n  }\n]}`), merged);
    assert.deepEqual(jsonc(merged), ours);
    assert.equal(merge(merged), merged);
  });

  it("creates the file from ours when there is none, and a missing list", () => {
    assert.deepEqual(jsonc(merge(undefined)), ours);
    assert.deepEqual(jsonc(merge("{}")), ours);
  });

  it("refuses a field override of theirs on one of our fields that says something else", () => {
    const ttlOff = `{\n  "fieldOverrides": [\n    { "collectionGroup": "trace_reports", "fieldPath": "expire_at", "indexes": [] }\n  ]\n}`;
    refuses(() => merge(ttlOff), "firestore.indexes.json", /field override for trace_reports\.expire_at differs/, 3);
    const same = `{ "fieldOverrides": [ { "fieldPath": "expire_at", "collectionGroup": "trace_reports", "indexes": [], "ttl": true } ] }`;
    assert.equal((jsonc(merge(same)).fieldOverrides as unknown[]).length, ours.fieldOverrides.length);
    refuses(() => merge('{ "indexes": [], }'), "firestore.indexes.json", /not valid JSON/, 1);
    refuses(() => merge('{ "indexes": {} }'), "firestore.indexes.json", /"indexes" is not a list/);
  });
});
