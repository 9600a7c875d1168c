import { getApps, initializeApp } from "firebase-admin/app";
import { getFirestore, type Firestore } from "firebase-admin/firestore";
import { KnownCounters } from "@agent-traces/admin";

let db: Firestore | undefined;
let counters: KnownCounters | undefined;

/**
 * The default app's Firestore, created on first use so that cold starts stay short. The default app
 * is looked for by name: firebase-functions starts a named app of its own to check a callable's
 * token, so "some app exists" does not mean the default one does.
 */
export function traceStore(): Firestore {
  if (!db) {
    if (!getApps().some((app) => app.name === "[DEFAULT]")) initializeApp();
    db = getFirestore();
  }
  return db;
}

/** The rate-limit counters this instance last wrote, so that most calls commit without reading theirs first. */
export function knownCounters(): KnownCounters {
  return (counters ??= new KnownCounters());
}
