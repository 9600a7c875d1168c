import type { KeptFor } from "@agent-traces/core";
import type { StoredTrace } from "@agent-traces/store";
import { formatPercent } from "./format.js";

/** Why a run was kept and the runs it stands for, said in words; undefined for runs stored before `kept_for` existed. */
export function keptForText(run: Pick<StoredTrace, "kept_for" | "weight" | "sample_rate">): { reason: string; weight: string | undefined } | undefined {
  if (run.kept_for === undefined) return undefined;
  return { reason: reasonText(run.kept_for, run.sample_rate), weight: run.weight === undefined ? undefined : weightText(run.weight) };
}

function reasonText(keptFor: KeptFor, sampleRate: number): string {
  switch (keptFor) {
    case "error":
      return "it failed: every failed run is kept";
    case "timeout":
      return "it timed out: every timed-out run is kept";
    case "failed_tool":
      return "a tool call failed (keep rule: failed tool)";
    case "slow":
      return "it was slower than the keep threshold (keep rule: slow)";
    case "tokens":
      return "it used more tokens than the keep threshold (keep rule: tokens)";
    case "cost":
      return "it cost more than the keep threshold (keep rule: cost)";
    case "sampled":
      return `the sampler picked it (successes kept at ${formatPercent(sampleRate)})`;
    case "feedback":
      return "a user rated it thumbs-down after the sampler had dropped it";
    default:
      return String(keptFor);
  }
}

/** The runs a stored run stands for in the report's estimates (1 / the rate it was kept at; 0 when kept for feedback). */
function weightText(weight: number): string {
  if (weight === 0) return "it stands for no run in the estimates (the sampled runs' weights already count it)";
  if (weight === 1) return "it stands for itself (1 run)";
  return `it stands for ${Math.round(weight * 100) / 100} runs (1 / the rate it was kept at)`;
}
