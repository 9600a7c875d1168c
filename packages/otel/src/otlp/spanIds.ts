const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK = (1n << 64n) - 1n;

/** A span id (16 hex digits, never all zeros) derived from `seed`: the same trace exports the same ids. */
export function derivedSpanId(seed: string): string {
  let hash = FNV_OFFSET;
  for (let index = 0; index < seed.length; index++) hash = ((hash ^ BigInt(seed.charCodeAt(index))) * FNV_PRIME) & MASK;
  return (hash === 0n ? 1n : hash).toString(16).padStart(16, "0");
}
