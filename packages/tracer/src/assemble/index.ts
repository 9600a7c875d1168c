// `@agent-traces/tracer/assemble`: for adapters that build runs from spans (the OTel and OpenAI Agents processors); kept out of the tracer's main entry, and so out of an app's bundle.
export { DEFAULT_IGNORED_KEYS, DEFAULT_RUN_BOUNDS, RunAssembler, type RunAssemblerOptions, type RunAssemblerStats, type RunBounds } from "./RunAssembler.js";
