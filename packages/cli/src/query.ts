import type { Firestore } from "firebase-admin/firestore";
import { listTraces } from "@agent-traces/admin";
import { userIdVariants, type StoredTrace } from "@agent-traces/store";
import type { ListFilters } from "./args.js";

/** Traces newest first, in one query (`--user` as an `in` filter); `more` when older ones may exist beyond the limit. */
export async function findTraces(db: Firestore, filters: ListFilters): Promise<{ traces: StoredTrace[]; more: boolean }> {
  const { user, ...rest } = filters;
  const page = await listTraces(db, user === undefined ? rest : { ...rest, userId: userIdVariants(user) });
  return { traces: page.traces, more: page.nextCursor !== undefined };
}
