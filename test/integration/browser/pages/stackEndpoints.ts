/** Where the local stack listens, as the test pages get it (esbuild `define`, see ../support/pageServer.ts). */
export interface StackEndpoints {
  projectId: string;
  /** `http://127.0.0.1:9099` */
  authEmulatorUrl: string;
  functionsEmulator: { host: string; port: number };
}
