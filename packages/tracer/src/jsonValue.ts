// The JSON conversion lives in core (repair/jsonValue.ts), where the trace repair uses it too.
export { toJsonValue } from "@agent-traces/core";
