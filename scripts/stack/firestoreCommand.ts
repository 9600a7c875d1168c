import { createRequire } from "node:module";
import type { FirestoreSource } from "./plan.js";
import { hostPort, type Endpoint } from "./emulatorPorts.js";

/** The part of firebase-tools' emulator downloader the launcher uses (it ships no types). */
interface DownloadableEmulators {
  downloadIfNecessary(name: "firestore"): Promise<unknown>;
  _getCommand(name: "firestore", args: Record<string, string>): { binary: string; args: string[] };
}

/**
 * The command that runs the Firestore emulator on `endpoint` with `rules` loaded (none: no rules
 * file), sending trigger events to the functions emulator at `functionsEmulator` (none: no triggers),
 * as a process of the launcher's own (so the launcher can stop and restart it): Google's installed
 * emulator, or firebase-tools' emulator jar (downloaded on first use) started exactly as
 * firebase-tools starts it.
 */
export async function firestoreCommand(
  source: FirestoreSource,
  endpoint: Endpoint,
  rules: string | undefined,
  projectId: string,
  functionsEmulator: Endpoint | undefined,
): Promise<{ command: string; args: string[] }> {
  // firebase-tools passes the functions emulator's host:port the same way (firestoreEmulator.js).
  const functionsArg: Record<string, string> = functionsEmulator ? { functions_emulator: hostPort(functionsEmulator) } : {};
  if (source.kind === "google-jar") {
    return {
      command: "java",
      args: [
        "-Duser.language=en",
        "-cp",
        source.jar,
        "com.google.cloud.datastore.emulator.firestore.CloudFirestore",
        "start",
        `--host=${endpoint.host}`,
        `--port=${endpoint.port}`,
        ...(rules ? [`--rules=${rules}`] : []),
        `--project_id=${projectId}`,
        ...(functionsArg.functions_emulator ? [`--functions_emulator=${functionsArg.functions_emulator}`] : []),
      ],
    };
  }
  const emulators = createRequire(import.meta.url)("firebase-tools/lib/emulator/downloadableEmulators.js") as DownloadableEmulators;
  await emulators.downloadIfNecessary("firestore");
  const { binary, args } = emulators._getCommand("firestore", {
    host: endpoint.host,
    port: String(endpoint.port),
    ...(rules ? { rules } : {}),
    project_id: projectId,
    ...functionsArg,
  });
  return { command: binary, args };
}
