/**
 * A Firebase developer's existing project, made the way `firebase init` (Firestore, Functions in
 * TypeScript, Hosting) makes one: from firebase-tools' own init templates, with the developer's own
 * callable and Firestore trigger (user-project/functions.ts), rules (user-project/firestore.rules),
 * a composite index and an index exemption of their own. No emulators block: the launcher pins ports.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const USER_PROJECT_ID = "demo-adoption";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const templates = join(dirname(require.resolve("firebase-tools/package.json")), "templates/init");
const own = join(here, "../user-project");

/** The user's composite index and exemption, written where init's template leaves `[]`. */
export const USER_INDEX = {
  collectionGroup: "items",
  queryScope: "COLLECTION",
  fields: [
    { fieldPath: "pinned", order: "ASCENDING" },
    { fieldPath: "updated_at", order: "DESCENDING" },
  ],
};
export const USER_FIELD_OVERRIDE = { collectionGroup: "items", fieldPath: "body", indexes: [] };

/** The Node.js major `firebase init` writes into engines: firebase-tools' latest supported runtime. */
function latestNodeRuntime(): string {
  const { latest } = require("firebase-tools/lib/deploy/functions/runtimes/supported") as { latest: (language: string) => string };
  return latest("nodejs").replace("nodejs", "");
}

export function writeUserProject(dir: string): void {
  const template = (path: string) => readFileSync(join(templates, path), "utf8");
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  // firebase.json as init writes it (JSON.stringify, 2 spaces): functions a list, hosting one object.
  const firebaseJson = {
    firestore: { rules: "firestore.rules", indexes: "firestore.indexes.json" },
    functions: [
      {
        source: "functions",
        codebase: "default",
        ignore: ["node_modules", ".git", "firebase-debug.log", "firebase-debug.*.log", "*.local"],
        predeploy: ['npm --prefix "$RESOURCE_DIR" run build'],
      },
    ],
    hosting: { public: "public", ignore: ["firebase.json", "**/.*", "**/node_modules/**"] },
  };
  write("firebase.json", `${JSON.stringify(firebaseJson, null, 2)}\n`);
  write(".firebaserc", `${JSON.stringify({ projects: { default: USER_PROJECT_ID } }, null, 2)}\n`);
  write("firestore.rules", readFileSync(join(own, "firestore.rules"), "utf8"));
  // init's indexes file keeps its `//` example comments; the developer filled the two lists since.
  write(
    "firestore.indexes.json",
    template("firestore/firestore.indexes.json")
      .replace('"indexes": []', `"indexes": [\n    ${JSON.stringify(USER_INDEX)}\n  ]`)
      .replace('"fieldOverrides": []', `"fieldOverrides": [\n    ${JSON.stringify(USER_FIELD_OVERRIDE)}\n  ]`),
  );
  write("functions/package.json", template("functions/typescript/package.nolint.json").replace("{{RUNTIME}}", latestNodeRuntime()));
  write("functions/tsconfig.json", template("functions/typescript/tsconfig.json"));
  write("functions/.gitignore", template("functions/typescript/_gitignore"));
  write("functions/src/index.ts", template("functions/typescript/index.ts") + readFileSync(join(own, "functions.ts"), "utf8"));
  write("public/index.html", template("hosting/index.html").replace(/{{VERSION}}/g, "12.9.0"));
  cpSync(join(templates, "hosting/404.html"), join(dir, "public/404.html"));
}
