import type { SanitizedTrace } from "@agent-traces/core";
import type { TraceStore } from "./TraceStore.js";

/** Runs one page keeps, at most, and characters of JSON (localStorage holds about 5 M per origin). */
export const PERSIST_LIMITS = { traces: 100, chars: 1_000_000 } as const;

const PREFIX = "agent-traces:";
/** Keys of the stores open in this page: another tracer here must not adopt runs still being sent. */
const openKeys = new Set<string>();

/**
 * A TraceStore in `localStorage`, one key per tracer and owner (`agent-traces:<namespace>:<uid>:<random>`,
 * the uid URI-encoded, empty for no user), so that tabs never overwrite each other. Synchronous on
 * purpose: a write made in `pagehide` is done before the page goes, which IndexedDB's asynchronous
 * transactions do not promise. A new tracer adopts the keys of its namespace that no tracer of this
 * page holds (a closed tab's); one of another open tab may be adopted too, and then sent twice: the
 * server stores a trace id once.
 */
export function localStorageTraceStore(namespace: string, storage: Storage | undefined = safeLocalStorage()): TraceStore | undefined {
  if (!storage) return undefined;
  const base = `${PREFIX}${namespace}:`;
  const suffix = `:${Math.random().toString(36).slice(2, 12)}`;
  let key: string | undefined;
  let closed = false;
  return {
    adopt(owner, removeOthers) {
      const adopted: SanitizedTrace[] = [];
      const removed: SanitizedTrace[] = [];
      const found: string[] = [];
      for (let index = 0; index < storage.length; index++) {
        const candidate = storage.key(index);
        if (candidate?.startsWith(base) && !openKeys.has(candidate)) found.push(candidate);
      }
      for (const candidate of found) {
        const keyOwner = ownerOf(candidate.slice(base.length));
        const mine = keyOwner === "" || keyOwner === ownerSegment(owner);
        if (!mine && !removeOthers) continue;
        (mine ? adopted : removed).push(...readTraces(storage.getItem(candidate)));
        storage.removeItem(candidate);
      }
      return { adopted, removed };
    },
    save(owner, traces) {
      if (closed) return;
      const next = `${base}${ownerSegment(owner)}${suffix}`;
      if (key !== next) {
        if (key !== undefined) {
          storage.removeItem(key);
          openKeys.delete(key);
        }
        key = next;
        openKeys.add(key);
      }
      const texts: string[] = [];
      let chars = 2;
      const iterator = traces[Symbol.iterator]();
      while (texts.length < PERSIST_LIMITS.traces) {
        const next = iterator.next();
        if (next.done || chars + next.value.length + 1 > PERSIST_LIMITS.chars) break;
        texts.push(next.value);
        chars += next.value.length + 1;
      }
      iterator.return?.();
      // Over the origin's quota: keep the first half, then a quarter... (the most important runs come first).
      for (let count = texts.length; ; count = Math.floor(count / 2)) {
        try {
          if (count === 0) storage.removeItem(key);
          else storage.setItem(key, `[${texts.slice(0, count).join(",")}]`);
          return;
        } catch {
          if (count === 0) return;
        }
      }
    },
    close() {
      closed = true;
      if (key !== undefined) openKeys.delete(key);
    },
  };
}

/** The key part naming an owner: the uid URI-encoded (no `:` left in it), empty for no user. */
function ownerSegment(owner: string | null): string {
  return owner === null ? "" : encodeURIComponent(owner);
}

/** The owner part of `<uid>:<random>`; a key of the earlier form `<random>` has none (empty). */
function ownerOf(rest: string): string {
  const end = rest.lastIndexOf(":");
  return end < 0 ? "" : rest.slice(0, end);
}

function readTraces(text: string | null): SanitizedTrace[] {
  try {
    const parsed: unknown = JSON.parse(text ?? "[]");
    return Array.isArray(parsed) ? parsed.filter((item): item is SanitizedTrace => typeof item === "object" && item !== null && typeof (item as { trace_id?: unknown }).trace_id === "string") : [];
  } catch {
    return [];
  }
}

/** `localStorage`, or `undefined` where there is none or it may not be used (a sandboxed frame, storage disabled). */
function safeLocalStorage(): Storage | undefined {
  try {
    return typeof localStorage === "undefined" ? undefined : localStorage;
  } catch {
    return undefined;
  }
}
