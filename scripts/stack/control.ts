import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ManagedProcess } from "./processes.js";

/** The variable that gives an `exec` command the control endpoint's URL. */
export const STACK_CONTROL_ENV = "AGENT_TRACES_STACK_CONTROL";

/** Stops and starts the Firestore emulator the launcher runs. */
export interface FirestoreSwitch {
  /** Resolves once the emulator has exited and its port is free. */
  stop(): Promise<void>;
  /** Resolves once the emulator answers again. */
  start(): Promise<void>;
}

export interface StackControl {
  /** `http://127.0.0.1:<port>/<secret>`: the secret, new for each run, is part of every path. */
  url: string;
  /** Refuses every request from now on and waits for the operation under way, if any. */
  close(): Promise<void>;
}

/**
 * A process that can be stopped and started again with the same command. The new process takes the
 * old one's place in `managed` (the object the stack tracks), so the stack's stop() stops whichever
 * is running, and never signals a process group that is gone.
 */
export function restartable(
  managed: ManagedProcess,
  spawnAgain: () => ManagedProcess,
  ready: (managed: ManagedProcess) => Promise<void>,
  stopProcess: (managed: ManagedProcess) => Promise<void>,
): FirestoreSwitch {
  // The process running now: stopped through its own object, so its exit is known to be asked for.
  let current = managed;
  const stop = async () => {
    await stopProcess(current);
    // Gone: the stack's stop() must not signal its process group id, now free for reuse, again.
    Object.assign(managed, { child: { pid: undefined } as ChildProcess, exited: Promise.resolve(null) });
  };
  return {
    stop,
    start: async () => {
      current = spawnAgain();
      Object.assign(managed, current);
      try {
        await ready(current);
      } catch (error) {
        // Not left running behind a failed start: a retry would find its ports taken.
        await stop();
        throw error;
      }
    },
  };
}

/**
 * The launcher's control endpoint for tests that inject faults (`exec --control` only), on 127.0.0.1
 * and an ephemeral port, every path under a per-run secret (anything else answers 404):
 *   GET  /<secret>                  {"firestore":"running"|"stopped"}
 *   POST /<secret>/firestore/stop   stops the Firestore emulator; answers once it is down
 *   POST /<secret>/firestore/start  starts it again (same command, same port); answers once it answers
 * Operations run one at a time, in the order they arrive; stopping a stopped emulator (or starting a
 * running one) does nothing. Firestore keeps its data in memory: a restart starts empty.
 */
export async function startStackControl(firestore: FirestoreSwitch): Promise<StackControl> {
  let state: "running" | "stopped" = "running";
  let closed = false;
  let queue: Promise<unknown> = Promise.resolve();

  const run = (operation: "stop" | "start"): Promise<void> => {
    const next = queue.then(async () => {
      if (closed) throw new Error("the stack is stopping");
      const target = operation === "stop" ? "stopped" : "running";
      if (state === target) return;
      // A failed start leaves no emulator answering: report it as stopped, so a retry starts one.
      state = "stopped";
      if (operation === "start") {
        await firestore.start();
        state = "running";
      } else {
        await firestore.stop();
      }
    });
    queue = next.catch(() => undefined);
    return next;
  };

  const secret = randomBytes(16).toString("hex");
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    request.resume();
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    };
    const url = request.url ?? "";
    // Without the secret, nothing here exists; the secret is never echoed back.
    if (url !== `/${secret}` && !url.startsWith(`/${secret}/`)) return reply(404, { error: "no such endpoint" });
    const path = url.slice(secret.length + 1) || "/";
    const route = /^\/firestore\/(stop|start)$/.exec(path);
    if (closed) return reply(503, { error: "the stack is stopping" });
    if (path === "/" && request.method === "GET") return reply(200, { firestore: state });
    if (!route) return reply(404, { error: `no such endpoint: ${request.method} ${path}` });
    if (request.method !== "POST") return reply(405, { error: `use POST ${path}` });
    run(route[1] as "stop" | "start").then(
      () => reply(200, { firestore: state }),
      (error: unknown) => reply(500, { error: error instanceof Error ? error.message : String(error), firestore: state }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  // Never what keeps the launcher alive.
  server.unref();
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/${secret}`,
    close: async () => {
      closed = true;
      server.close();
      await queue;
      server.closeIdleConnections();
    },
  };
}
