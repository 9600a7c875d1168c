/** Set at build time from firebase.json (viewer/build.ts); used only for `demo-` projects. */
declare const AGENT_TRACES_EMULATORS: { auth: string; firestore: { host: string; port: number } };
