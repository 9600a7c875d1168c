import { checkKey } from "../firestoreKeys.js";

/** What an empty key is stored as. */
export const EMPTY_KEY = "(empty)";

/**
 * A key Firestore can store for `key`, which it cannot (see checkKey): `""` becomes "(empty)", a
 * reserved `__name__` key loses one underscore at each end until it is not reserved ("__x__" -> "_x_").
 * A name already in `taken` gets "~2", "~3", … appended; the name returned is added to `taken`.
 */
export function storableKey(key: string, taken: Set<string>): string {
  let base = key;
  if (base.length === 0) base = EMPTY_KEY;
  while (checkKey(base)) base = base.slice(1, -1);
  let name = base;
  for (let suffix = 2; taken.has(name); suffix++) name = `${base}~${suffix}`;
  taken.add(name);
  return name;
}
