import { costText, type StoredModelUsage, type StoredTrace } from "@agent-traces/store";

/** The cost fields of a stored run (recordTrace prices it when it stores it; runs stored before that have none). */
export type RunCostFields = Pick<StoredTrace, "usage" | "cost_usd" | "unpriced_models">;

/** How a run's cost is written, in the list and on its page: "$0.0123", "$0.0123 + unpriced", "unpriced", "—" (no usage, or not priced when stored). */
export function runCostText(run: RunCostFields): string {
  return costText(run.cost_usd, (run.unpriced_models?.length ?? 0) > 0);
}

/** One model's cost in a run: its USD, "unpriced" when the run names it unpriced, "—" otherwise (no tokens, or not priced when stored). */
export function modelCostText(run: RunCostFields, entry: StoredModelUsage): string {
  return costText(entry.cost_usd, run.unpriced_models?.includes(entry.model) ?? false);
}

/** Whether the run's usage was priced when it was stored: false for runs stored before costs were, or without tokens. */
export function costComputed(run: RunCostFields): boolean {
  return run.cost_usd !== undefined || run.unpriced_models !== undefined;
}
