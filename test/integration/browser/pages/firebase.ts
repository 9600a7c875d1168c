/**
 * What every test page shares: a Firebase app on the local stack (the real modular JS SDK, Auth and
 * Functions on their emulators), signed in anonymously since recordTrace needs a signed-in caller,
 * and the handshake with the test: `window.testApi` plus `body[data-ready]`.
 */
import { initializeApp, type FirebaseApp } from "firebase/app";
import { connectAuthEmulator, getAuth, signInAnonymously, type Auth } from "firebase/auth";
import { connectFunctionsEmulator, getFunctions, type Functions } from "firebase/functions";
import type { StackEndpoints } from "./stackEndpoints.js";

declare const AGENT_TRACES_STACK: StackEndpoints;

export interface PageFirebase {
  app: FirebaseApp;
  auth: Auth;
  functions: Functions;
  /** The signed-in caller: what recordTrace stores as `recorded_by`. */
  uid: string;
}

/**
 * The page's Firebase app, signed in: the user a previous page of the same browser context left
 * signed in (Auth persists it in IndexedDB), else a new anonymous one. `appId` is there because
 * Firebase AI Logic refuses an app without one.
 */
export async function connectFirebase(): Promise<PageFirebase> {
  const clients = firebaseClients();
  return { ...clients, uid: await signIn(clients.auth) };
}

/** The page's Firebase app, Auth and Functions on the emulators, not yet signed in (see connectFirebase). */
export function firebaseClients(): Omit<PageFirebase, "uid"> {
  const stack = AGENT_TRACES_STACK;
  const app = initializeApp({ projectId: stack.projectId, apiKey: "fake-api-key", appId: "1:1234567890:web:0123456789abcdef" });
  const auth = getAuth(app);
  connectAuthEmulator(auth, stack.authEmulatorUrl, { disableWarnings: true });
  const functions = getFunctions(app);
  connectFunctionsEmulator(functions, stack.functionsEmulator.host, stack.functionsEmulator.port);
  return { app, auth, functions };
}

/** Signs in: the user Auth restored (a previous page's), else a new anonymous one; resolves with the uid. */
export async function signIn(auth: Auth): Promise<string> {
  await auth.authStateReady();
  return (auth.currentUser ?? (await signInAnonymously(auth)).user).uid;
}

/** Hands `api` to the test as `window.testApi` and marks the page ready (`body[data-ready=ready]`). */
export function expose(api: object): void {
  (window as unknown as { testApi: object }).testApi = api;
  document.body.dataset.ready = "ready";
}

/** Shows why the page could not start (`[data-testid=error]`, `body[data-ready=error]`), for the test's timeout message. */
export function showStartError(error: unknown): void {
  const shown = document.createElement("pre");
  shown.dataset.testid = "error";
  shown.textContent = error instanceof Error ? (error.stack ?? error.message) : String(error);
  document.body.append(shown);
  document.body.dataset.ready = "error";
}

/** A small seeded generator (mulberry32): the same "random" timers on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
