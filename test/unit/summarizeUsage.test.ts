import { strict as assert } from "node:assert";
import { OTHER_SKILLS, summarizeUsage, USAGE_FIELDS, USAGE_MODELS_SHOWN, USAGE_SKILLS_SHOWN, type UsageFields } from "@agent-traces/admin";
import { OTHER_MODELS } from "@agent-traces/core";

const trace = (overrides: Partial<UsageFields> = {}): UsageFields => ({ status: "success", skill: "planning", weight: 10, usage: [], ...overrides });
const uses = (model: string, input_tokens: number, output_tokens: number) => ({ model, input_tokens, output_tokens });

describe("report: summarizeUsage", () => {
  it("projects only what it sums: status, skill, sample rate and usage", () => {
    assert.deepEqual([...USAGE_FIELDS], ["status", "skill", "weight", "usage"]);
  });

  it("weights a success by 1 / its sample rate and counts a failure once, per skill and model", () => {
    const summary = summarizeUsage([
      trace({ usage: [uses("gpt-4o", 100, 10)] }), // stands for 10 runs
      trace({ weight: 2, usage: [uses("gpt-4o", 100, 10), uses("claude", 7, 3)] }), // stands for 2
      trace({ status: "error", usage: [uses("gpt-4o", 1, 1)] }), // itself: failures are never sampled out
      trace({ status: "timeout", skill: "search", weight: 2, usage: [uses("claude", 5, 5)] }),
      trace({ skill: null, weight: 1, usage: [uses("gpt-4o", 2, 2)] }),
      trace({ usage: undefined }),
      trace({ usage: [] }),
    ]);
    assert.deepEqual(summary.by_skill, [
      { skill: "planning", input_tokens: 1215, output_tokens: 127, models: [uses("gpt-4o", 1201, 121), uses("claude", 14, 6)] },
      { skill: "search", input_tokens: 5, output_tokens: 5, models: [uses("claude", 5, 5)] },
      { skill: "(none)", input_tokens: 2, output_tokens: 2, models: [uses("gpt-4o", 2, 2)] },
    ]);
    assert.deepEqual([summary.input_tokens, summary.output_tokens], [1222, 134]);
  });

  it("rounds per model, and every total is the sum of the entries it covers", () => {
    const summary = summarizeUsage([trace({ weight: 1 / 0.3, usage: [uses("a", 1, 1), uses("b", 1, 1)] })]);
    // 1 / 0.3 = 3.33 runs: each model rounds to 3 tokens, the skill's total is 6, not round(6.67) = 7.
    assert.deepEqual(summary.by_skill, [{ skill: "planning", input_tokens: 6, output_tokens: 6, models: [uses("a", 3, 3), uses("b", 3, 3)] }]);
    assert.deepEqual([summary.input_tokens, summary.output_tokens], [6, 6]);
  });

  it("counts a success stored with an unusable weight once", () => {
    const summary = summarizeUsage([trace({ weight: 0, usage: [uses("m", 4, 4)] })]);
    assert.deepEqual([summary.input_tokens, summary.output_tokens], [4, 4]);
  });

  it(`lists ${USAGE_MODELS_SHOWN} models per skill, most tokens first, the rest and the traces' own "(other)" summed last`, () => {
    const models = Array.from({ length: 12 }, (_, index) => uses(`m${String(index).padStart(2, "0")}`, 100 - index, 0));
    const summary = summarizeUsage([trace({ weight: 1, usage: [uses(OTHER_MODELS, 1000, 1), ...models.slice(0, 6)] }), trace({ weight: 1, usage: models.slice(6) })]);
    const [skill] = summary.by_skill;
    assert.equal(skill!.models.length, USAGE_MODELS_SHOWN);
    assert.deepEqual(skill!.models.slice(0, -1).map((entry) => entry.model), ["m00", "m01", "m02", "m03", "m04", "m05", "m06"]);
    const restInput = models.slice(7).reduce((sum, entry) => sum + entry.input_tokens, 0);
    assert.deepEqual(skill!.models.at(-1), uses(OTHER_MODELS, 1000 + restInput, 1));
    assert.equal(skill!.input_tokens, 1000 + models.reduce((sum, entry) => sum + entry.input_tokens, 0), "nothing is lost");
  });

  it(`lists ${USAGE_SKILLS_SHOWN} skills, most tokens first, the rest summed as "${OTHER_SKILLS}"`, () => {
    const traces = Array.from({ length: 25 }, (_, index) => trace({ skill: `skill-${index}`, weight: 1, usage: [uses(index % 2 ? "a" : "b", 1000 - index, 1)] }));
    const summary = summarizeUsage(traces);
    assert.equal(summary.by_skill.length, USAGE_SKILLS_SHOWN);
    assert.equal(summary.by_skill[0]!.skill, "skill-0");
    const other = summary.by_skill.at(-1)!;
    assert.equal(other.skill, OTHER_SKILLS);
    assert.deepEqual(other.models.map((entry) => entry.model).sort(), ["a", "b"]);
    assert.equal(other.input_tokens, [19, 20, 21, 22, 23, 24].reduce((sum, index) => sum + 1000 - index, 0));
    assert.equal(summary.input_tokens, traces.reduce((sum, entry) => sum + entry.usage![0]!.input_tokens, 0));
  });

  it("is empty for traces without usage", () => {
    assert.deepEqual(summarizeUsage([trace(), trace({ status: "error", usage: undefined })]), { input_tokens: 0, output_tokens: 0, by_skill: [] });
  });
});
