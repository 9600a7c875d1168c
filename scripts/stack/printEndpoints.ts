import { relative } from "node:path";
import { LOCAL_ADMIN } from "../../viewer/src/localAdmin.js";
import { hostPort } from "./emulatorPorts.js";
import type { RunningStack } from "./stack.js";

/** Prints what the running stack serves, the viewer (what a new user opens) first. */
export function printEndpoints({ plan, project, ports, env, triggers, logFile }: RunningStack): void {
  const firestoreBy = plan.firestore.kind === "google-jar" ? "Google's emulator" : "firebase-tools' emulator";
  const rules = project.rules ? `${relative(project.dir, project.rules)} loaded` : "no rules file: everything allowed";
  const functions = env.FUNCTIONS_EMULATOR_ORIGIN;
  const lines = [
    "",
    `Local Firebase stack is up (project ${project.id}${project.isThisRepo ? "" : `, ${project.dir}`}):`,
    ...(env.VIEWER_URL ? [`  Viewer     ${env.VIEWER_URL}  (signed in as the local admin, ${LOCAL_ADMIN.email})`] : []),
    ...project.hosting
      .filter(({ endpoint }) => `http://${hostPort(endpoint)}` !== env.VIEWER_URL)
      .map(({ name, endpoint }) => `  Hosting    http://${hostPort(endpoint)}  (site ${name})`),
    `  Firestore  ${hostPort(ports.firestore)}  (${firestoreBy}, ${rules})`,
    `  Auth       ${hostPort(ports.auth)}`,
    ...(functions
      ? [`  Functions  ${hostPort(ports.functions)}  ${project.isThisRepo ? `callable: ${functions}/${project.id}/us-central1/recordTrace` : `https: ${functions}/${project.id}/<region>/<name>`}`]
      : []),
    ...triggers.map(({ functionId, document }) => `             Firestore trigger ${functionId} on ${document}`),
    ...(plan.firebaseEmulators.includes("pubsub") ? [`  Pub/Sub    ${hostPort(ports.pubsub)}`] : []),
    `  Hub        ${hostPort(ports.hub)}`,
    ...plan.notes.map((note) => `  note: ${note}`),
    `  logs: ${logFile}`,
    "",
  ];
  console.log(lines.join("\n"));
}
