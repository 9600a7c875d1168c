import { MAX_CALL_BYTES } from "./limits.js";
import { utf8Length } from "./storedSize.js";

/**
 * The bytes of a batch call's request body besides its traces' JSON and the commas between them:
 * `{"data":{"traces":[`, `],"sample_rate":` and the longest number JSON writes (24 characters), and
 * `,"keep_rules":{"failed_tool":false,"slower_than_ms":…,"tokens_above":…,"cost_above_usd":…}` with
 * three such numbers (159), `}}`: 220, rounded up.
 */
export const CALL_ENVELOPE_BYTES = 224;

/** The most bytes of traces (their JSON and a comma each) one batch call may carry. */
export const MAX_CALL_TRACE_BYTES = MAX_CALL_BYTES - CALL_ENVELOPE_BYTES;

/** A key escapeWireKeys sends with one more `@`, in JSON: `"@type":`, `"hasOwnProperty":`, and the same keys with `@` prefixed. */
const ESCAPED_KEY_JSON = /"@*(?:@type|hasOwnProperty)":/g;

/**
 * The bytes one trace adds to a batch call's request body: its JSON as the Firebase JS SDK sends it
 * (a property set to `undefined` as `null`, keys escaped by escapeWireKeys) in UTF-8, and a comma.
 * Never less than the real size, so that a batch whose traces add up to MAX_CALL_TRACE_BYTES at most
 * is a request of MAX_CALL_BYTES at most.
 */
export function traceCallBytes(trace: unknown): number {
  const json = JSON.stringify(trace, (_key, value: unknown) => (value === undefined ? null : value)) ?? "null";
  return utf8Length(json) + (json.match(ESCAPED_KEY_JSON)?.length ?? 0) + 1;
}
