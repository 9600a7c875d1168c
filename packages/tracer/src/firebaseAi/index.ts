export { callFunctions, type TracedFunction } from "./callFunctions.js";
export { modelName, recordModelTurn } from "./modelTurn.js";
export { traceChat, type TracedChat } from "./traceChat.js";
