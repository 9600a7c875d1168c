import type { Firestore } from "firebase-admin/firestore";
import { listTraces, type StoredTrace, type TracePage } from "@agent-traces/admin";
import type { ListFilters } from "./args.js";

/**
 * The user ids a `--user` value stands for: an integer's text also matches the numeric id
 * (only in its canonical form: "007" is a string only).
 */
export function userIdVariants(user: string): (string | number)[] {
  const number = Number(user);
  return /^-?\d+$/.test(user) && Number.isSafeInteger(number) && String(number) === user ? [user, number] : [user];
}

/** Traces newest first; `more` when older ones may exist beyond the limit. */
export async function findTraces(db: Firestore, filters: ListFilters): Promise<{ traces: StoredTrace[]; more: boolean }> {
  const { user, ...rest } = filters;
  const userIds = user === undefined ? [undefined] : userIdVariants(user);
  const pages = await Promise.all(userIds.map((userId) => listTraces(db, userId === undefined ? rest : { ...rest, userId })));
  return mergeNewestFirst(pages, filters.limit);
}

/** Pages of separate queries as one list, in the queries' order (started_at, then trace id, descending). */
export function mergeNewestFirst(pages: readonly TracePage[], limit: number): { traces: StoredTrace[]; more: boolean } {
  const all = pages.flatMap((page) => page.traces);
  all.sort((a, b) => Date.parse(b.started_at) - Date.parse(a.started_at) || (a.trace_id < b.trace_id ? 1 : a.trace_id > b.trace_id ? -1 : 0));
  return { traces: all.slice(0, limit), more: all.length > limit || pages.some((page) => page.nextCursor !== undefined) };
}
