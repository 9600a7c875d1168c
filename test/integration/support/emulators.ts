import { deleteApp, initializeApp, type FirebaseApp } from "firebase/app";
import { connectAuthEmulator, getAuth, signInAnonymously, signOut, type Auth } from "firebase/auth";
import { connectFunctionsEmulator, getFunctions, httpsCallable, type Functions } from "firebase/functions";
import { getApps as getAdminApps, initializeApp as initializeAdminApp, type App } from "firebase-admin/app";
import { getAuth as getAdminAuth, type Auth as AdminAuth } from "firebase-admin/auth";
import { getFirestore, type Firestore } from "firebase-admin/firestore";

export const projectId = process.env.GCLOUD_PROJECT ?? "demo-agent-traces";

export function functionsOrigin(): URL {
  return new URL(process.env.FUNCTIONS_EMULATOR_ORIGIN!);
}

let adminDb: Firestore | undefined;

function adminApp(): App {
  return getAdminApps().find((candidate) => candidate.name === "integration-tests") ?? initializeAdminApp({ projectId }, "integration-tests");
}

/** firebase-admin's Firestore, pointed at the emulator by FIRESTORE_EMULATOR_HOST. */
export function adminFirestore(): Firestore {
  adminDb ??= getFirestore(adminApp());
  return adminDb;
}

/** firebase-admin's Auth, pointed at the emulator by FIREBASE_AUTH_EMULATOR_HOST. */
export function adminAuth(): AdminAuth {
  return getAdminAuth(adminApp());
}

/** Deletes every document in the emulator's database. */
export async function clearFirestore(): Promise<void> {
  const response = await fetch(`http://${process.env.FIRESTORE_EMULATOR_HOST}/emulator/v1/projects/${projectId}/databases/(default)/documents`, { method: "DELETE" });
  if (!response.ok) throw new Error(`clearing Firestore failed: ${response.status} ${await response.text()}`);
}

export interface ClientSession {
  app: FirebaseApp;
  auth: Auth;
  functions: Functions;
  uid: string | undefined;
  callRecordTrace(payload: unknown): Promise<unknown>;
  close(): Promise<void>;
}

let clientCount = 0;

/**
 * A real Firebase JS SDK client on the emulators, signed in anonymously unless told otherwise; its
 * Functions calls go to `functionsPort` on 127.0.0.1 (a proxy, a closed port) when one is given.
 */
export async function clientSession(options: { signedIn?: boolean; functionsPort?: number } = {}): Promise<ClientSession> {
  const app = initializeApp({ projectId, apiKey: "fake-api-key" }, `client-${++clientCount}`);
  const auth = getAuth(app);
  connectAuthEmulator(auth, `http://${process.env.FIREBASE_AUTH_EMULATOR_HOST}`, { disableWarnings: true });
  const functions = getFunctions(app);
  const origin = functionsOrigin();
  if (options.functionsPort === undefined) connectFunctionsEmulator(functions, origin.hostname, Number(origin.port));
  else connectFunctionsEmulator(functions, "127.0.0.1", options.functionsPort);
  let uid: string | undefined;
  if (options.signedIn !== false) uid = (await signInAnonymously(auth)).user.uid;
  const callable = httpsCallable(functions, "recordTrace");
  return {
    app,
    auth,
    functions,
    uid,
    callRecordTrace: async (payload) => (await callable(payload)).data,
    close: async () => {
      await signOut(auth).catch(() => undefined);
      await deleteApp(app);
    },
  };
}
