import { readFileSync } from "node:fs";

export interface Endpoint {
  host: string;
  port: number;
}

export type EmulatorName = "hub" | "logging" | "auth" | "functions" | "firestore" | "pubsub" | "eventarc" | "tasks" | "hosting";

/** The pinned host and port of every emulator, from firebase.json (the one place they are set). */
export function readEmulatorPorts(firebaseJsonPath: string): Record<EmulatorName, Endpoint> {
  const config = JSON.parse(readFileSync(firebaseJsonPath, "utf8")) as { emulators?: Record<string, Partial<Endpoint>> };
  const names: EmulatorName[] = ["hub", "logging", "auth", "functions", "firestore", "pubsub", "eventarc", "tasks", "hosting"];
  const ports = {} as Record<EmulatorName, Endpoint>;
  for (const name of names) {
    const entry = config.emulators?.[name];
    if (!entry?.port) throw new Error(`firebase.json must pin emulators.${name}.port`);
    ports[name] = { host: entry.host ?? "127.0.0.1", port: entry.port };
  }
  return ports;
}

export function hostPort({ host, port }: Endpoint): string {
  return `${host}:${port}`;
}
