import type { SanitizedTrace } from "@agent-traces/core";
import type { TraceStore } from "./TraceStore.js";

/** Runs one page keeps, at most, and characters of JSON (localStorage holds about 5 M per origin). */
export const PERSIST_LIMITS = { traces: 100, chars: 1_000_000 } as const;

const PREFIX = "agent-traces:";
/** Keys of the stores open in this page: another tracer here must not adopt runs still being sent. */
const openKeys = new Set<string>();

/**
 * A TraceStore in `localStorage`, one key per tracer (`agent-traces:<namespace>:<random>`), so that
 * tabs never overwrite each other. Synchronous on purpose: a write made in `pagehide` is done before
 * the page goes, which IndexedDB's asynchronous transactions do not promise. On load, a new tracer
 * adopts the keys of its namespace that no tracer of this page holds (a closed tab's); one of another
 * open tab may be adopted too, and then sent twice: the server stores a trace id once.
 */
export function localStorageTraceStore(namespace: string, storage: Storage | undefined = safeLocalStorage()): TraceStore | undefined {
  if (!storage) return undefined;
  const base = `${PREFIX}${namespace}:`;
  const key = `${base}${Math.random().toString(36).slice(2, 12)}`;
  openKeys.add(key);
  let closed = false;
  return {
    adopt() {
      const adopted: SanitizedTrace[] = [];
      const keys: string[] = [];
      for (let index = 0; index < storage.length; index++) {
        const found = storage.key(index);
        if (found?.startsWith(base) && !openKeys.has(found)) keys.push(found);
      }
      for (const found of keys) {
        adopted.push(...readTraces(storage.getItem(found)));
        storage.removeItem(found);
      }
      return adopted;
    },
    save(traces) {
      if (closed) return;
      let count = 0;
      let chars = 2;
      while (count < Math.min(traces.length, PERSIST_LIMITS.traces) && chars + traces[count]!.length + 1 <= PERSIST_LIMITS.chars) chars += traces[count++]!.length + 1;
      // Over the origin's quota: keep the first half, then a quarter... (the most important runs come first).
      for (; ; count = Math.floor(count / 2)) {
        try {
          if (count === 0) storage.removeItem(key);
          else storage.setItem(key, `[${traces.slice(0, count).join(",")}]`);
          return;
        } catch {
          if (count === 0) return;
        }
      }
    },
    close() {
      closed = true;
      openKeys.delete(key);
    },
  };
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
