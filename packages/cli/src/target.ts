import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { applicationDefault, initializeApp, type App } from "firebase-admin/app";
import { getAuth, type Auth } from "firebase-admin/auth";
import { getFirestore, type Firestore } from "firebase-admin/firestore";

/** The emulators the CLI reads or changes: Firestore (traces, reports) and Auth (custom claims). */
export type Service = "firestore" | "auth";

/** Where a command goes: an emulator of one service, or a real Firebase project. */
export type Target = { kind: "emulator"; service: Service; host: string; projectId: string } | { kind: "project"; projectId: string };

export const DEFAULT_PROJECT_ID = "demo-agent-traces";
const EMULATORS: Record<Service, { hostVariable: string; defaultPort: number; label: string }> = {
  firestore: { hostVariable: "FIRESTORE_EMULATOR_HOST", defaultPort: 8080, label: "Firestore" },
  auth: { hostVariable: "FIREBASE_AUTH_EMULATOR_HOST", defaultPort: 9099, label: "Auth" },
};
const APP_NAME = "agent-traces-cli";
const EMULATOR_PROBE_MS = 3_000;

/** A connection failure: the message is one line. */
export class ConnectionError extends Error {
  override name = "ConnectionError";
}

/**
 * `--project` means that real project; otherwise the service's emulator at its variable
 * (FIRESTORE_EMULATOR_HOST, FIREBASE_AUTH_EMULATOR_HOST), or else the one pinned in firebase.json
 * (`firebaseJson` is its text, if readable).
 */
export function resolveTarget(project: string | undefined, env: Record<string, string | undefined>, firebaseJson: string | undefined, service: Service = "firestore"): Target {
  if (project !== undefined) return { kind: "project", projectId: project };
  const host = env[EMULATORS[service].hostVariable] || emulatorHostFromConfig(firebaseJson, service);
  return { kind: "emulator", service, host, projectId: env.GCLOUD_PROJECT || DEFAULT_PROJECT_ID };
}

/** `host:port` of the service's emulator in firebase.json text; 127.0.0.1 and its default port when not set. */
export function emulatorHostFromConfig(firebaseJson: string | undefined, service: Service = "firestore"): string {
  const fallback = `127.0.0.1:${EMULATORS[service].defaultPort}`;
  let entry: { host?: unknown; port?: unknown } | undefined;
  try {
    entry = (JSON.parse(firebaseJson ?? "{}") as { emulators?: Partial<Record<Service, { host?: unknown; port?: unknown }>> }).emulators?.[service];
  } catch {
    return fallback;
  }
  if (typeof entry?.port !== "number") return fallback;
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

/** The target in words: "the Firestore emulator at 127.0.0.1:8080 (project demo-x)" or "project my-proj". */
export function describeTarget(target: Target): string {
  return target.kind === "emulator" ? `the ${EMULATORS[target.service].label} emulator at ${target.host} (project ${target.projectId})` : `project ${target.projectId}`;
}

/** firebase-admin's Firestore for the target, on a named app (the process exits when done). */
export async function connect(target: Target): Promise<Firestore> {
  return getFirestore(await targetApp(target));
}

/** firebase-admin's Auth for the target, on a named app (the process exits when done). */
export async function connectAuth(target: Target): Promise<Auth> {
  return getAuth(await targetApp(target));
}

/**
 * The named app for the target. firebase-admin reads the emulator variables when it calls a service:
 * an emulator target sets its own (unauthenticated, no credentials needed), a project target clears
 * both so that nothing meant for a real project reaches an emulator, or the other way round.
 */
async function targetApp(target: Target): Promise<App> {
  for (const { hostVariable } of Object.values(EMULATORS)) delete process.env[hostVariable];
  if (target.kind === "emulator") {
    await probeEmulator(target);
    process.env[EMULATORS[target.service].hostVariable] = target.host;
    // Nothing runs on Google Cloud here: skip google-auth's metadata-server probe (slow, and a warning).
    process.env.METADATA_SERVER_DETECTION ??= "none";
  }
  return initializeApp(target.kind === "emulator" ? { projectId: target.projectId } : { projectId: target.projectId, credential: applicationDefault() }, APP_NAME);
}

/** Fails fast with one line when nothing answers at the emulator's address (the client would retry for long). */
async function probeEmulator(target: Extract<Target, { kind: "emulator" }>): Promise<void> {
  try {
    await fetch(`http://${target.host}/`, { signal: AbortSignal.timeout(EMULATOR_PROBE_MS) });
  } catch {
    throw new ConnectionError(
      `cannot reach the ${EMULATORS[target.service].label} emulator at ${target.host}: start it with \`npm start\`, or pass --project ID to use a real project`,
    );
  }
}
