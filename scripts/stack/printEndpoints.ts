import { LOCAL_ADMIN } from "../../viewer/src/localAdmin.js";
import { hostPort } from "./emulatorPorts.js";
import type { RunningStack } from "./stack.js";

/** Prints what the running stack serves, the viewer (what a new user opens) first. */
export function printEndpoints({ plan, ports, env, logFile }: RunningStack): void {
  const firestoreBy = plan.firestore.kind === "google-jar" ? "Google's emulator" : "firebase-tools' emulator";
  const lines = [
    "",
    "Local Firebase stack is up (project demo-agent-traces):",
    `  Viewer     ${env.VIEWER_URL}  (signed in as the local admin, ${LOCAL_ADMIN.email})`,
    `  Firestore  ${hostPort(ports.firestore)}  (${firestoreBy}, firestore.rules loaded)`,
    `  Auth       ${hostPort(ports.auth)}`,
    `  Functions  ${hostPort(ports.functions)}  callable: ${env.FUNCTIONS_EMULATOR_ORIGIN}/demo-agent-traces/us-central1/recordTrace`,
    ...(plan.firebaseEmulators.includes("pubsub") ? [`  Pub/Sub    ${hostPort(ports.pubsub)}`] : []),
    `  Hub        ${hostPort(ports.hub)}`,
    ...plan.notes.map((note) => `  note: ${note}`),
    `  logs: ${logFile}`,
    "",
  ];
  console.log(lines.join("\n"));
}
