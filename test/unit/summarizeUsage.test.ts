import { strict as assert } from "node:assert";
import { OTHER_SKILLS, summarizeUsage, USAGE_FIELDS, USAGE_MODELS_SHOWN, USAGE_SKILLS_SHOWN, type ModelUsageSummary, type UsageFields } from "@agent-traces/admin";
import { DEFAULT_PRICES, OTHER_MODELS, traceCost, type ModelUsage } from "@agent-traces/core";
import type { StoredModelUsage } from "@agent-traces/store";

const trace = (overrides: Partial<UsageFields> = {}): UsageFields => ({ status: "success", skill: "planning", weight: 10, usage: [], ...overrides });
/** A stored entry: tokens, and its cost when given (priced). */
const uses = (model: string, input_tokens: number, output_tokens: number, cost_usd?: number): StoredModelUsage => ({ model, input_tokens, output_tokens, ...(cost_usd !== undefined ? { cost_usd } : {}) });
/** A report line: an unpriced one unless a cost is given. */
const line = (model: string, input_tokens: number, output_tokens: number, cost_usd: number | null = null, extra: Partial<ModelUsageSummary> = {}): ModelUsageSummary => ({
  model,
  input_tokens,
  output_tokens,
  cost_usd,
  ...(cost_usd === null && input_tokens + output_tokens > 0 ? { unpriced: true as const } : {}),
  ...extra,
});
const noParts = { cached_input_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0 };

describe("report: summarizeUsage", () => {
  it("projects only what it sums: status, skill, weight and usage (each entry's cost inside it)", () => {
    assert.deepEqual([...USAGE_FIELDS], ["status", "skill", "weight", "usage"]);
  });

  it("weights a success by its stored weight and counts a failure once, per skill and model", () => {
    const summary = summarizeUsage([
      trace({ usage: [uses("gpt-4o", 100, 10)] }), // stands for 10 runs
      trace({ weight: 2, usage: [uses("gpt-4o", 100, 10), uses("claude", 7, 3)] }), // stands for 2
      trace({ status: "error", usage: [uses("gpt-4o", 1, 1)] }), // itself: failures are never sampled out
      trace({ status: "timeout", skill: "search", weight: 2, usage: [uses("claude", 5, 5)] }),
      trace({ skill: null, weight: 1, usage: [uses("gpt-4o", 2, 2)] }),
      trace({ usage: undefined }),
      trace({ usage: [] }),
    ]);
    assert.deepEqual(
      summary.by_skill.map(({ skill, input_tokens, output_tokens, models }) => ({ skill, input_tokens, output_tokens, models })),
      [
        { skill: "planning", input_tokens: 1215, output_tokens: 127, models: [line("gpt-4o", 1201, 121), line("claude", 14, 6)] },
        { skill: "search", input_tokens: 5, output_tokens: 5, models: [line("claude", 5, 5)] },
        { skill: "(none)", input_tokens: 2, output_tokens: 2, models: [line("gpt-4o", 2, 2)] },
      ],
    );
    assert.deepEqual([summary.input_tokens, summary.output_tokens], [1222, 134]);
  });

  it("sums cost like tokens: exact for failures, weighted for successes, per model, skill and in total", () => {
    const summary = summarizeUsage([
      trace({ weight: 10, usage: [uses("gpt-4o", 1000, 100, 0.0035)] }),
      trace({ status: "error", weight: 10, usage: [uses("gpt-4o", 1000, 100, 0.0035), uses("gemini-2.5-flash", 2000, 10, 0.000625)] }),
      trace({ skill: "search", weight: 4, usage: [uses("gemini-2.5-flash", 1000, 0, 0.0003)] }),
    ]);
    const [planning, search] = summary.by_skill;
    assert.deepEqual(planning!.models, [line("gpt-4o", 11_000, 1_100, 0.0385), line("gemini-2.5-flash", 2000, 10, 0.000625)]);
    assert.equal(planning!.cost_usd, 0.039125);
    assert.deepEqual(planning!.unpriced_models, []);
    assert.equal(search!.cost_usd, 0.0012);
    assert.equal(summary.cost_usd, 0.040325, "the sum of the skills' costs, without float noise");
    assert.deepEqual(summary.unpriced_models, []);
  });

  it("names the models without a price and never counts them as $0: null when nothing is priced, the priced part beside them", () => {
    const onlyUnpriced = summarizeUsage([trace({ weight: 1, usage: [uses("my-finetune", 10, 10)] })]);
    assert.equal(onlyUnpriced.cost_usd, null);
    assert.deepEqual(onlyUnpriced.unpriced_models, ["my-finetune"]);
    assert.deepEqual(onlyUnpriced.by_skill[0]!.models, [line("my-finetune", 10, 10)]);
    assert.equal(onlyUnpriced.by_skill[0]!.cost_usd, null);

    const mixed = summarizeUsage([
      trace({ weight: 1, usage: [uses("gpt-4o", 1000, 0, 0.0025), uses("my-finetune", 10, 10)] }),
      // The same model priced in one run and not in another (stored before its price was added): its line is partly unpriced.
      trace({ skill: "search", weight: 1, usage: [uses("zeta", 100, 0, 0.001)] }),
      trace({ skill: "search", weight: 1, usage: [uses("zeta", 100, 0)] }),
      // An entry without tokens and without a price costs nothing and is not unpriced.
      trace({ skill: "search", weight: 1, usage: [uses("empty", 0, 0)] }),
    ]);
    const [planning, search] = mixed.by_skill;
    assert.deepEqual(planning!.models, [line("gpt-4o", 1000, 0, 0.0025), line("my-finetune", 10, 10)]);
    assert.equal(planning!.cost_usd, 0.0025);
    assert.deepEqual(planning!.unpriced_models, ["my-finetune"]);
    assert.deepEqual(search!.models, [line("zeta", 200, 0, 0.001, { unpriced: true }), line("empty", 0, 0)]);
    assert.deepEqual(search!.unpriced_models, ["zeta"]);
    assert.equal(mixed.cost_usd, 0.0035);
    assert.deepEqual(mixed.unpriced_models, ["my-finetune", "zeta"]);
  });

  it("sums the cached, cache-write and reasoning parts, weighted, per model (present when some), skill and in total", () => {
    const entry: ModelUsage = { model: "claude-sonnet-4-5", input_tokens: 1000, output_tokens: 500, cached_input_tokens: 600, cache_write_tokens: 100, reasoning_tokens: 200 };
    const cost = traceCost([entry], DEFAULT_PRICES).costs[0]!;
    const summary = summarizeUsage([trace({ weight: 2, usage: [{ ...entry, cost_usd: cost }] }), trace({ status: "error", usage: [uses("gpt-4o", 10, 10, 0.000125)] })]);
    const [skill] = summary.by_skill;
    assert.deepEqual(skill!.models, [
      line("claude-sonnet-4-5", 2000, 1000, Math.round(cost * 2 * 1e6) / 1e6, { cached_input_tokens: 1200, cache_write_tokens: 200, reasoning_tokens: 400 }),
      line("gpt-4o", 10, 10, 0.000125),
    ]);
    assert.deepEqual([skill!.cached_input_tokens, skill!.cache_write_tokens, skill!.reasoning_tokens], [1200, 200, 400]);
    assert.deepEqual([summary.cached_input_tokens, summary.cache_write_tokens, summary.reasoning_tokens], [1200, 200, 400]);
  });

  it("rounds per model, and every total is the sum of the entries it covers", () => {
    const summary = summarizeUsage([trace({ weight: 1 / 0.3, usage: [uses("a", 1, 1, 0.000001), uses("b", 1, 1, 0.000001)] })]);
    // 1 / 0.3 = 3.33 runs: each model rounds to 3 tokens, the skill's total is 6, not round(6.67) = 7.
    assert.deepEqual(summary.by_skill, [
      { skill: "planning", input_tokens: 6, output_tokens: 6, ...noParts, cost_usd: 0.000006, unpriced_models: [], models: [line("a", 3, 3, 0.000003), line("b", 3, 3, 0.000003)] },
    ]);
    assert.deepEqual([summary.input_tokens, summary.output_tokens, summary.cost_usd], [6, 6, 0.000006]);
  });

  it("counts a success kept for feedback (weight 0) not at all, and one stored without a weight once", () => {
    assert.deepEqual(summarizeUsage([trace({ weight: 0, usage: [uses("m", 4, 4, 1)] })]), { input_tokens: 0, output_tokens: 0, ...noParts, cost_usd: null, unpriced_models: [], by_skill: [] });
    const summary = summarizeUsage([trace({ weight: undefined, usage: [uses("m", 4, 4, 1)] })]);
    assert.deepEqual([summary.input_tokens, summary.output_tokens, summary.cost_usd], [4, 4, 1]);
  });

  it(`lists ${USAGE_MODELS_SHOWN} models per skill, most tokens first, the rest and the traces' own "(other)" summed last`, () => {
    const models = Array.from({ length: 12 }, (_, index) => uses(`m${String(index).padStart(2, "0")}`, 100 - index, 0, index % 2 ? 0.01 : undefined));
    const summary = summarizeUsage([trace({ weight: 1, usage: [uses(OTHER_MODELS, 1000, 1), ...models.slice(0, 6)] }), trace({ weight: 1, usage: models.slice(6) })]);
    const [skill] = summary.by_skill;
    assert.equal(skill!.models.length, USAGE_MODELS_SHOWN);
    assert.deepEqual(skill!.models.slice(0, -1).map((entry) => entry.model), ["m00", "m01", "m02", "m03", "m04", "m05", "m06"]);
    const restInput = models.slice(7).reduce((sum, entry) => sum + entry.input_tokens, 0);
    // m07, m09 and m11 are priced: their cost is the "(other)" line's, and the line is partly unpriced.
    assert.deepEqual(skill!.models.at(-1), line(OTHER_MODELS, 1000 + restInput, 1, 0.03, { unpriced: true }));
    assert.equal(skill!.input_tokens, 1000 + models.reduce((sum, entry) => sum + entry.input_tokens, 0), "nothing is lost");
    assert.equal(skill!.cost_usd, 0.06, "six priced models at $0.01");
    assert.deepEqual(skill!.unpriced_models, ["m00", "m02", "m04", "m06", OTHER_MODELS]);
  });

  it(`lists ${USAGE_SKILLS_SHOWN} skills, most tokens first, the rest summed as "${OTHER_SKILLS}"`, () => {
    const traces = Array.from({ length: 25 }, (_, index) => trace({ skill: `skill-${index}`, weight: 1, usage: [uses(index % 2 ? "a" : "b", 1000 - index, 1, index % 2 ? 0.5 : undefined)] }));
    const summary = summarizeUsage(traces);
    assert.equal(summary.by_skill.length, USAGE_SKILLS_SHOWN);
    assert.equal(summary.by_skill[0]!.skill, "skill-0");
    const other = summary.by_skill.at(-1)!;
    assert.equal(other.skill, OTHER_SKILLS);
    assert.deepEqual(other.models.map((entry) => entry.model).sort(), ["a", "b"]);
    assert.equal(other.input_tokens, [19, 20, 21, 22, 23, 24].reduce((sum, index) => sum + 1000 - index, 0));
    assert.equal(other.cost_usd, 1.5, "skills 19, 21 and 23 ran the priced model");
    assert.deepEqual(other.unpriced_models, ["b"]);
    assert.equal(summary.input_tokens, traces.reduce((sum, entry) => sum + entry.usage![0]!.input_tokens, 0));
    assert.equal(summary.cost_usd, 12 * 0.5);
    assert.deepEqual(summary.unpriced_models, ["b"]);
  });

  it("is empty for traces without usage", () => {
    assert.deepEqual(summarizeUsage([trace(), trace({ status: "error", usage: undefined })]), { input_tokens: 0, output_tokens: 0, ...noParts, cost_usd: null, unpriced_models: [], by_skill: [] });
  });
});
