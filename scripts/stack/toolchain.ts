import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** firebase-tools starts its own Java emulators only on Java 21 or newer. */
export const FIREBASE_TOOLS_MIN_JAVA = 21;

/** The major version of the `java` on PATH, or undefined when there is none. */
export function javaMajorVersion(): number | undefined {
  const result = spawnSync("java", ["-version"], { encoding: "utf8" });
  if (result.error) return undefined;
  const match = /version "(?:1\.)?(\d+)/.exec(`${result.stderr}${result.stdout}`);
  return match ? Number(match[1]) : undefined;
}

/** Where the Google Cloud CLI keeps its emulator components, on the common install paths. */
function cloudSdkRoots(): string[] {
  return [
    process.env.CLOUDSDK_ROOT_DIR,
    "/usr/lib/google-cloud-sdk",
    "/usr/share/google-cloud-sdk",
    "/opt/google-cloud-sdk",
    join(homedir(), "google-cloud-sdk"),
  ].filter((root): root is string => Boolean(root));
}

/** Google's Firestore emulator jar (package google-cloud-cli-firestore-emulator), if installed. */
export function googleFirestoreEmulatorJar(): string | undefined {
  const candidates = [
    process.env.FIRESTORE_EMULATOR_JAR,
    ...cloudSdkRoots().map((root) => join(root, "platform/cloud-firestore-emulator/cloud-firestore-emulator.jar")),
  ];
  return candidates.find((path): path is string => Boolean(path) && existsSync(path!));
}

/** Google's Pub/Sub emulator launcher (package google-cloud-cli-pubsub-emulator), if installed. */
export function googlePubSubEmulatorBinary(): string | undefined {
  const candidates = [
    process.env.PUBSUB_EMULATOR_BINARY_PATH,
    ...cloudSdkRoots().map((root) => join(root, "platform/pubsub-emulator/bin/cloud-pubsub-emulator")),
  ];
  return candidates.find((path): path is string => Boolean(path) && existsSync(path!));
}

/** Whether firebase-tools has already downloaded an emulator (so it can start it offline). */
export function firebaseToolsHasCached(prefix: string): boolean {
  const cache = join(homedir(), ".cache/firebase/emulators");
  return existsSync(cache) && readdirSync(cache).some((name) => name.startsWith(prefix));
}
