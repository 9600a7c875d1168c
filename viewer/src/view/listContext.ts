/**
 * The list a run was opened from (its query string and the ids it showed, in order), kept in
 * sessionStorage so the run page can move to the previous and next run of that list.
 */
export interface ListContext {
  search: string;
  ids: string[];
}

const KEY = "agent-traces:list";

export function saveListContext(storage: Pick<Storage, "setItem">, context: ListContext): void {
  try {
    storage.setItem(KEY, JSON.stringify(context));
  } catch {
    // storage full or disabled: navigation falls back to the next older run only
  }
}

export function loadListContext(storage: Pick<Storage, "getItem">): ListContext | undefined {
  try {
    const value = JSON.parse(storage.getItem(KEY) ?? "null") as Partial<ListContext> | null;
    if (value && typeof value.search === "string" && Array.isArray(value.ids) && value.ids.every((id) => typeof id === "string")) {
      return { search: value.search, ids: value.ids };
    }
  } catch {
    // unreadable: no context
  }
  return undefined;
}

/** The newer (previous) and older (next) run around `traceId` in the list it came from, when that list is known. */
export function neighborsInList(context: ListContext | undefined, search: string, traceId: string): { previous?: string; next?: string } {
  if (!context || context.search !== search) return {};
  const at = context.ids.indexOf(traceId);
  if (at < 0) return {};
  return { previous: context.ids[at - 1], next: context.ids[at + 1] };
}
