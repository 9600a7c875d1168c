/** Where and with what the benchmarks ran: printed at the top of docs/benchmarks.md. */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, release, totalmem, type } from "node:os";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));

const PACKAGES = [
  "@agent-traces/core",
  "@agent-traces/tracer",
  "@agent-traces/admin",
  "firebase-admin",
  "@google-cloud/firestore",
  "firebase-functions",
  "firebase",
  "firebase-tools",
  "zod",
  "@opentelemetry/sdk-trace-base",
  "@opentelemetry/sdk-trace",
  "@opentelemetry/sdk-trace-web",
  "@opentelemetry/api",
  "typescript",
  "tsx",
];

/** What a command printed (stdout, or stderr where it writes there, like `java -version`); undefined if it failed. */
function run(command: string, args: string[]): string | undefined {
  const result = spawnSync(command, args, { cwd: root, encoding: "utf8" });
  if (result.error || result.status !== 0) return undefined;
  return (result.stdout.trim() || result.stderr.trim()) || undefined;
}

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(`${root}node_modules/${name}/package.json`, "utf8")) as { version: string }).version;
  } catch {
    return "not installed";
  }
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
  java: string | undefined;
  firestoreEmulator: string;
  commit: string;
  packages: [string, string][];
}

export function machineInfo(): MachineInfo {
  const java = run("java", ["-version"])?.split("\n")[0];
  const debianEmulator = run("dpkg-query", ["-W", "-f=${Version}", "google-cloud-cli-firestore-emulator"]);
  const javaMajor = Number(/version "(?:1\.)?(\d+)/.exec(java ?? "")?.[1] ?? 0);
  const firestoreEmulator =
    javaMajor >= 21 ? "firebase-tools' Firestore emulator" : `Google's Cloud Firestore emulator${debianEmulator && /^\d/.test(debianEmulator) ? ` ${debianEmulator}` : ""} (Java ${javaMajor || "?"}), beside firebase-tools`;
  const head = run("git", ["rev-parse", "--short", "HEAD"]) ?? "unknown";
  const dirty = (spawnSync("git", ["status", "--porcelain"], { cwd: root, encoding: "utf8" }).stdout ?? "").trim().length > 0;
  return {
    cpu: cpus()[0]?.model.trim() ?? "unknown",
    cores: cpus().length,
    memoryGiB: totalmem() / 2 ** 30,
    node: process.version,
    os: `${type()} ${release()}`,
    java,
    firestoreEmulator,
    commit: `${head}${dirty ? " with uncommitted changes" : ""}`,
    packages: PACKAGES.map((name) => [name, packageVersion(name)]),
  };
}
