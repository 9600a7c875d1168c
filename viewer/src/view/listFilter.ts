import type { TraceStatus } from "@agent-traces/core";
import { type TraceListFilter, userIdVariants } from "@agent-traces/store";

/** The list's filters, as held in its URL: `/?status=error&skill=x&user=y&feedback=negative&tool=name&from=ISO&to=ISO`. */
export interface ListFilter {
  status?: TraceStatus;
  skill?: string;
  user?: string;
  /** Runs rated "down" at least once; combines with from/to only (no index serves it with status, skill or user). */
  feedback?: "negative";
  /** Runs where a tool of this name failed (stored `failed_tool_names`); combines with from/to only. */
  tool?: string;
  /** Runs started at or after this instant. */
  from?: Date;
  /** Runs started before this instant. */
  to?: Date;
}

const STATUSES: readonly string[] = ["success", "error", "timeout"];

/** Reads the filters from a query string; a value that can't be used is left out and named in `problems`. */
export function parseListFilter(search: string): { filter: ListFilter; problems: string[] } {
  const params = new URLSearchParams(search);
  const filter: ListFilter = {};
  const problems: string[] = [];
  const status = params.get("status");
  if (status) {
    if (STATUSES.includes(status)) filter.status = status as TraceStatus;
    else problems.push(`status "${status}" is not one of ${STATUSES.join(", ")}`);
  }
  const skill = params.get("skill");
  if (skill) filter.skill = skill;
  const user = params.get("user");
  if (user) filter.user = user;
  const feedback = params.get("feedback");
  const tool = params.get("tool");
  if (tool) {
    const dropped = (["status", "skill", "user"] as const).filter((name) => filter[name] !== undefined);
    for (const name of dropped) delete filter[name];
    const named = [...dropped, ...(feedback ? ["feedback"] : [])];
    if (named.length) problems.push(`${named.join(", ")}: the failed-tool filter combines only with the start time`);
    filter.tool = tool;
  } else if (feedback === "negative") {
    const dropped = (["status", "skill", "user"] as const).filter((name) => filter[name] !== undefined);
    for (const name of dropped) delete filter[name];
    if (dropped.length) problems.push(`${dropped.join(", ")}: the negative-feedback filter combines only with the start time`);
    filter.feedback = "negative";
  } else if (feedback) problems.push(`feedback "${feedback}" is not "negative"`);
  for (const name of ["from", "to"] as const) {
    const text = params.get(name);
    if (!text) continue;
    const instant = parseInstant(text);
    if (instant) filter[name] = instant;
    else problems.push(`${name} "${text}" is not a date-time (use ISO 8601, e.g. 2026-12-01T10:00:00Z)`);
  }
  return { filter, problems };
}

/** The query string of `filter` ("" when it has none), in a fixed order so equal filters give equal URLs. */
export function listFilterSearch(filter: ListFilter): string {
  const params = new URLSearchParams();
  if (filter.status) params.set("status", filter.status);
  if (filter.skill) params.set("skill", filter.skill);
  if (filter.user) params.set("user", filter.user);
  if (filter.feedback) params.set("feedback", filter.feedback);
  if (filter.tool) params.set("tool", filter.tool);
  if (filter.from) params.set("from", filter.from.toISOString());
  if (filter.to) params.set("to", filter.to.toISOString());
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** The query filter: a user id that is an integer's text also matches the numeric id. */
export function toTraceListFilter(filter: ListFilter): TraceListFilter {
  return {
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.skill ? { skill: filter.skill } : {}),
    ...(filter.user ? { userId: userIdVariants(filter.user) } : {}),
    ...(filter.feedback === "negative" ? { negativeFeedback: true } : {}),
    ...(filter.tool ? { failedTool: filter.tool } : {}),
    ...(filter.from ? { since: filter.from } : {}),
    ...(filter.to ? { until: filter.to } : {}),
  };
}

/** An ISO 8601 date or date-time; one without a zone is local time, as a `datetime-local` input gives it. */
export function parseInstant(text: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/.test(text)) return undefined;
  // A bare date is UTC midnight to Date.parse; read it as local midnight like a date-time without zone.
  const instant = new Date(/T/.test(text) ? text : `${text}T00:00`);
  return Number.isNaN(instant.getTime()) ? undefined : instant;
}

/** The value a `datetime-local` input (with `step="1"`) shows for `instant`, in local time to the second. */
export function localInputValue(instant: Date | undefined): string {
  if (!instant) return "";
  const pad = (value: number) => String(value).padStart(2, "0");
  return `${instant.getFullYear()}-${pad(instant.getMonth() + 1)}-${pad(instant.getDate())}T${pad(instant.getHours())}:${pad(instant.getMinutes())}:${pad(instant.getSeconds())}`;
}
