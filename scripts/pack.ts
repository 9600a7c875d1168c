/**
 * `npm run pack`: writes the tarball of every published package into .packs/, as `npm publish` would
 * upload it, and .packs/manifest.json ({ "<package name>": "<absolute tarball path>" }). Each package
 * is staged first: the files its package.json lists, its README, the repository's LICENSE, and a
 * package.json without what only this workspace uses ("source" export conditions, scripts,
 * devDependencies). Run after `npm run build`.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The published packages' folders; every other workspace package is private and bundled where used. */
const PUBLISHED_PACKAGES = ["packages/core", "packages/tracer", "packages/otel", "packages/openai-agents", "packages/cli", "functions"];

interface PackageJson {
  name: string;
  version: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  [field: string]: unknown;
}

const packsDir = join(root, ".packs");
rmSync(packsDir, { recursive: true, force: true });
mkdirSync(packsDir, { recursive: true });

const packages = PUBLISHED_PACKAGES.map((folder) => ({ folder, json: readJson(join(root, folder, "package.json")) }));
const publishedNames = new Set(packages.map(({ json }) => json.name));
const manifest: Record<string, string> = {};

for (const { folder, json } of packages) {
  if (json.private) throw new Error(`${folder}/package.json is private: it cannot be published`);
  const unpublished = Object.keys(json.dependencies ?? {}).filter((name) => name.startsWith("@agent-traces/") && !publishedNames.has(name));
  if (unpublished.length > 0) throw new Error(`${json.name} depends on unpublished ${unpublished.join(", ")}: bundle them or publish them`);

  const stage = join(packsDir, "stage", folder.replace(/\//g, "-"));
  for (const file of filesNpmWouldPack(join(root, folder))) {
    mkdirSync(dirname(join(stage, file)), { recursive: true });
    cpSync(join(root, folder, file), join(stage, file));
  }
  cpSync(join(root, "LICENSE"), join(stage, "LICENSE"));
  writeFileSync(join(stage, "package.json"), `${JSON.stringify(publishedPackageJson(json), null, 2)}\n`);

  const [packed] = JSON.parse(execFileSync("npm", ["pack", "--json", "--pack-destination", packsDir], { cwd: stage, encoding: "utf8" })) as { filename: string }[];
  manifest[json.name] = join(packsDir, packed!.filename);
}
rmSync(join(packsDir, "stage"), { recursive: true, force: true });
writeFileSync(join(packsDir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`Packed ${Object.keys(manifest).length} packages into ${packsDir}:\n${Object.values(manifest).map((path) => `  ${path}`).join("\n")}`);

function readJson(path: string): PackageJson {
  return JSON.parse(readFileSync(path, "utf8")) as PackageJson;
}

/** The files `npm pack` takes from a package folder (its `files`, README, package.json). */
function filesNpmWouldPack(folder: string): string[] {
  const [report] = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: folder, encoding: "utf8" })) as { files: { path: string }[] }[];
  return report!.files.map(({ path }) => path).filter((path) => path !== "package.json");
}

/** The package.json a user installs: no workspace-only fields, no conditions pointing at TypeScript sources. */
function publishedPackageJson(json: PackageJson): PackageJson {
  const { scripts: _scripts, devDependencies: _devDependencies, ...published } = json;
  for (const field of ["exports", "imports"]) if (field in published) published[field] = withoutSourceConditions(published[field]);
  return published;
}

function withoutSourceConditions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSourceConditions);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== "source").map(([key, entry]) => [key, withoutSourceConditions(entry)]));
}
