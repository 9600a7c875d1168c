import { readFileSync } from "node:fs";

export interface Endpoint {
  host: string;
  port: number;
}

export type EmulatorName = "hub" | "logging" | "auth" | "functions" | "firestore" | "pubsub" | "eventarc" | "tasks" | "hosting";

const EMULATOR_NAMES: EmulatorName[] = ["hub", "logging", "auth", "functions", "firestore", "pubsub", "eventarc", "tasks", "hosting"];

/** The pinned host and port of every emulator, from firebase.json (the one place they are set). */
export function readEmulatorPorts(firebaseJsonPath: string): Record<EmulatorName, Endpoint> {
  const config = JSON.parse(readFileSync(firebaseJsonPath, "utf8")) as { emulators?: Record<string, unknown> };
  return emulatorPorts(config.emulators, firebaseJsonPath);
}

/** The host and port of every emulator in a firebase.json `emulators` block; throws naming `source` when one is not pinned. */
export function emulatorPorts(emulators: Record<string, unknown> | undefined, source: string): Record<EmulatorName, Endpoint> {
  const ports = {} as Record<EmulatorName, Endpoint>;
  for (const name of EMULATOR_NAMES) {
    const entry = emulators?.[name] as Partial<Endpoint> | undefined;
    if (!entry?.port) throw new Error(`${source} must pin emulators.${name}.port`);
    ports[name] = { host: entry.host ?? "127.0.0.1", port: entry.port };
  }
  return ports;
}

/** Where firebase-tools serves the i-th of several Hosting sites: the hosting port, then port + 4 + i (when free). */
export function hostingSiteEndpoint(hosting: Endpoint, index: number): Endpoint {
  return { host: hosting.host, port: index === 0 ? hosting.port : hosting.port + 4 + index };
}

export function hostPort({ host, port }: Endpoint): string {
  return `${host}:${port}`;
}
