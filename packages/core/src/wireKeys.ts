/**
 * Keys the callable protocol cannot carry as they are: the Functions decoder reads any object with
 * an `"@type"` key as a typed value (and fails the call as `internal` for an unknown type), and the
 * JS SDK's encoder calls `hasOwnProperty` on every object it sends. These keys, and the same keys
 * with `@` prefixed any number of times, travel with one more `@` in front, which the server removes:
 * `"@type"` is sent as `"@@type"`, `"@@type"` as `"@@@type"`, `"hasOwnProperty"` as `"@hasOwnProperty"`.
 */
const ESCAPED_KEY = /^@*(?:@type|hasOwnProperty)$/;

/** The key as sent on the wire (see above); any other key is sent as it is. */
export function escapeWireKey(key: string): string {
  return ESCAPED_KEY.test(key) ? `@${key}` : key;
}

/** The key as it was before `escapeWireKey`. */
export function unescapeWireKey(key: string): string {
  return key.charCodeAt(0) === 64 && ESCAPED_KEY.test(key.slice(1)) ? key.slice(1) : key;
}

/** `value` with every object key, at any depth, escaped for the wire; a copy only where a key changes. */
export function escapeWireKeys<T>(value: T): T {
  return renameKeys(value, escapeWireKey) as T;
}

/** `value` with every object key, at any depth, restored from its wire form; a copy only where a key changes. */
export function unescapeWireKeys(value: unknown): unknown {
  return renameKeys(value, unescapeWireKey);
}

/** JSON-like data with `rename` applied to every key; unchanged subtrees are returned as they are. */
function renameKeys(value: unknown, rename: (key: string) => string): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, index) => {
      const renamed = renameKeys(item, rename);
      if (renamed !== item) (copy ??= [...value])[index] = renamed;
    });
    return copy ?? value;
  }
  let changed = false;
  const entries = Object.entries(value).map(([key, item]) => {
    const renamedKey = rename(key);
    const renamedItem = renameKeys(item, rename);
    if (renamedKey !== key || renamedItem !== item) changed = true;
    return [renamedKey, renamedItem] as const;
  });
  if (!changed) return value;
  const copy = Object.create(Object.getPrototypeOf(value) as object | null) as Record<string, unknown>;
  for (const [key, item] of entries) Object.defineProperty(copy, key, { value: item, enumerable: true, writable: true, configurable: true });
  return copy;
}
