import { CODEBASE_SOURCE } from "./firebaseJson.js";
import { jsonFileText } from "./jsonc.js";

/** The firebase-functions and firebase-admin ranges @agent-traces/functions runs with (its peerDependencies). */
export const FIREBASE_FUNCTIONS_RANGE = "^7.4.0";
export const FIREBASE_ADMIN_RANGE = "^14.5.1";
/** The Node.js major Cloud Functions runs the codebase on. */
export const NODE_MAJOR = "22";
export const FUNCTIONS_PACKAGE = "@agent-traces/functions";

/** A file `init` owns: rewritten when its content differs, or written only when absent. */
export interface GeneratedFile {
  path: string;
  content: string;
  onlyIfAbsent?: boolean;
}

/**
 * The agent-traces codebase: a package that re-exports every function of @agent-traces/functions
 * (recordTrace, recordFeedback, reportTraceErrors, onUserDeleted, eraseTraces); `functionsPackage` is its version
 * range or any npm spec, e.g. a file: tarball.
 */
export function codebaseFiles(functionsPackage: string): GeneratedFile[] {
  const packageJson = {
    name: "agent-traces-functions",
    private: true,
    description: "The agent-traces functions codebase (recordTrace, recordFeedback, reportTraceErrors, onUserDeleted, eraseTraces), written by agent-traces init.",
    type: "module",
    main: "index.js",
    engines: { node: NODE_MAJOR },
    dependencies: {
      [FUNCTIONS_PACKAGE]: functionsPackage,
      "firebase-admin": FIREBASE_ADMIN_RANGE,
      "firebase-functions": FIREBASE_FUNCTIONS_RANGE,
    },
  };
  return [
    { path: `${CODEBASE_SOURCE}/package.json`, content: jsonFileText(packageJson) },
    {
      path: `${CODEBASE_SOURCE}/index.js`,
      content: `// Written by agent-traces init: the functions of the agent-traces codebase (firebase.json, "codebase": "agent-traces").\nexport * from "${FUNCTIONS_PACKAGE}";\n`,
    },
    { path: `${CODEBASE_SOURCE}/.gitignore`, content: "node_modules/\n.secret.local\n" },
    // The emulator reads secrets from .secret.local; "none" turns the error report's Slack post off.
    { path: `${CODEBASE_SOURCE}/.secret.local`, content: "REPORT_WEBHOOK_URL=none\n", onlyIfAbsent: true },
  ];
}
