/**
 * B10: what the tracer adds to a web app. The browser build of `@agent-traces/tracer` (its whole
 * public API, and again with `@agent-traces/tracer/firebase-ai`), bundled the way an app's bundler
 * would (esbuild, platform browser, the `browser` condition, minified), the Firebase JS SDK left out
 * (the app has it already), gzipped; beside OpenTelemetry's web tracer (WebTracerProvider, a
 * BatchSpanProcessor and an exporter stub, registered) bundled the same way.
 */
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { build, type Metafile } from "esbuild";
import { formatNumber, formatRatio, type Row } from "./lib/row.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const TARGET_RATIO = 0.5;

/** The entry points measured: what an app imports. */
export const BROWSER_ENTRIES = {
  tracer: `export * from "@agent-traces/tracer";`,
  tracerWithFirebaseAi: `export * from "@agent-traces/tracer";\nexport * from "@agent-traces/tracer/firebase-ai";`,
  openTelemetry: [
    `import { BatchSpanProcessor, WebTracerProvider } from "@opentelemetry/sdk-trace-web";`,
    `const exporter = { export(spans, done) { done({ code: 0 }); }, shutdown() { return Promise.resolve(); } };`,
    `export const provider = new WebTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] });`,
    `provider.register();`,
    `export const tracer = provider.getTracer("agent");`,
  ].join("\n"),
} as const;

export interface BrowserBundle {
  /** The minified bundle. */
  code: string;
  bytes: number;
  gzipBytes: number;
  /** The files with code in the bundle, by path relative to the repository. */
  inputs: string[];
}

/**
 * Bundles `source` (an ES module's text, resolved from the repository root) for the browser:
 * esbuild, platform browser, the `browser` and `module` conditions plus `conditions`, minified, ESM, the Firebase
 * JS SDK external. `source` picks the TypeScript sources of the workspace packages (no build needed);
 * without it their `dist` is bundled, as an app would get it.
 */
export async function bundleForBrowser(source: string, options: { conditions?: string[] } = {}): Promise<BrowserBundle> {
  const result = await build({
    stdin: { contents: source, resolveDir: ROOT, sourcefile: "entry.js", loader: "js" },
    absWorkingDir: ROOT,
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    target: "es2022",
    // "module" as esbuild and webpack add by default (custom conditions turn esbuild's default off):
    // OpenTelemetry's API picks its ES modules build by it, which tree-shakes.
    conditions: ["browser", "module", ...(options.conditions ?? [])],
    minify: true,
    legalComments: "none",
    metafile: true,
    external: ["firebase", "firebase/*", "@firebase/*"],
    logLevel: "silent",
  });
  const code = result.outputFiles[0]!.text;
  return { code, bytes: Buffer.byteLength(code), gzipBytes: gzipSync(code, { level: 9 }).length, inputs: inputsOf(result.metafile) };
}

/** The files that put code in the bundle (esbuild also lists the files it read and tree-shook away entirely: not those). */
function inputsOf(metafile: Metafile): string[] {
  const inputs = Object.values(metafile.outputs).flatMap((output) => Object.entries(output.inputs));
  return inputs
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([path]) => path)
    .sort();
}

/** The packages a bundle's files come from (`node_modules/<name>` or a workspace folder). */
function packagesOf(inputs: readonly string[]): string[] {
  const names = new Set<string>();
  for (const input of inputs) {
    const inModules = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(input);
    if (inModules) names.add(inModules[1]!);
    else if (input.startsWith("packages/")) names.add(`@agent-traces/${input.split("/")[1]}`);
  }
  return [...names].sort();
}

/** A `node:` module specifier, or Node's AsyncLocalStorage: what a browser bundle must not hold. */
export const NODE_ONLY = /["'`]node:[\w/]+["'`]|AsyncLocalStorage/;

const kib = (bytes: number) => `${formatNumber(bytes / 1024, 1)} KiB`;

export async function benchBrowserSize(log: (line: string) => void): Promise<Row> {
  const tracer = await bundleForBrowser(BROWSER_ENTRIES.tracer);
  const withAi = await bundleForBrowser(BROWSER_ENTRIES.tracerWithFirebaseAi);
  const otel = await bundleForBrowser(BROWSER_ENTRIES.openTelemetry);
  for (const [name, bundle] of [["tracer", tracer], ["tracer + firebase-ai", withAi], ["OpenTelemetry web", otel]] as const) {
    log(`  B10 ${name}: ${formatNumber(bundle.bytes)} B minified, ${formatNumber(bundle.gzipBytes)} B gzipped (${packagesOf(bundle.inputs).join(", ")})`);
  }
  const forbidden = [tracer, withAi].some((bundle) => NODE_ONLY.test(bundle.code));
  if (forbidden) throw new Error("B10: the browser bundle imports a node: module or uses AsyncLocalStorage (the browser condition did not apply)");
  const ratio = tracer.gzipBytes / otel.gzipBytes;
  const ratioWithAi = withAi.gzipBytes / otel.gzipBytes;
  return {
    id: "B10",
    name: "Browser bundle, minified + gzipped, without the Firebase SDK",
    ours: `${kib(tracer.gzipBytes)} (${kib(withAi.gzipBytes)} with firebase-ai)`,
    anchor: `${kib(otel.gzipBytes)} OpenTelemetry web`,
    ratio: formatRatio(ratio),
    target: `≤ ${TARGET_RATIO}x`,
    met: ratio <= TARGET_RATIO,
    notes: [
      "Each side bundled by esbuild as an app's bundler would: platform browser, the `browser` condition (the tracer's browser build: no `node:` import, no AsyncLocalStorage), ESM, minified, then gzipped (level 9).",
      `Ours: \`export * from "@agent-traces/tracer"\` (its whole public API from the built \`dist\`, so nothing is tree-shaken away), \`firebase/*\` and \`@firebase/*\` external since the app already loads the Firebase SDK the tracer sends with: ${formatNumber(tracer.bytes)} B minified, ${formatNumber(tracer.gzipBytes)} B gzipped (packages: ${packagesOf(tracer.inputs).join(", ")}); with \`@agent-traces/tracer/firebase-ai\` too: ${formatNumber(withAi.bytes)} B, ${formatNumber(withAi.gzipBytes)} B gzipped (${formatRatio(ratioWithAi)} of OpenTelemetry's).`,
      `Anchor: \`@opentelemetry/sdk-trace-web\`'s WebTracerProvider with a BatchSpanProcessor and an exporter stub (no OTLP exporter, which would add more), registered (its context manager and propagators): ${formatNumber(otel.bytes)} B minified, ${formatNumber(otel.gzipBytes)} B gzipped (packages: ${packagesOf(otel.inputs).join(", ")}).`,
    ],
  };
}
