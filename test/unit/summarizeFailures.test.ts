import { strict as assert } from "node:assert";
import { FAILURE_FIELDS, summarizeFailures, type FailureFields } from "@agent-traces/admin";

const failure = (overrides: Partial<FailureFields> = {}): FailureFields => ({
  trace_id: "4bf92f3577b34da6a3ce929d0e0e4736",
  status: "error",
  skill: "planning",
  user_id: "ann",
  failed_tools: [],
  metadata: { error: "boom" },
  ...overrides,
});

describe("report: summarizeFailures", () => {
  it("projects the small fields only: never tool_traces, of metadata only its error; usage for the token sums", () => {
    assert.deepEqual([...FAILURE_FIELDS], ["trace_id", "status", "skill", "user_id", "failed_tools", "metadata.error", "usage"]);
  });

  it("splits failing tools by failed calls and by runs, from failed_tools", () => {
    const breakdown = summarizeFailures([
      failure({ failed_tools: [{ name: "web_search", calls: 2 }, { name: "db_query", calls: 1 }] }),
      failure({ failed_tools: [{ name: "web_search", calls: 1 }] }),
      failure({ status: "timeout", failed_tools: [{ name: "db_query", calls: 3 }] }),
    ]);
    assert.deepEqual(breakdown.by_tool, [
      { tool: "db_query", failed_calls: 4, runs: 2 },
      { tool: "web_search", failed_calls: 3, runs: 2 },
    ]);
  });

  it("counts a trace stored without failed_tools as one with no failing tool, and still counts it", () => {
    const { failed_tools: _none, ...older } = failure();
    const breakdown = summarizeFailures([older, failure({ failed_tools: [{ name: "web_search", calls: 1 }] })]);
    assert.deepEqual(breakdown.by_tool, [{ tool: "web_search", failed_calls: 1, runs: 1 }]);
    assert.deepEqual(breakdown.by_skill, [{ skill: "planning", errors: 2, timeouts: 0 }]);
    assert.deepEqual(breakdown.top_errors.map(({ message, count }) => ({ message, count })), [{ message: "boom", count: 2 }]);
  });
});
