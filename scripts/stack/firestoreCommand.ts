import { createRequire } from "node:module";
import type { FirestoreSource } from "./plan.js";
import type { Endpoint } from "./emulatorPorts.js";

/** The part of firebase-tools' emulator downloader the launcher uses (it ships no types). */
interface DownloadableEmulators {
  downloadIfNecessary(name: "firestore"): Promise<unknown>;
  _getCommand(name: "firestore", args: Record<string, string>): { binary: string; args: string[] };
}

/**
 * The command that runs the Firestore emulator on `endpoint` with `rules` loaded, as a process of
 * the launcher's own (so the launcher can stop and restart it): Google's installed emulator, or
 * firebase-tools' emulator jar (downloaded on first use) started exactly as firebase-tools starts it.
 */
export async function firestoreCommand(
  source: FirestoreSource,
  endpoint: Endpoint,
  rules: string,
  projectId: string,
): Promise<{ command: string; args: string[] }> {
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
        `--rules=${rules}`,
        `--project_id=${projectId}`,
      ],
    };
  }
  const emulators = createRequire(import.meta.url)("firebase-tools/lib/emulator/downloadableEmulators.js") as DownloadableEmulators;
  await emulators.downloadIfNecessary("firestore");
  const { binary, args } = emulators._getCommand("firestore", { host: endpoint.host, port: String(endpoint.port), rules, project_id: projectId });
  return { command: binary, args };
}
