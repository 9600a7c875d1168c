import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { FEEDBACK_COLLECTION, RATE_LIMITS_COLLECTION, REPORTS_COLLECTION, TRACE_ERASURES_COLLECTION, TRACES_COLLECTION } from "@agent-traces/admin";
import { InitRefusal } from "../../packages/cli/src/init/refusal.js";
import { rulesBlockFrom } from "../../packages/cli/src/init/rulesBlock.js";
import { mergeRules, NEW_RULES_FILE } from "../../packages/cli/src/init/rulesMerge.js";
import { BEGIN_MARKER, END_MARKER, pathMatches, readRules } from "../../packages/cli/src/init/rulesReader.js";
import { DENY_ALL_RULES, TEST_MODE_RULES, USER_RULES } from "../support/initFixtures.js";

const repoRules = readFileSync(new URL("../../firestore.rules", import.meta.url), "utf8");
const block = rulesBlockFrom(repoRules);
const merge = (text: string | undefined) => mergeRules(text, block, "firestore.rules");

/** Asserts that `run` is refused naming `firestore.rules`, the line when given, and a message matching `message`. */
function refuses(run: () => unknown, message: RegExp, line?: number): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof InitRefusal, `an InitRefusal, got ${String(error)}`);
    assert.equal(error.file, "firestore.rules");
    if (line !== undefined) assert.equal(error.line, line);
    assert.match(error.message, message);
    assert.match(error.message, /run agent-traces init again|pass --/);
    return true;
  });
}

/** The merged text without our block: what the project wrote. */
function withoutBlock(text: string): string {
  return text.replace(/\r?\n[ \t]*\/\/ agent-traces: begin[\s\S]*?\/\/ agent-traces: end\r?\n/, (found) => (found.startsWith("\r\n") ? "\r\n" : "\n"));
}

describe("cli init: firestore.rules", () => {
  describe("our block, from the repo's firestore.rules", () => {
    it("holds its function and match blocks, not the catch-all, and covers every collection we store", () => {
      assert.deepEqual(block.functions, ["isAgentTracesAdmin"]);
      assert.deepEqual([...block.collections].sort(), [TRACES_COLLECTION, FEEDBACK_COLLECTION, REPORTS_COLLECTION, RATE_LIMITS_COLLECTION, TRACE_ERASURES_COLLECTION].sort());
      const text = block.lines.map((line) => line.text).join("\n");
      assert.ok(!text.includes("{document=**}"), "no catch-all");
      assert.match(text, new RegExp(`match /${RATE_LIMITS_COLLECTION}/\\{\\w+\\} \\{`));
      assert.equal(block.lines[0]!.depth, 0);
      assert.notEqual(block.lines.at(-1)!.text, "");
    });
  });

  describe("merge", () => {
    it("puts our block at the end of the documents match of test-mode rules, keeping the rest as written", () => {
      const { text } = merge(TEST_MODE_RULES);
      assert.equal(withoutBlock(text), TEST_MODE_RULES.replace("    }\n  }\n}", "    }\n\n  }\n}"));
      assert.ok(text.includes(`\n    ${BEGIN_MARKER}\n    function isAgentTracesAdmin() {\n      return request.auth != null`));
      assert.ok(text.includes(`\n    match /${TRACES_COLLECTION}/{traceId} {\n      allow read: if isAgentTracesAdmin();\n      allow write: if false;\n    }\n`));
      assert.ok(text.endsWith(`    ${END_MARKER}\n  }\n}\n`));
      const reread = readRules(text, "firestore.rules");
      assert.equal(reread.markers.length, 2);
      assert.ok(reread.documents!.open < reread.markers[0]!.start && reread.markers[1]!.end < reread.documents!.close, "inside the documents match");
    });

    it("takes a comment of the project's that only starts like a marker for the project's own", () => {
      const own = USER_RULES.replace("match /databases/{db}/documents {", "match /databases/{db}/documents {\n    // agent-traces: endpoint rules are below");
      assert.notEqual(own, USER_RULES);
      const { text } = merge(own);
      assert.equal(withoutBlock(text), own.replace("    }\n  }\n}", "    }\n\n  }\n}"));
      assert.equal(readRules(text, "firestore.rules").markers.length, 2);
    });

    it("keeps a project's own isAdmin() and comments and strings holding braces; ours is isAgentTracesAdmin()", () => {
      const { text, warnings } = merge(USER_RULES);
      assert.deepEqual(warnings, []);
      assert.equal(withoutBlock(text), USER_RULES.replace("    }\n  }\n}", "    }\n\n  }\n}"));
      assert.match(text, /function isAdmin\(\) \{/);
      assert.match(text, /function isAgentTracesAdmin\(\) \{/);
      const reread = readRules(text, "firestore.rules");
      assert.equal(reread.databaseVariable, "db");
      assert.deepEqual(reread.documents!.functions.map((f) => f.name), ["isAdmin", "isAgentTracesAdmin"]);
    });

    it("is idempotent: merging twice gives the text of merging once", () => {
      for (const rules of [TEST_MODE_RULES, DENY_ALL_RULES, USER_RULES, NEW_RULES_FILE, TEST_MODE_RULES.replace(/\n/g, "\r\n")]) {
        const once = merge(rules).text;
        assert.equal(merge(once).text, once);
      }
    });

    it("replaces the block of an earlier run between the marker lines", () => {
      const once = merge(DENY_ALL_RULES).text;
      const older = once.replace("allow write: if false;", "allow write: if 1 == 2;");
      assert.notEqual(older, once);
      assert.equal(merge(older).text, once);
    });

    it("keeps CRLF line endings", () => {
      const { text } = merge(DENY_ALL_RULES.replace(/\n/g, "\r\n"));
      assert.ok(text.includes(BEGIN_MARKER));
      assert.ok(!/[^\r]\n/.test(text), "every line ends with CRLF");
    });

    it("indents like the file: four spaces, or tabs", () => {
      const four = DENY_ALL_RULES.replace(/^( +)/gm, (spaces) => spaces + spaces);
      assert.ok(merge(four).text.includes(`\n        ${BEGIN_MARKER}\n        function isAgentTracesAdmin() {\n            return`));
      const tabs = DENY_ALL_RULES.replace(/^( +)/gm, (spaces) => "\t".repeat(spaces.length / 2));
      assert.ok(merge(tabs).text.includes(`\n\t\t${BEGIN_MARKER}\n\t\tfunction isAgentTracesAdmin() {\n\t\t\treturn`));
    });

    it("handles a documents match that closes on a line with other text, and an empty one", () => {
      const compact = "rules_version = '2';\nservice cloud.firestore {\n  match /databases/{database}/documents {\n    match /a/{b} { allow read: if true; } }\n}\n";
      const { text } = merge(compact);
      assert.ok(text.includes(`match /a/{b} { allow read: if true; }\n    ${BEGIN_MARKER}\n`));
      assert.ok(text.includes(`    ${END_MARKER}\n  }\n}\n`));
      assert.equal(merge(text).text, text);
      const created = merge(undefined).text;
      assert.ok(created.startsWith(NEW_RULES_FILE.slice(0, NEW_RULES_FILE.indexOf("  }\n}"))));
      assert.ok(created.includes(`  match /databases/{database}/documents {\n    ${BEGIN_MARKER}\n`));
    });
  });

  describe("warnings", () => {
    it("names the line of a recursive wildcard that allows more than false (test mode)", () => {
      const { warnings } = merge(TEST_MODE_RULES);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, /^firestore\.rules:8: `match \/\{document=\*\*\}` allows read, write if request\.time < timestamp\.date\(2026, 1, 9\)\./);
      assert.match(warnings[0]!, new RegExp(`opens ${TRACES_COLLECTION}, ${REPORTS_COLLECTION}, ${FEEDBACK_COLLECTION}, ${RATE_LIMITS_COLLECTION}, ${TRACE_ERASURES_COLLECTION} to clients`));
    });

    it("says nothing of a deny-all catch-all, or of wildcards below a collection of theirs", () => {
      assert.deepEqual(merge(DENY_ALL_RULES).warnings, []);
      const scoped = DENY_ALL_RULES.replace("match /{document=**} {\n      allow read, write: if false;", "match /users/{rest=**} {\n      allow read, write: if true;");
      assert.deepEqual(merge(scoped).warnings, []);
    });

    it("warns of any rule that reaches our collections: a wildcard collection, an unconditional allow, one under the service", () => {
      const wildcardCollection = DENY_ALL_RULES.replace("match /{document=**} {\n      allow read, write: if false;", "match /{collection}/{id} {\n      allow get: if request.auth != null;");
      assert.match(merge(wildcardCollection).warnings[0]!, /`match \/\{collection\}\/\{id\}` allows get if request\.auth != null/);
      const unconditional = DENY_ALL_RULES.replace("allow read, write: if false;", "allow read;");
      assert.match(merge(unconditional).warnings[0]!, /allows read unconditionally/);
      const underService = "rules_version = '2';\nservice cloud.firestore {\n  match /{path=**} {\n    allow read: if true;\n  }\n  match /databases/{database}/documents {\n  }\n}\n";
      assert.match(merge(underService).warnings[0]!, /^firestore\.rules:4: `match \/\{path=\*\*\}`/);
    });

    it("matches paths segment by segment", () => {
      const doc = ["databases", "(default)", "documents", TRACES_COLLECTION, "x"];
      assert.ok(pathMatches("/databases/{database}/documents/{document=**}", doc));
      assert.ok(pathMatches(`/databases/{d}/documents/${TRACES_COLLECTION}/{id}`, doc));
      assert.ok(pathMatches("/{path=**}", doc));
      assert.ok(!pathMatches("/databases/{d}/documents/users/{document=**}", doc));
      assert.ok(!pathMatches("/databases/{d}/documents/{c}", doc));
    });
  });

  describe("refusals", () => {
    it("refuses rules without service cloud.firestore, or without the documents match", () => {
      refuses(() => merge("rules_version = '2';\nservice firebase.storage {\n  match /b/{bucket}/o {\n  }\n}\n"), /no `service cloud\.firestore/);
      refuses(() => merge("rules_version = '2';\nservice cloud.firestore {\n  match /users/{id} {\n  }\n}\n"), /no match \/databases\/\{database\}\/documents/);
    });

    it("refuses unbalanced braces, naming the line", () => {
      refuses(() => merge(DENY_ALL_RULES.replace("      allow read, write: if false;\n    }\n", "      allow read, write: if false;\n")), /never closed \(unbalanced braces\)/, 3);
      refuses(() => merge(`${DENY_ALL_RULES}}\n`), /closes nothing \(unbalanced braces\)/, 10);
    });

    it("refuses unterminated comments and strings", () => {
      refuses(() => merge(DENY_ALL_RULES.replace("match /{document=**}", "/* open\n    match /{document=**}")), /comment is never closed/, 5);
      refuses(() => merge(DENY_ALL_RULES.replace("if false;", "if request.auth.uid == 'x;")), /string is never closed/, 6);
    });

    it("refuses rules version 1, declared or not", () => {
      refuses(() => merge(DENY_ALL_RULES.replace("'2'", "'1'")), /rules_version = '1'/, 1);
      refuses(() => merge(DENY_ALL_RULES.replace("rules_version = '2';\n", "")), /no rules_version \(version 1\)/);
    });

    it("refuses broken marker lines and a function of theirs with our function's name", () => {
      const once = merge(DENY_ALL_RULES).text;
      refuses(() => merge(once.replace(/.*agent-traces: end.*\n/, "")), /not one begin followed by one end/);
      refuses(() => merge(once.replace("    function isAgentTracesAdmin", "    match /x/{y} {\n    }\n    function isAgentTracesAdmin").replace(`    ${BEGIN_MARKER}\n`, `    match /z/{w} {\n    ${BEGIN_MARKER}\n    }\n`)), /inside another match block/);
      const theirs = DENY_ALL_RULES.replace("    match /{document=**}", "    function isAgentTracesAdmin() {\n      return false;\n    }\n    match /{document=**}");
      refuses(() => merge(theirs), /declares a function isAgentTracesAdmin\(\)/, 5);
    });
  });
});
