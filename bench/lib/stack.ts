/** What the emulator benchmarks share: the stack's variables, firebase-admin clients, quiet logs. */
import { getApps, initializeApp, type App } from "firebase-admin/app";
import { getFirestore, type Firestore } from "firebase-admin/firestore";
import { signInAnonymously, signOut, type Auth } from "firebase/auth";

export const PROJECT_ID = process.env.GCLOUD_PROJECT ?? "demo-agent-traces";

const REQUIRED = ["FIRESTORE_EMULATOR_HOST", "FIREBASE_AUTH_EMULATOR_HOST", "FUNCTIONS_EMULATOR_ORIGIN", "GCLOUD_PROJECT"];

/** The variables the local stack sets; `undefined` when everything is there. */
export function missingStackVariables(): string[] {
  return REQUIRED.filter((name) => !process.env[name]);
}

let app: App | undefined;
const databases = new Map<string, Firestore>();

/** firebase-admin's Firestore on the emulator; `databaseId` picks a named database (same emulator). */
export function adminDb(databaseId = "(default)"): Firestore {
  app ??= getApps().find((candidate) => candidate.name === "bench") ?? initializeApp({ projectId: PROJECT_ID }, "bench");
  let db = databases.get(databaseId);
  if (!db) {
    db = databaseId === "(default)" ? getFirestore(app) : getFirestore(app, databaseId);
    databases.set(databaseId, db);
  }
  return db;
}

/** Deletes every document of one database of the emulator. */
export async function clearDatabase(databaseId = "(default)"): Promise<void> {
  const url = `http://${process.env.FIRESTORE_EMULATOR_HOST}/emulator/v1/projects/${PROJECT_ID}/databases/${encodeURIComponent(databaseId)}/documents`;
  const response = await fetch(url, { method: "DELETE" });
  if (!response.ok) throw new Error(`clearing ${databaseId} failed: ${response.status} ${await response.text()}`);
}

/**
 * Runs `body` with stdout writes dropped: the functions' logger writes one JSON line per call, which
 * would flood the terminal. The line is still built (its cost stays measured); only the write is skipped.
 */
export async function withQuietStdout<T>(body: () => Promise<T>): Promise<T> {
  const write = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    return await body();
  } finally {
    process.stdout.write = write;
  }
}

/**
 * Signs `auth` in as a new anonymous user: a benchmark that stores more than TRACE_RATE_LIMIT_PER_MINUTE
 * traces in a minute changes caller between rounds, so the per-uid limit never refuses it.
 */
export async function newAnonymousCaller(auth: Auth): Promise<void> {
  await signOut(auth);
  await signInAnonymously(auth);
}
