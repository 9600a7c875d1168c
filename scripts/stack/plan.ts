import { FIREBASE_TOOLS_MIN_JAVA, firebaseToolsHasCached, googleFirestoreEmulatorJar, googlePubSubEmulatorBinary, javaMajorVersion } from "./toolchain.js";

/** Which Firestore emulator the launcher runs, beside firebase-tools, on every path. */
export type FirestoreSource =
  | { kind: "firebase-tools-jar" }
  | { kind: "google-jar"; jar: string };

export interface StackPlan {
  firestore: FirestoreSource;
  /** Emulators firebase-tools starts (`--only`); never Firestore, which the launcher runs itself. */
  firebaseEmulators: string[];
  /** Set when firebase-tools should run Google's installed Pub/Sub emulator instead of downloading one. */
  pubsubBinary?: string;
  notes: string[];
}

/**
 * Chooses how to run the stack on this machine, for a project that has functions and Hosting sites
 * or not. Firestore is always the launcher's own process (so it can be stopped and restarted, and
 * firebase-tools never starts one, nor registers triggers with one): Google's installed emulator
 * where it is there (any Java 11+), otherwise firebase-tools' emulator jar, which firebase-tools
 * only runs on Java 21+. Throws with what to install when neither can run.
 */
export function planStack(project: { functions: boolean; hosting: boolean } = { functions: true, hosting: true }): StackPlan {
  const java = javaMajorVersion();
  const jar = googleFirestoreEmulatorJar();
  const pubsubBinary = googlePubSubEmulatorBinary();
  const notes: string[] = [];
  if (java === undefined) throw new Error(missingJavaMessage());

  let firestore: FirestoreSource;
  if (jar) {
    firestore = { kind: "google-jar", jar };
  } else if (java >= FIREBASE_TOOLS_MIN_JAVA) {
    firestore = { kind: "firebase-tools-jar" };
  } else {
    throw new Error(oldJavaMessage(java));
  }

  // Hosting serves the viewer (this repo's viewer/dist); it is Node-based and offline for a demo- project.
  const emulators = ["auth", ...(project.functions ? ["functions"] : []), ...(project.hosting ? ["hosting"] : [])];
  // Pub/Sub only fires scheduled functions and Pub/Sub triggers.
  if (!project.functions) return { firestore, firebaseEmulators: emulators, notes };
  if (pubsubBinary || java >= FIREBASE_TOOLS_MIN_JAVA || firebaseToolsHasCached("pubsub-emulator")) emulators.push("pubsub");
  else notes.push("No Pub/Sub emulator: scheduled functions can still be fired through the functions emulator's trigger endpoint.");
  return { firestore, firebaseEmulators: emulators, pubsubBinary, notes };
}

function missingJavaMessage(): string {
  return [
    "The Firestore emulator needs Java, and `java` is not on PATH.",
    `Install a JDK ${FIREBASE_TOOLS_MIN_JAVA} or newer (e.g. \`sudo apt-get install openjdk-21-jre-headless\`, or Temurin 21 from adoptium.net),`,
    "or Java 11+ together with Google's emulator (`sudo apt-get install google-cloud-cli-firestore-emulator`, or `gcloud components install cloud-firestore-emulator`).",
  ].join("\n");
}

function oldJavaMessage(java: number): string {
  return [
    `Java ${java} is installed, but firebase-tools only starts its Firestore emulator on Java ${FIREBASE_TOOLS_MIN_JAVA} or newer,`,
    "and Google's Firestore emulator is not installed either. Do one of:",
    `  - install a JDK ${FIREBASE_TOOLS_MIN_JAVA}+ (e.g. Temurin 21 from adoptium.net) and run again, or`,
    "  - install Google's emulator: `sudo apt-get install google-cloud-cli-firestore-emulator`",
    "    (or `gcloud components install cloud-firestore-emulator`); set FIRESTORE_EMULATOR_JAR if it lives elsewhere.",
  ].join("\n");
}
