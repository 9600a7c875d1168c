import fc from "fast-check";

/**
 * Required by the unit suite (test/.mocharc.unit.json): every fast-check property there runs from
 * this seed, so each run checks the same cases. `npm run fuzz` runs the properties unseeded.
 */
fc.configureGlobal({ seed: 20_250_131 });
