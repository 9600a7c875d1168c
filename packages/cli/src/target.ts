import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { applicationDefault, initializeApp } from "firebase-admin/app";
import { getFirestore, type Firestore } from "firebase-admin/firestore";

export type Target = { kind: "emulator"; host: string; projectId: string } | { kind: "project"; projectId: string };

export const DEFAULT_PROJECT_ID = "demo-agent-traces";
const DEFAULT_EMULATOR_HOST = "127.0.0.1:8080";
const APP_NAME = "agent-traces-cli";
const EMULATOR_PROBE_MS = 3_000;

/** A connection failure: the message is one line. */
export class ConnectionError extends Error {
  override name = "ConnectionError";
}

/**
 * `--project` reads that real project; otherwise the emulator at FIRESTORE_EMULATOR_HOST, or else
 * the one pinned in firebase.json (`firebaseJson` is its text, if readable).
 */
export function resolveTarget(project: string | undefined, env: Record<string, string | undefined>, firebaseJson: string | undefined): Target {
  if (project !== undefined) return { kind: "project", projectId: project };
  return { kind: "emulator", host: env.FIRESTORE_EMULATOR_HOST || emulatorHostFromConfig(firebaseJson), projectId: env.GCLOUD_PROJECT || DEFAULT_PROJECT_ID };
}

/** `host:port` of `emulators.firestore` in firebase.json text; 127.0.0.1:8080 when not set. */
export function emulatorHostFromConfig(firebaseJson: string | undefined): string {
  let entry: { host?: unknown; port?: unknown } | undefined;
  try {
    entry = (JSON.parse(firebaseJson ?? "{}") as { emulators?: { firestore?: { host?: unknown; port?: unknown } } }).emulators?.firestore;
  } catch {
    return DEFAULT_EMULATOR_HOST;
  }
  if (typeof entry?.port !== "number") return DEFAULT_EMULATOR_HOST;
  let host = typeof entry.host === "string" && entry.host ? entry.host : "127.0.0.1";
  // A wildcard listen address is reached through loopback.
  if (host === "0.0.0.0") host = "127.0.0.1";
  if (host === "::") host = "::1";
  return host.includes(":") ? `[${host}]:${entry.port}` : `${host}:${entry.port}`;
}

/** The repo's firebase.json, two folders above this package's src/ or dist/. */
export function readRepoFirebaseJson(): string | undefined {
  try {
    return readFileSync(join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "firebase.json"), "utf8");
  } catch {
    return undefined;
  }
}

export function describeTarget(target: Target): string {
  return target.kind === "emulator" ? `the Firestore emulator at ${target.host} (project ${target.projectId})` : `project ${target.projectId}`;
}

/** firebase-admin's Firestore for the target, on a named app (the process exits when done). */
export async function connect(target: Target): Promise<Firestore> {
  if (target.kind === "emulator") {
    await probeEmulator(target.host);
    // The Firestore client reads the variable when it is created: it goes to the emulator, unauthenticated.
    process.env.FIRESTORE_EMULATOR_HOST = target.host;
    // Nothing runs on Google Cloud here: skip google-auth's metadata-server probe (slow, and a warning).
    process.env.METADATA_SERVER_DETECTION ??= "none";
  } else {
    delete process.env.FIRESTORE_EMULATOR_HOST;
  }
  const app = initializeApp(
    target.kind === "emulator" ? { projectId: target.projectId } : { projectId: target.projectId, credential: applicationDefault() },
    APP_NAME,
  );
  return getFirestore(app);
}

/** Fails fast with one line when nothing answers at the emulator's address (the client would retry for long). */
async function probeEmulator(host: string): Promise<void> {
  try {
    await fetch(`http://${host}/`, { signal: AbortSignal.timeout(EMULATOR_PROBE_MS) });
  } catch {
    throw new ConnectionError(`cannot reach the Firestore emulator at ${host}: start it with \`npm start\`, or pass --project ID to read a real project`);
  }
}
