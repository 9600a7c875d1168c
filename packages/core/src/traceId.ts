const TRACE_ID_PATTERN = /^[0-9a-f]{32}$/;
const INVALID_TRACE_ID = "0".repeat(32);

/** A W3C trace-context trace id: 32 lowercase hex digits, not all zeros. */
export function isValidTraceId(traceId: string): boolean {
  return TRACE_ID_PATTERN.test(traceId) && traceId !== INVALID_TRACE_ID;
}

/** A random W3C trace id (128 bits from the platform's CSPRNG). */
export function randomTraceId(): string {
  const bytes = new Uint8Array(16);
  for (;;) {
    globalThis.crypto.getRandomValues(bytes);
    let hex = "";
    for (const byte of bytes) hex += byte.toString(16).padStart(2, "0");
    if (hex !== INVALID_TRACE_ID) return hex;
  }
}
