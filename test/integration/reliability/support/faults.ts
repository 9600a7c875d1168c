import { createServer, type AddressInfo, type Server, type Socket, connect } from "node:net";
import { deleteApp, getApps, initializeApp, type App } from "firebase-admin/app";
import { getFirestore, type Firestore } from "firebase-admin/firestore";
import type { Functions } from "firebase/functions";
import { CallableTraceExporter, type TraceExporter } from "@agent-traces/tracer";
import type { SanitizedTrace } from "@agent-traces/core";
import { projectId } from "../../support/emulators.js";

/** The launcher's control endpoint (scripts/stack/control.ts), set by `exec --control`. */
export function stackControlUrl(): string | undefined {
  return process.env.AGENT_TRACES_STACK_CONTROL || undefined;
}

/** Stops or starts the stack's Firestore emulator; resolves once it is down, or answers again. */
export async function switchFirestore(url: string, action: "stop" | "start"): Promise<void> {
  const response = await fetch(`${url}/firestore/${action}`, { method: "POST" });
  if (!response.ok) throw new Error(`POST /firestore/${action}: ${response.status} ${await response.text()}`);
}

export function firestoreEndpoint(): { host: string; port: number } {
  const [host, port] = process.env.FIRESTORE_EMULATOR_HOST!.split(":");
  return { host: host!, port: Number(port) };
}

/** A port that was free a moment ago, so connecting to it is refused. */
export async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface TcpProxy {
  port: number;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Bytes passed on, both directions. */
  readonly bytes: number;
  /** "forward": pass bytes on after `delayMs`; "reset": accept connections and reset them at once. */
  mode: "forward" | "reset";
  close(): Promise<void>;
}

/**
 * A TCP proxy on 127.0.0.1 in front of `target`: forwards every chunk after `delayMs` (in order,
 * both ways), or, in "reset" mode, drops every connection as an unreachable server would.
 */
export async function tcpProxy(target: { host: string; port: number }, options: { delayMs?: number; mode?: "forward" | "reset" } = {}): Promise<TcpProxy> {
  const delayMs = options.delayMs ?? 0;
  const sockets = new Set<Socket>();
  let connections = 0;
  let bytes = 0;
  const state = { mode: options.mode ?? "forward" };
  const later = (work: () => void) => (delayMs > 0 ? setTimeout(work, delayMs) : setImmediate(work));
  const server: Server = createServer((client) => {
    connections++;
    if (state.mode === "reset") {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.once("close", () => sockets.delete(socket));
      socket.on("error", () => undefined);
    }
    const pipe = (from: Socket, to: Socket) => {
      from.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
        later(() => to.destroyed || to.write(chunk));
      });
      from.once("end", () => later(() => to.end()));
      from.once("close", () => later(() => to.destroy()));
    };
    pipe(client, upstream);
    pipe(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  // Never what keeps a test process alive.
  server.unref();
  return {
    port: (server.address() as AddressInfo).port,
    get connections() {
      return connections;
    },
    get bytes() {
      return bytes;
    },
    get mode() {
      return state.mode;
    },
    set mode(mode) {
      state.mode = mode;
      // Existing connections belong to the previous mode.
      for (const socket of sockets) socket.destroy();
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A firebase-admin app of its own whose Firestore talks to `hostPort` (a proxy) instead of the
 * emulator: FIRESTORE_EMULATOR_HOST, which wins over settings, is set aside while it is configured.
 */
export function firestoreAt(name: string, hostPort: string): { db: Firestore; close: () => Promise<void> } {
  const app: App = getApps().find((candidate) => candidate.name === name) ?? initializeApp({ projectId }, name);
  const emulatorHost = process.env.FIRESTORE_EMULATOR_HOST;
  delete process.env.FIRESTORE_EMULATOR_HOST;
  try {
    const db = getFirestore(app);
    db.settings({ host: hostPort, ssl: false });
    return { db, close: () => deleteApp(app) };
  } finally {
    process.env.FIRESTORE_EMULATOR_HOST = emulatorHost;
  }
}

export interface Attempt {
  traceId: string;
  at: number;
  /** "ok", the error's code ("functions/unavailable"), or NO_ANSWER. */
  outcome: string;
}

/**
 * The outcome of a call that got no answer from the function: no HTTP answer (a failed fetch), or an
 * HTTP error whose body holds no callable error, which the functions emulator sends when it cannot
 * reach its worker on a loaded machine (`Request to function failed: Error: write EPIPE`, a bare
 * 500). The SDK calls both `internal` with its own code as the message ("internal [0]", "internal
 * [500]"); a function's answer, `internal` included, carries the function's message instead.
 */
export const NO_ANSWER = "no answer from the function";

function outcomeOf(error: unknown): string {
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (code === "functions/internal" && typeof message === "string" && /^internal \[\d+\]$/.test(message)) return NO_ANSWER;
  return String(code ?? (error as Error).name);
}

/**
 * The exporter `withTrace({ functions })` uses (CallableTraceExporter), recording the outcome of
 * every attempt for each trace of the batch, retries included, so a test sees what callers were answered.
 */
export function recordingExporter(functions: Functions, attempts: Attempt[]): TraceExporter {
  const inner = new CallableTraceExporter(functions);
  const record = (traces: readonly SanitizedTrace[], outcome: string) => {
    for (const trace of traces) attempts.push({ traceId: trace.trace_id, at: performance.now(), outcome });
  };
  return {
    async export(traces, context) {
      try {
        const results = await inner.export(traces, context);
        record(traces, "ok");
        return results;
      } catch (error) {
        record(traces, outcomeOf(error));
        throw error;
      }
    },
  };
}

/**
 * Aborts any fetch still unanswered after `ms` (the Firebase SDK's own timeout has long rejected the
 * call by then): a functions emulator that stalls under load must not keep the test process alive.
 * Returns the function that restores fetch.
 */
export function abortStalledFetches(ms: number): () => void {
  const original = globalThis.fetch;
  globalThis.fetch = ((input: Parameters<typeof fetch>[0], init: RequestInit = {}) =>
    original(input, { ...init, signal: init.signal ?? AbortSignal.timeout(ms) })) as typeof fetch;
  return () => {
    globalThis.fetch = original;
  };
}

/** Settles like `promise`, or resolves to "no answer" after `ms`. */
export function within<T>(promise: Promise<T>, ms: number): Promise<{ value: T } | { error: unknown } | "no answer"> {
  return Promise.race([
    promise.then((value) => ({ value }), (error: unknown) => ({ error })),
    new Promise<"no answer">((resolve) => setTimeout(() => resolve("no answer"), ms).unref()),
  ]);
}

/** Polls `check` until it holds or `ms` pass. */
export async function eventually(check: () => Promise<boolean>, ms: number, everyMs = 250): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
