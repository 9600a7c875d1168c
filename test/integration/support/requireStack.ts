// Integration tests talk to the real emulators; run them through `npm test` or
// `npm run emulators:exec -- "npm run test:integration"`, which start the stack and set these.
const required = ["FIRESTORE_EMULATOR_HOST", "FIREBASE_AUTH_EMULATOR_HOST", "FUNCTIONS_EMULATOR_ORIGIN", "GCLOUD_PROJECT"];
const missing = required.filter((name) => !process.env[name]);
if (missing.length > 0) {
  throw new Error(`Integration tests need the local stack (${missing.join(", ")} unset): run \`npm test\` or \`npm run emulators:exec -- "npm run test:integration"\`.`);
}

// The tests run beside the emulators, never on Google Cloud: skip google-auth's metadata-server probe.
process.env.METADATA_SERVER_DETECTION ??= "none";
