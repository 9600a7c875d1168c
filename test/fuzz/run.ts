/**
 * `npm run fuzz`: every property of test/support/properties.ts (the ones the unit suite runs from a
 * fixed seed), unseeded and with `fuzzRuns` cases each, over 100,000 in all. A failure prints
 * fast-check's report (counterexample, seed, path) and the command that replays it; the exit code is 1.
 * FUZZ_PROPERTY=<name> runs one property, FUZZ_SEED and FUZZ_PATH replay a failure.
 */
import fc from "fast-check";
import { PROPERTIES } from "../support/properties.js";

const only = process.env.FUZZ_PROPERTY;
const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const path = process.env.FUZZ_PATH;
const selected = PROPERTIES.filter((definition) => only === undefined || definition.name === only);
if (selected.length === 0) throw new Error(`no property named ${only}; the names: ${PROPERTIES.map((definition) => definition.name).join(", ")}`);

const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
const start = performance.now();
let cases = 0;
let failures = 0;
for (const definition of selected) {
  const began = performance.now();
  const counts = new Map<string, number>();
  const details = fc.check(definition.property((kind) => counts.set(kind, (counts.get(kind) ?? 0) + 1)), {
    numRuns: definition.fuzzRuns,
    ...(seed === undefined ? {} : { seed }),
    ...(path === undefined ? {} : { path }),
  });
  cases += details.numRuns;
  const kinds = [...counts].map(([kind, count]) => `${count} ${kind}`).join(", ");
  console.log(`${details.failed ? "FAILED" : "ok"} ${definition.name}: ${details.numRuns} cases${kinds ? ` (${kinds})` : ""} in ${seconds(began)}`);
  if (!details.failed) continue;
  failures++;
  console.log(fc.defaultReportMessage(details));
  if (details.errorInstance instanceof Error) console.log(details.errorInstance.stack ?? details.errorInstance.message);
  console.log(`Replay: FUZZ_PROPERTY=${definition.name} FUZZ_SEED=${details.seed} FUZZ_PATH=${details.counterexamplePath ?? ""} npm run fuzz\n`);
}
console.log(`${cases} cases, ${failures} failing ${failures === 1 ? "property" : "properties"}, ${seconds(start)}`);
process.exitCode = failures > 0 ? 1 : 0;
