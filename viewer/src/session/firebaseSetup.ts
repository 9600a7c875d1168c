import { initializeApp, type FirebaseApp, type FirebaseOptions } from "firebase/app";
import { connectAuthEmulator, getAuth, type Auth } from "firebase/auth";
import { connectFirestoreEmulator, getFirestore, type Firestore } from "firebase/firestore";

export interface ViewerFirebase {
  app: FirebaseApp;
  auth: Auth;
  db: Firestore;
  projectId: string;
  /** True only for a `demo-` project: it talks to the local emulators and signs in as the local admin. */
  emulators: boolean;
}

/**
 * A `demo-` project id names no real project: the Firebase SDKs can only reach emulators with it.
 * That is the one condition for the emulator path, so it can never be taken against a real project.
 */
export function isDemoProject(projectId: string): boolean {
  return projectId.startsWith("demo-");
}

/**
 * Connects with the web app config Firebase Hosting serves at /__/firebase/init.json (the Hosting
 * emulator serves the demo project's); on a demo project, to the pinned Auth and Firestore emulators.
 */
export async function connectFirebase(): Promise<ViewerFirebase> {
  const response = await fetch("/__/firebase/init.json");
  const config = response.ok ? ((await response.json()) as FirebaseOptions | null) : null;
  if (!config?.projectId) {
    throw new Error("No Firebase web app config at /__/firebase/init.json: serve the viewer with Firebase Hosting (firebase deploy, or npm start locally).");
  }
  const emulators = isDemoProject(config.projectId);
  const app = initializeApp(emulators ? { ...config, apiKey: config.apiKey ?? "demo-api-key" } : config);
  const auth = getAuth(app);
  const db = getFirestore(app);
  if (emulators) {
    connectAuthEmulator(auth, AGENT_TRACES_EMULATORS.auth, { disableWarnings: true });
    connectFirestoreEmulator(db, AGENT_TRACES_EMULATORS.firestore.host, AGENT_TRACES_EMULATORS.firestore.port);
  }
  return { app, auth, db, projectId: config.projectId, emulators };
}
