import type { ModelPrice, PriceTable } from "./modelPrice.js";

/** A pinned or dated version after a model's name: `-20250929`, `-2024-08-06`, `-001`, `-latest`, `@20250929`, `:0`, `-v1:0`. */
const VERSION_SUFFIX = /^(?:-\d{8}|-\d{4}-\d{2}-\d{2}|-\d{3}|-latest|-v\d+(?::\d+)?|@[\w.-]+|:[\w.-]+)+$/;

/**
 * The price of `model` in `table`: its exact name; else the name after its last `/` (a provider or
 * resource prefix: `googleai/gemini-2.5-flash`, `models/gemini-2.5-flash`, `openai/gpt-4o`), in lower
 * case; else the longest table name it extends with only a pinned or dated version (`gpt-4o-2024-08-06`,
 * `gemini-2.0-flash-001`, `claude-sonnet-4-5@20250929`). Another model (`claude-sonnet-4-6`,
 * `gpt-5.4-mini`) never takes a neighbour's price: undefined, unpriced.
 */
export function findPrice(model: string, table: PriceTable): ModelPrice | undefined {
  if (Object.hasOwn(table, model)) return table[model];
  const name = model.slice(model.lastIndexOf("/") + 1).toLowerCase();
  if (Object.hasOwn(table, name)) return table[name];
  let best: string | undefined;
  for (const key of Object.keys(table)) {
    const known = key.toLowerCase();
    if (name.length > known.length && name.startsWith(known) && VERSION_SUFFIX.test(name.slice(known.length)) && (best === undefined || known.length > best.length)) best = key;
  }
  return best === undefined ? undefined : table[best];
}
