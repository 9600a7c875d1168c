import type { FunctionCall, FunctionResponsePart } from "firebase/ai";
import type { TraceContext } from "../TraceContext.js";

/** A function the model may call: its arguments, and the run's trace. */
export type TracedFunction = (args: object, trace: TraceContext) => unknown;

/**
 * The manual loop's step: runs the function calls of a model response (`response.functionCalls()`)
 * as tool calls of the run, at once, and resolves with the `functionResponse` parts to send back. A
 * function that throws, or one `functions` lacks, is a failed tool call and answers the model
 * `{ error: message }`, so that the loop may go on; a result that is not an object is sent as `{ result }`.
 */
export async function callFunctions(trace: TraceContext, calls: readonly FunctionCall[] | undefined, functions: Readonly<Record<string, TracedFunction>>): Promise<FunctionResponsePart[]> {
  return Promise.all(
    (calls ?? []).map(async ({ name, args, id }) => {
      let response: object;
      try {
        const result = await trace.tool(name, { ...args }, (current) => {
          const implementation = Object.hasOwn(functions, name) ? functions[name] : undefined;
          if (!implementation) throw new Error(`no function named "${name}"`);
          return implementation(args ?? {}, current);
        });
        response = typeof result === "object" && result !== null && !Array.isArray(result) ? result : { result };
      } catch (error) {
        response = { error: error instanceof Error ? error.message : String(error) };
      }
      return { functionResponse: { name, response, ...(id !== undefined && { id }) } };
    }),
  );
}
