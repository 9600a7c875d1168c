import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const functionsDir = new URL("../../functions/", import.meta.url).pathname;

describe("functions/ deploys on its own", function () {
  this.timeout(300_000);
  let folder: string;

  before(() => {
    folder = mkdtempSync(join(tmpdir(), "agent-traces-functions-"));
    // What `firebase deploy` uploads: the folder minus its ignore list (see firebase.json).
    const ignored = (JSON.parse(readFileSync(new URL("../../firebase.json", import.meta.url), "utf8")) as { functions: { ignore: string[] }[] }).functions[0]!.ignore;
    cpSync(functionsDir, folder, { recursive: true, filter: (source) => !ignored.some((name) => source.slice(functionsDir.length).split("/")[0] === name) });
  });
  after(() => rmSync(folder, { recursive: true, force: true }));

  it("installs with --omit=dev from its package.json alone and exports the functions", () => {
    const copied = execFileSync("ls", ["-A", folder], { encoding: "utf8" }).split("\n").filter(Boolean).sort();
    assert.ok(!copied.includes("src") && copied.includes("lib"), `uploaded: ${copied.join(", ")}`);
    execFileSync("npm", ["install", "--omit=dev", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], { cwd: folder, stdio: "pipe" });
    const script = "const m = await import('./lib/index.js'); console.log(JSON.stringify(Object.keys(m).sort()));";
    const exported = JSON.parse(execFileSync("node", ["--input-type=module", "-e", script], { cwd: folder, encoding: "utf8" })) as string[];
    assert.ok(exported.includes("recordTrace"), `exports: ${exported.join(", ")}`);
    const bundle = readFileSync(join(folder, "lib/index.js"), "utf8");
    assert.ok(!/from ["']@agent-traces\//.test(bundle), "workspace packages are bundled, not imported");
  });
});
