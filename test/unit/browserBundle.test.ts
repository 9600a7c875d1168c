import { strict as assert } from "node:assert";
import { BROWSER_ENTRIES, bundleForBrowser, NODE_ONLY, type BrowserBundle } from "../../bench/b10BrowserSize.js";

/**
 * The tracer as a web app's bundler sees it (esbuild, platform browser, the `browser` condition; plus
 * `source`, so the TypeScript is bundled without a build): nothing Node-only gets in.
 */
describe("the tracer's browser bundle", function () {
  this.timeout(20_000);
  const bundles = new Map<string, BrowserBundle>();

  before(async () => {
    for (const name of ["tracer", "tracerWithFirebaseAi"] as const) bundles.set(name, await bundleForBrowser(BROWSER_ENTRIES[name], { conditions: ["source"] }));
  });

  for (const name of ["tracer", "tracerWithFirebaseAi"]) {
    describe(name === "tracer" ? '`export * from "@agent-traces/tracer"`' : "with `@agent-traces/tracer/firebase-ai`", () => {
      it("has no `node:` import and no AsyncLocalStorage", () => {
        const { code } = bundles.get(name)!;
        const found = NODE_ONLY.exec(code);
        assert.equal(found, null, `found ${found?.[0]} in the bundle: …${found ? code.slice(Math.max(0, found.index - 80), found.index + 80) : ""}…`);
      });

      it("takes the browser platform of the tracer, and no schema library", () => {
        const { inputs } = bundles.get(name)!;
        assert.ok(inputs.includes("packages/tracer/src/platform/browser.ts"), "the browser platform is bundled");
        assert.deepEqual(inputs.filter((input) => input.endsWith("platform/node.ts") || input.includes("asyncLocalStorage")), [], "nothing of the Node platform");
        assert.deepEqual(inputs.filter((input) => /(^|\/)node_modules\/zod\//.test(input)), [], "no zod");
      });

      it("leaves the Firebase SDK to the app", () => {
        const { inputs } = bundles.get(name)!;
        assert.deepEqual(inputs.filter((input) => /node_modules\/(firebase|@firebase)\//.test(input)), []);
      });
    });
  }
});
