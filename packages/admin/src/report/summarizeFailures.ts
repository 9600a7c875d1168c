import { isContentDescription } from "@agent-traces/core";
import type { TraceDocument } from "../traceDocument.js";
import { normalizeErrorMessage } from "./normalizeErrorMessage.js";

/**
 * The fields of a failed trace the report reads; `failed_tools` is absent on traces stored before it
 * existed, `usage` on traces sent without token usage.
 */
export type FailureFields = Pick<TraceDocument, "trace_id" | "status" | "skill" | "user_id"> & {
  failed_tools?: TraceDocument["failed_tools"];
  metadata?: { error?: unknown };
  usage?: TraceDocument["usage"];
};

/**
 * The projection of the failures query: the fields of FailureFields and nothing else (no
 * `tool_traces`; of `metadata`, only `error`). A projected document is at most about 18 KiB
 * (`failed_tools` <= 2 KiB, `metadata.error` <= the 8 KiB metadata budget, `usage` <= 16 models of
 * 128 characters), a few hundred bytes typically.
 */
export const FAILURE_FIELDS = ["trace_id", "status", "skill", "user_id", "failed_tools", "metadata.error", "usage"] as const;

export interface FailureBreakdown {
  by_skill: { skill: string; errors: number; timeouts: number }[];
  by_tool: { tool: string; failed_calls: number; runs: number }[];
  top_errors: { message: string; count: number; sample_trace_ids: string[] }[];
  users_affected: number;
}

/** The skill a run recorded without one is counted under. */
export const NO_SKILL = "(none)";
const TIMEOUT_MESSAGE = "(timeout)";
const NO_MESSAGE = "(no error message)";
/** The message of failures stored with content capture off: their error text is a description (core's omitContent). */
export const CONTENT_NOT_CAPTURED_MESSAGE = "(error text not captured: content capture off)";
const TOP_ERRORS = 10;
const SAMPLE_IDS = 3;

/** Groups failed runs by skill, failing tool and normalized error message (one group for those whose error text was not captured). Pure. */
export function summarizeFailures(failures: readonly FailureFields[]): FailureBreakdown {
  const bySkill = new Map<string, { errors: number; timeouts: number }>();
  const byTool = new Map<string, { failed_calls: number; runs: number }>();
  const byMessage = new Map<string, { count: number; sample_trace_ids: string[] }>();
  const users = new Set<string>();

  for (const failure of failures) {
    const skill = bySkill.get(failure.skill ?? NO_SKILL) ?? { errors: 0, timeouts: 0 };
    if (failure.status === "timeout") skill.timeouts++;
    else skill.errors++;
    bySkill.set(failure.skill ?? NO_SKILL, skill);

    for (const { name, calls } of failure.failed_tools ?? []) {
      const entry = byTool.get(name) ?? { failed_calls: 0, runs: 0 };
      entry.failed_calls += calls;
      entry.runs++;
      byTool.set(name, entry);
    }

    const message = messageOf(failure);
    const entry = byMessage.get(message) ?? { count: 0, sample_trace_ids: [] };
    entry.count++;
    if (entry.sample_trace_ids.length < SAMPLE_IDS) entry.sample_trace_ids.push(failure.trace_id);
    byMessage.set(message, entry);

    if (failure.user_id !== null && failure.user_id !== undefined) users.add(`${typeof failure.user_id}:${failure.user_id}`);
  }

  return {
    by_skill: [...bySkill].map(([skill, counts]) => ({ skill, ...counts })).sort((a, b) => b.errors + b.timeouts - (a.errors + a.timeouts) || a.skill.localeCompare(b.skill)),
    by_tool: [...byTool].map(([tool, counts]) => ({ tool, ...counts })).sort((a, b) => b.failed_calls - a.failed_calls || a.tool.localeCompare(b.tool)),
    top_errors: [...byMessage]
      .map(([message, entry]) => ({ message, ...entry }))
      .sort((a, b) => b.count - a.count || a.message.localeCompare(b.message))
      .slice(0, TOP_ERRORS),
    users_affected: users.size,
  };
}

function messageOf(failure: FailureFields): string {
  const error = failure.metadata?.error;
  if (isContentDescription(error)) return CONTENT_NOT_CAPTURED_MESSAGE;
  if (typeof error === "string" && error.trim()) return normalizeErrorMessage(error);
  return failure.status === "timeout" ? TIMEOUT_MESSAGE : NO_MESSAGE;
}
