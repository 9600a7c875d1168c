import { getApps, initializeApp } from "firebase-admin/app";
import { getFirestore, type Firestore } from "firebase-admin/firestore";
import { KnownCounters } from "@agent-traces/admin";

let db: Firestore | undefined;
let counters: KnownCounters | undefined;

/** The default app's Firestore, created on first use so that cold starts stay short. */
export function traceStore(): Firestore {
  if (!db) {
    if (getApps().length === 0) initializeApp();
    db = getFirestore();
  }
  return db;
}

/** The rate-limit counters this instance last wrote, so that most calls commit without reading theirs first. */
export function knownCounters(): KnownCounters {
  return (counters ??= new KnownCounters());
}
