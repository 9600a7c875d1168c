import { strict as assert } from "node:assert";
import { summarizeFailures } from "@agent-traces/admin";
import { planNegativeFeedbackQuery } from "../../packages/admin/src/report/negativeFeedbackQuery.js";
import { skillBreakdown } from "../../packages/admin/src/report/skillBreakdown.js";
import { NEGATIVE_FEEDBACK_FIELDS, summarizeNegativeFeedback } from "../../packages/admin/src/report/summarizeNegativeFeedback.js";

describe("report: summarizeNegativeFeedback and the by-skill breakdown", () => {
  it("reads the thumbs-down ratings of the window by updated_at, oldest first, their skill only", () => {
    assert.deepEqual(planNegativeFeedbackQuery(), {
      collection: "trace_feedback",
      equalities: ["rating"],
      ranges: ["updated_at"],
      orderBy: [{ field: "updated_at", direction: "asc" }],
    });
    assert.deepEqual([...NEGATIVE_FEEDBACK_FIELDS], ["skill"]);
  });

  it("counts each rating once per skill of its run, a run without skill under (none), most first then by name", () => {
    const ratings = [{ skill: "search" }, { skill: "planning" }, { skill: null }, { skill: "search" }, { skill: "answer" }, { skill: "planning" }, { skill: "search" }];
    assert.deepEqual(summarizeNegativeFeedback(ratings), [
      { skill: "search", negative_feedback: 3 },
      { skill: "planning", negative_feedback: 2 },
      { skill: "(none)", negative_feedback: 1 },
      { skill: "answer", negative_feedback: 1 },
    ]);
    assert.deepEqual(summarizeNegativeFeedback([]), []);
  });

  it("puts each skill's thumbs-down ratings beside its failures, adding skills rated but never failing, most failures first", () => {
    const failures = summarizeFailures([
      { trace_id: "a", status: "error", skill: "planning", user_id: "ann" },
      { trace_id: "b", status: "timeout", skill: "planning", user_id: "ann" },
      { trace_id: "c", status: "error", skill: "search", user_id: "bob" },
    ]).by_skill;
    const negative = summarizeNegativeFeedback([{ skill: "search" }, { skill: "answer" }, { skill: "answer" }, { skill: "chat" }]);
    assert.deepEqual(skillBreakdown(failures, negative), [
      { skill: "planning", errors: 1, timeouts: 1, negative_feedback: 0 },
      { skill: "search", errors: 1, timeouts: 0, negative_feedback: 1 },
      { skill: "answer", errors: 0, timeouts: 0, negative_feedback: 2 },
      { skill: "chat", errors: 0, timeouts: 0, negative_feedback: 1 },
    ]);
    assert.deepEqual(skillBreakdown(failures, []).map((entry) => entry.negative_feedback), [0, 0]);
    assert.deepEqual(skillBreakdown([], []), []);
  });
});
