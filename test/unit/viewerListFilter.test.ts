import { strict as assert } from "node:assert";
import { planListTraces, UnservedFilterError } from "@agent-traces/store";
import { listFilterSearch, localInputValue, parseInstant, parseListFilter, toTraceListFilter } from "../../viewer/src/view/listFilter.js";

describe("viewer list filter (URL ⇄ filter ⇄ query plan)", () => {
  it("reads every filter from the query string and writes it back in a fixed order", () => {
    const { filter, problems } = parseListFilter("?to=2026-12-01T11:00:00Z&user=u1&skill=search&status=error&from=2026-12-01T10:00:00.000Z");
    assert.deepEqual(problems, []);
    assert.equal(filter.status, "error");
    assert.equal(filter.skill, "search");
    assert.equal(filter.user, "u1");
    assert.equal(filter.from?.toISOString(), "2026-12-01T10:00:00.000Z");
    assert.equal(filter.to?.toISOString(), "2026-12-01T11:00:00.000Z");
    assert.equal(listFilterSearch(filter), "?status=error&skill=search&user=u1&from=2026-12-01T10%3A00%3A00.000Z&to=2026-12-01T11%3A00%3A00.000Z");
  });

  it("leaves out and names what it cannot use, keeping the rest", () => {
    const { filter, problems } = parseListFilter("?status=failed&from=yesterday&skill=x");
    assert.deepEqual(filter, { skill: "x" });
    assert.equal(problems.length, 2);
    assert.match(problems[0]!, /status "failed"/);
    assert.match(problems[1]!, /from "yesterday"/);
  });

  it("gives no query string for no filter, and ignores empty values", () => {
    assert.equal(listFilterSearch({}), "");
    assert.deepEqual(parseListFilter("?status=&skill=&user=").filter, {});
  });

  it("reads a date-time without zone, and a bare date, as local time (what datetime-local gives)", () => {
    assert.equal(parseInstant("2026-12-01T10:30")?.getTime(), new Date(2026, 11, 1, 10, 30).getTime());
    assert.equal(parseInstant("2026-12-01")?.getTime(), new Date(2026, 11, 1).getTime());
    assert.equal(parseInstant("2026-12-01T10:30:05+02:00")?.toISOString(), "2026-12-01T08:30:05.000Z");
    for (const text of ["", "now", "2026-13-01T00:00", "1700000000", "2026-12-01 10:00"]) assert.equal(parseInstant(text), undefined, text);
  });

  it("shows an instant in a datetime-local input and reads it back to the second", () => {
    const instant = new Date(2026, 0, 2, 3, 4, 5);
    assert.equal(localInputValue(instant), "2026-01-02T03:04:05");
    assert.equal(parseInstant(localInputValue(instant))?.getTime(), instant.getTime());
    assert.equal(localInputValue(undefined), "");
  });

  it("queries a numeric-looking user as both the string and the number, each filter as its plan's equality", () => {
    const listFilter = toTraceListFilter({ user: "42", skill: "s", status: "timeout", from: new Date(0) });
    assert.deepEqual(listFilter.userId, ["42", 42]);
    const plan = planListTraces(listFilter);
    assert.deepEqual(plan.equalities, ["user_id", "skill", "status"]);
    assert.deepEqual(plan.ranges, ["started_at"]);
    assert.deepEqual(toTraceListFilter({ user: "alice" }).userId, ["alice"]);
  });
  it("reads feedback=negative, writes it back, and queries it as the plan's only equality", () => {
    const { filter, problems } = parseListFilter("?feedback=negative&from=2026-12-01T10:00:00Z");
    assert.deepEqual(problems, []);
    assert.equal(filter.feedback, "negative");
    assert.equal(listFilterSearch(filter), "?feedback=negative&from=2026-12-01T10%3A00%3A00.000Z");
    const plan = planListTraces(toTraceListFilter(filter));
    assert.deepEqual(plan.equalities, ["negative_feedback"]);
    assert.deepEqual(plan.ranges, ["started_at"]);
    assert.deepEqual(parseListFilter(listFilterSearch(filter)).filter, filter, "round trip");
  });

  it("drops status, skill and user beside feedback=negative and says so (no index serves them together)", () => {
    const { filter, problems } = parseListFilter("?status=error&skill=s&user=u&feedback=negative");
    assert.deepEqual(filter, { feedback: "negative" });
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /status, skill, user: the negative-feedback filter combines only with the start time/);
    assert.doesNotThrow(() => planListTraces(toTraceListFilter(filter)));
    // What parseListFilter prevents: the plan itself refuses the combination.
    assert.throws(() => planListTraces(toTraceListFilter({ feedback: "negative", status: "error" })), UnservedFilterError);
  });

  it("reads tool=<name>, writes it back, and queries it as the plan's array-contains on failed_tool_names", () => {
    const { filter, problems } = parseListFilter("?tool=db_query&from=2026-12-01T10:00:00Z&to=2026-12-02T10:00:00Z");
    assert.deepEqual(problems, []);
    assert.equal(filter.tool, "db_query");
    assert.equal(listFilterSearch(filter), "?tool=db_query&from=2026-12-01T10%3A00%3A00.000Z&to=2026-12-02T10%3A00%3A00.000Z");
    assert.deepEqual(parseListFilter(listFilterSearch(filter)).filter, filter, "round trip");
    const listFilter = toTraceListFilter(filter);
    assert.equal(listFilter.failedTool, "db_query");
    const plan = planListTraces(listFilter);
    assert.deepEqual(plan.equalities, []);
    assert.deepEqual(plan.arrayContains, ["failed_tool_names"]);
    assert.deepEqual(plan.ranges, ["started_at"]);
    assert.equal(toTraceListFilter({ status: "error" }).failedTool, undefined, "no tool, no failedTool");
  });

  it("keeps a tool name as written (spaces, slashes, markup) through the URL", () => {
    const tool = "mcp/search docs <b>&";
    const search = listFilterSearch({ tool });
    assert.equal(parseListFilter(search).filter.tool, tool);
  });

  it("drops status, skill, user and feedback beside tool and says so (no index serves them together)", () => {
    const { filter, problems } = parseListFilter("?status=error&skill=s&user=u&feedback=negative&tool=db_query&from=2026-12-01T10:00:00Z");
    assert.deepEqual(Object.keys(filter).sort(), ["from", "tool"]);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /status, skill, user, feedback: the failed-tool filter combines only with the start time/);
    assert.doesNotThrow(() => planListTraces(toTraceListFilter(filter)));
    assert.deepEqual(parseListFilter("?tool=db_query&skill=s").problems, ["skill: the failed-tool filter combines only with the start time"]);
    // What parseListFilter prevents: the plan itself refuses the combinations.
    assert.throws(() => planListTraces(toTraceListFilter({ tool: "db_query", skill: "s" })), UnservedFilterError);
    assert.throws(() => planListTraces(toTraceListFilter({ tool: "db_query", feedback: "negative" })), UnservedFilterError);
  });

  it("names an unknown feedback value and ignores it", () => {
    const { filter, problems } = parseListFilter("?feedback=positive&status=error");
    assert.deepEqual(filter, { status: "error" });
    assert.match(problems[0]!, /feedback "positive"/);
  });
});
