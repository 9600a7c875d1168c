// The local admin: exists only in the Auth emulator of the demo project (demo-agent-traces), never in a real one.
export const LOCAL_ADMIN = { uid: "local-admin", email: "admin@agent-traces.local", password: "local-admin-password" } as const;
