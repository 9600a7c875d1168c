import { MAX_CALL_BYTES } from "@agent-traces/core";

/**
 * What one recordTrace instance's memory has to hold at worst, and so how many bytes of calls it may
 * hold under way (its InFlightBudget). The figures are measured (docs/scaling.md, "Memory per
 * instance", and bench/memoryPerCall.ts), rounded up.
 */
const MIB = 1024 * 1024;

/** The memory sizes recordTrace may be given, in MiB (a Cloud Functions memory option each). */
export const MEMORY_OPTIONS_MIB = [256, 512, 1024, 2048, 4096] as const;

/** An instance that has served calls and holds none: the runtime, the SDKs, a Firestore channel (measured: 145-150 MB RSS). */
export const BASELINE_BYTES = 160 * MIB;

/**
 * Per byte of a request's body, what a request holds from its arrival until it is answered or
 * admitted: the raw body, the parsed JSON and the callable's decoded copy of it (measured: 1.8x for
 * traces of the largest size, 2.8x for realistic ones).
 */
export const ARRIVING_BYTES_PER_BODY_BYTE = 3;

/**
 * Per byte of an admitted call's body, what it holds until its write settles: the above, the
 * validated, sanitized traces, their documents, the commit request and its encoded copy in gRPC's
 * buffers while Firestore has not taken it (measured: 5.3x for traces of the largest size, 7.7x for
 * realistic ones, whose many small values cost more per byte).
 */
export const PENDING_BYTES_PER_BODY_BYTE = 8;

/** The share of the memory the worst case may fill; the rest is the garbage collector's room and the model's margin. */
export const MEMORY_HEADROOM = 0.8;

/**
 * The request-body bytes an instance of `memoryMiB` serving `concurrency` requests at once may hold in
 * calls under way: what is left of its memory (MEMORY_HEADROOM of it) once the baseline and
 * `concurrency` requests of MAX_CALL_BYTES arriving at once are set aside, per pending byte's cost.
 * Below MAX_CALL_BYTES the instance is too small for that concurrency (see maxConcurrencyFor).
 */
export function inFlightBudgetBytes(memoryMiB: number, concurrency: number): number {
  const free = memoryMiB * MIB * MEMORY_HEADROOM - BASELINE_BYTES - concurrency * MAX_CALL_BYTES * ARRIVING_BYTES_PER_BODY_BYTE;
  return Math.max(0, Math.floor(free / PENDING_BYTES_PER_BODY_BYTE));
}

/** The highest concurrency at which an instance of `memoryMiB` still has room for one call of MAX_CALL_BYTES under way (0: none). */
export function maxConcurrencyFor(memoryMiB: number): number {
  const free = memoryMiB * MIB * MEMORY_HEADROOM - BASELINE_BYTES - MAX_CALL_BYTES * PENDING_BYTES_PER_BODY_BYTE;
  return Math.max(0, Math.floor(free / (MAX_CALL_BYTES * ARRIVING_BYTES_PER_BODY_BYTE)));
}

/** The most an instance holds at worst: the baseline, `budgetBytes` of calls under way, `concurrency` requests of MAX_CALL_BYTES arriving. */
export function worstCaseBytes(budgetBytes: number, concurrency: number): number {
  return BASELINE_BYTES + budgetBytes * PENDING_BYTES_PER_BODY_BYTE + concurrency * MAX_CALL_BYTES * ARRIVING_BYTES_PER_BODY_BYTE;
}
