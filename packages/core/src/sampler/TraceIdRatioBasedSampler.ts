import { isValidTraceId } from "../traceId.js";
import type { Sampler } from "./Sampler.js";

/**
 * Samples a fraction of trace ids, making exactly the decision OpenTelemetry JS's
 * `TraceIdRatioBasedSampler` (sdk-trace 2.x) makes for the same id and ratio: the four 32-bit
 * words of the id are XOR-ed and compared with ratio * 0xffffffff (ratio 1 keeps every id).
 * The tracer, the function and an OTel pipeline therefore keep the same traces.
 */
export class TraceIdRatioBasedSampler implements Sampler {
  readonly ratio: number;
  private readonly upperBound: number;

  constructor(ratio: number) {
    this.ratio = normalizeRatio(ratio);
    this.upperBound = this.ratio === 1 ? 0x100000000 : Math.floor(this.ratio * 0xffffffff);
  }

  /** Hex digits in either case, as OpenTelemetry reads them (the server stores ids lowercased). */
  shouldSample(traceId: string): boolean {
    const id = isValidTraceId(traceId) ? traceId : traceId.toLowerCase();
    return isValidTraceId(id) && accumulate(id) < this.upperBound;
  }
}

function normalizeRatio(ratio: number): number {
  if (typeof ratio !== "number" || Number.isNaN(ratio)) return 0;
  return ratio >= 1 ? 1 : ratio <= 0 ? 0 : ratio;
}

/** XOR of the id's four 32-bit words; the id is already known to be 32 lowercase hex digits. */
function accumulate(traceId: string): number {
  let accumulation = 0;
  for (let word = 0; word < 32; word += 8) {
    let part = 0;
    for (let digit = word; digit < word + 8; digit++) {
      const code = traceId.charCodeAt(digit);
      part = (part << 4) | (code < 58 ? code - 48 : code - 87);
    }
    accumulation = (accumulation ^ part) >>> 0;
  }
  return accumulation;
}
