/** The OTLP/JSON trace format (opentelemetry-proto's JSON mapping), as much of it as a stored trace fills. */
export type OtlpAnyValue = { stringValue: string } | { intValue: string } | { doubleValue: number } | { boolValue: boolean };

export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}

export interface OtlpSpan {
  /** 32 lowercase hex digits. */
  traceId: string;
  /** 16 lowercase hex digits. */
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** 1: SPAN_KIND_INTERNAL. */
  kind: number;
  /** Nanoseconds since the epoch, as a decimal string (int64). */
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpKeyValue[];
  /** code 0 unset, 1 ok, 2 error. */
  status: { code: number; message?: string };
}

export interface OtlpTraces {
  resourceSpans: {
    resource: { attributes: OtlpKeyValue[] };
    scopeSpans: { scope: { name: string; version?: string }; spans: OtlpSpan[] }[];
  }[];
}

/** An attribute in OTLP/JSON form; whole numbers as intValue, `undefined` left out. */
export function otlpAttribute(key: string, value: string | number | boolean | undefined): OtlpKeyValue[] {
  if (value === undefined) return [];
  if (typeof value === "string") return [{ key, value: { stringValue: value } }];
  if (typeof value === "boolean") return [{ key, value: { boolValue: value } }];
  return [{ key, value: Number.isSafeInteger(value) ? { intValue: String(value) } : { doubleValue: value } }];
}

/** An attribute's value read back: intValue as a number. */
export function otlpValue(value: OtlpAnyValue): string | number | boolean {
  if ("stringValue" in value) return value.stringValue;
  if ("intValue" in value) return Number(value.intValue);
  if ("doubleValue" in value) return value.doubleValue;
  return value.boolValue;
}
