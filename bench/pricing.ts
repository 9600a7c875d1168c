/**
 * List prices used by the cost model (B7), in US dollars, before free tiers (the cost of one more
 * million runs). Taken on PRICES_TAKEN from the pages in SOURCES; update both together.
 */
export const PRICES_TAKEN = "2026-11-25";

/** Firestore (Standard edition), multi-region nam5 / us, the location most Firebase projects pick. */
export const FIRESTORE_WRITES_PER_100K = 0.18;
export const FIRESTORE_DELETES_PER_100K = 0.02; // TTL deletes are billed as deletes (no free tier for them)
export const FIRESTORE_READS_PER_100K = 0.06;
export const FIRESTORE_STORAGE_PER_GIB_MONTH = 0.18; // documents, metadata and index entries
export const DAYS_PER_MONTH = 365 / 12;

/** Cloud Functions (2nd gen) is billed as Cloud Run, request-based billing, Tier 1 regions (us-central1). */
export const INVOCATIONS_PER_MILLION = 0.4;
export const VCPU_SECOND = 0.000024;
export const GIB_SECOND = 0.0000025;

/**
 * What one invocation is billed for: recordTrace's deployment, 1 vCPU (firebase-functions v2's default for
 * functions of up to 2 GiB), 512 MiB (RECORD_TRACE_MEMORY_MIB), concurrency 80. Cloud Run rounds billable instance time up to 100 ms; with sparse traffic each
 * call bills at least that, so 100 ms is an upper bound (under load, concurrent calls share it).
 */
export const FUNCTION_VCPU = 1;
export const FUNCTION_MEMORY_GIB = 0.5;
export const BILLED_SECONDS_PER_INVOCATION = 0.1;

export const SOURCES = [
  "https://cloud.google.com/firestore/pricing (and https://firebase.google.com/docs/firestore/pricing): per-location prices for reads, writes, deletes and stored data; TTL deletes billed as deletes",
  "https://cloud.google.com/run/pricing: request-based billing, Tier 1: $0.000024 per vCPU-second, $0.0000025 per GiB-second, $0.40 per million requests, billable time rounded up to 100 ms",
  "https://cloud.google.com/functions/pricing: Cloud Functions (2nd gen) pricing is based on Cloud Run pricing",
  "https://firebase.google.com/docs/reference/functions/2nd-gen/node/firebase-functions.alerts.firebasealertoptions (the 2nd-gen options reference): cpu defaults to 1 for functions with <= 2 GB RAM; concurrency defaults to 80 when cpu >= 1",
  "https://firebase.google.com/docs/firestore/storage-size: document, field and index entry sizes",
] as const;
