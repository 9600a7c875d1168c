import { strict as assert } from "node:assert";
import { FieldValue, Timestamp } from "firebase-admin/firestore";
import { feedbackSchema, LIMITS, type FeedbackInput } from "@agent-traces/core";
import { REDACTED } from "../../packages/core/src/redact.js";
import { storedDocumentSize } from "../../packages/core/src/storedSize.js";
import { countsAfter, FEEDBACK_COLLECTION, feedbackId, toFeedbackDocument, type RatedRun } from "@agent-traces/admin";
import { secretCorpus } from "../support/fakeSecrets.js";

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const run: RatedRun = {
  recorded_by: "sender",
  user_id: 42,
  skill: "support",
  session_id: "chat-7",
  status: "success",
  started_at: Timestamp.fromMillis(Date.parse("2025-06-01T10:00:00Z")),
  expire_at: Timestamp.fromMillis(Date.parse("2025-06-08T10:00:05Z")),
};
const feedback = (fields: Partial<FeedbackInput> = {}) => feedbackSchema.parse({ trace_id: TRACE_ID, rating: "down", ...fields });

describe("feedback: the rating document", () => {
  it("copies the run's sender, user, skill, session, status, start and expiry, so that it goes with its run", () => {
    const document = toFeedbackDocument(feedback({ value: 2 }), run, "sender", undefined);
    assert.deepEqual(
      { ...document, created_at: undefined, updated_at: undefined },
      {
        trace_id: TRACE_ID,
        rated_by: "sender",
        rating: "down",
        value: 2,
        run_recorded_by: run.recorded_by,
        user_id: 42,
        skill: "support",
        session_id: "chat-7",
        run_status: "success",
        run_started_at: run.started_at,
        expire_at: run.expire_at,
        schema_version: 1,
        created_at: undefined,
        updated_at: undefined,
      },
    );
    assert.ok(FieldValue.serverTimestamp().isEqual(document.created_at as FieldValue), "a first rating's created_at is the commit's time");
    assert.ok(FieldValue.serverTimestamp().isEqual(document.updated_at as FieldValue));
  });

  it("keeps the first rating's created_at when it replaces one", () => {
    const first = Timestamp.fromMillis(Date.parse("2025-06-01T11:00:00Z"));
    const document = toFeedbackDocument(feedback({ rating: "up" }), run, "sender", first);
    assert.equal(document.created_at, first);
    assert.ok(FieldValue.serverTimestamp().isEqual(document.updated_at as FieldValue));
  });

  it("leaves out what was not sent (value, an empty comment, no tags) and a run's missing session", () => {
    const { session_id: _session, ...withoutSession } = run;
    const document = toFeedbackDocument(feedback({ comment: "", tags: [] }), { ...withoutSession, skill: null }, "admin-uid", undefined);
    for (const field of ["value", "comment", "tags", "session_id"]) assert.equal(field in document, false, `${field} left out`);
    assert.equal(document.skill, null);
    assert.equal(document.rated_by, "admin-uid");
  });

  it("redacts secrets in the comment and tags and cuts them to their limits, as trace text is", () => {
    const { text, secrets } = secretCorpus()[0]!;
    const document = toFeedbackDocument(feedback({ comment: `${text} ${"x".repeat(5_000)}`, tags: [text.slice(0, LIMITS.feedbackTagChars), "wrong-answer"] }), run, "sender", undefined);
    assert.ok(document.comment!.length <= LIMITS.feedbackCommentChars, `${document.comment!.length} chars`);
    assert.ok(text.length < LIMITS.feedbackCommentChars && document.comment!.includes(REDACTED), "the secret sat within the kept text, redacted");
    for (const secret of secrets) assert.ok(!document.comment!.includes(secret), "no secret in the comment");
    assert.match(document.comment!, /…\[truncated, \d+ chars\]$/);
    assert.equal(document.tags!.length, 2);
    for (const tag of document.tags!) assert.ok(tag.length <= LIMITS.feedbackTagChars);
    assert.equal(document.tags![1], "wrong-answer");
  });

  it("stays small at its largest: every field at its limit in 3-byte characters", () => {
    const document = toFeedbackDocument(
      feedback({ value: Number.MAX_VALUE, comment: "€".repeat(50_000), tags: Array.from({ length: LIMITS.feedbackTags }, () => "€".repeat(LIMITS.feedbackTagChars)) }),
      { ...run, user_id: "€".repeat(LIMITS.userIdChars), skill: "€".repeat(LIMITS.skillChars), session_id: "€".repeat(LIMITS.sessionIdChars) },
      "u".repeat(128),
      Timestamp.now(),
    );
    const size = storedDocumentSize(`${FEEDBACK_COLLECTION}/${feedbackId(TRACE_ID, "u".repeat(128))}`, { ...document, updated_at: Timestamp.now() });
    assert.ok(size <= 8 * 1024, `${size} bytes`);
  });
});

describe("feedback: a run's counts", () => {
  it("counts a rater's first rating, and replaces their previous one by their new one", () => {
    assert.deepEqual(countsAfter(undefined, "down", undefined), { up: 0, down: 1 });
    assert.deepEqual(countsAfter({ up: 2, down: 1 }, "up", undefined), { up: 3, down: 1 });
    assert.deepEqual(countsAfter({ up: 2, down: 1 }, "up", "down"), { up: 3, down: 0 });
    assert.deepEqual(countsAfter({ up: 2, down: 1 }, "down", "up"), { up: 1, down: 2 });
    assert.deepEqual(countsAfter({ up: 0, down: 1 }, "down", "down"), { up: 0, down: 1 }, "the same rating again changes nothing");
  });

  it("never counts below 0, and reads a count that is not a whole number as 0", () => {
    assert.deepEqual(countsAfter({ up: 0, down: 0 }, "down", "up"), { up: 0, down: 1 });
    assert.deepEqual(countsAfter({ up: -3, down: 1.5 }, "up", undefined), { up: 1, down: 0 });
    assert.deepEqual(countsAfter({ down: 4 }, "up", undefined), { up: 1, down: 4 });
  });
});

describe("feedback: the rating's id", () => {
  it("is the trace id and the rater's uid, which may not put a slash in a document id", () => {
    assert.equal(feedbackId(TRACE_ID, "abc123"), `${TRACE_ID}:abc123`);
    assert.equal(feedbackId(TRACE_ID, "a/b c"), `${TRACE_ID}:a%2Fb%20c`);
    assert.notEqual(feedbackId(TRACE_ID, "a/b"), feedbackId(TRACE_ID, "a%2Fb"), "distinct uids get distinct ids");
    assert.ok(!feedbackId(TRACE_ID, "../x/y").includes("/"));
  });
});
