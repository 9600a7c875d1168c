import { z } from "zod";
import type { KeepRules } from "./keepRules.js";

/** The wire form of KeepRules (a recordTrace batch's and a held run's `keep_rules`): thresholds whole and positive. */
export const keepRulesSchema = z.strictObject({
  failed_tool: z.boolean({ error: "must be true or false" }),
  slower_than_ms: z.number({ error: "must be a whole number of ms >= 1" }).int("must be a whole number of ms >= 1").min(1, "must be a whole number of ms >= 1").optional(),
  tokens_above: z.number({ error: "must be a whole number of tokens >= 1" }).int("must be a whole number of tokens >= 1").min(1, "must be a whole number of tokens >= 1").optional(),
  cost_above_usd: z.number({ error: "must be a number of USD > 0" }).positive("must be a number of USD > 0").refine(Number.isFinite, "must be a finite number").optional(),
}) satisfies z.ZodType<KeepRules>;
