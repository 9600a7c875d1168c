import { randomTraceId } from "@agent-traces/core";
import type { ChatSession, FunctionDeclaration, GenerateContentResult, GenerateContentStreamResult, Tool } from "firebase/ai";
import type { TraceContext } from "../TraceContext.js";
import { recordUsage } from "./modelTurn.js";
import { observeStreamUsage } from "./streamUsage.js";

/** A chat session's sends, recorded in one run: see `traceChat`. */
export interface TracedChat {
  readonly chat: ChatSession;
  /** The chat session's id (random, one per ChatSession), given to each run that sends through it and has none. */
  readonly sessionId: string;
  sendMessage(...args: Parameters<ChatSession["sendMessage"]>): Promise<GenerateContentResult>;
  sendMessageStream(...args: Parameters<ChatSession["sendMessageStream"]>): Promise<GenerateContentStreamResult>;
}

/** The SDK's per-turn model calls (internal in firebase/ai 12.x); hooked when present to see every turn. */
interface ModelCalls {
  _callGenerateContent?: (...args: unknown[]) => Promise<GenerateContentResult>;
  _callGenerateContentStream?: (...args: unknown[]) => Promise<GenerateContentStreamResult>;
}

const tracings = new WeakMap<ChatSession, ChatTracing>();

/**
 * Records what a Firebase AI Logic chat session does in `trace`'s run: every function the model has
 * called through `functionReference` is a tool call (its args, its result or error, its duration),
 * every model response an iteration, and the responses' `usageMetadata` the run's token usage. Send
 * through the returned object. One session may serve many runs: their sends take turns (as the
 * session's own do), so each call is recorded in the run that sent the message, never another. The
 * session is one conversation: each run that sends through it gets its `sessionId` (unless the run has one).
 */
export function traceChat(trace: TraceContext, chat: ChatSession): TracedChat {
  let tracing = tracings.get(chat);
  if (!tracing) tracings.set(chat, (tracing = new ChatTracing(chat)));
  const session = tracing;
  return {
    chat,
    sessionId: session.sessionId,
    sendMessage: (...args) => session.send(trace, () => chat.sendMessage(...args), async (result) => result.response),
    sendMessageStream: (...args) => session.send(trace, () => chat.sendMessageStream(...args), (result) => result.response),
  };
}

/** A session's instrumentation: which run its current send belongs to, and the hooks that record into it. */
class ChatTracing {
  /** The session's conversation id, given to the runs that send through it. */
  readonly sessionId = randomTraceId();
  /** The run whose message is being sent now. */
  private active: TraceContext | undefined;
  /** The last send, settled: the next one starts after it. */
  private tail: Promise<unknown> = Promise.resolve();
  /** Whether each model turn is seen (the SDK's internal calls were hooked), or only the last one. */
  private readonly seesEveryTurn: boolean;

  constructor(private readonly chat: ChatSession) {
    if (chat.params?.tools) chat.params = { ...chat.params, tools: chat.params.tools.map((tool) => this.traceTool(tool)) };
    this.seesEveryTurn = this.hookModelCalls(chat as unknown as ModelCalls);
  }

  /** Sends once the session's earlier traced sends are done, attributing all it does to `trace` until `finished` settles. */
  send<R>(trace: TraceContext, start: () => Promise<R>, finished: (result: R) => Promise<unknown>): Promise<R> {
    if (trace.sessionId === undefined) trace.setSessionId(this.sessionId);
    const result = this.tail.then(() => {
      this.active = trace;
      return start();
    });
    const done = result.then(async (value) => {
      const response = await finished(value);
      if (!this.seesEveryTurn) {
        trace.incrementIteration();
        recordUsage(trace, (response as GenerateContentResult["response"]).usageMetadata, this.chat.model);
      }
    });
    this.tail = done
      .catch(() => undefined)
      .finally(() => {
        if (this.active === trace) this.active = undefined;
      });
    return result;
  }

  private traceTool(tool: Tool): Tool {
    if (!("functionDeclarations" in tool) || !tool.functionDeclarations) return tool;
    return { ...tool, functionDeclarations: tool.functionDeclarations.map((declaration) => this.traceDeclaration(declaration)) };
  }

  private traceDeclaration(declaration: FunctionDeclaration): FunctionDeclaration {
    const implementation = declaration.functionReference;
    if (typeof implementation !== "function") return declaration;
    const functionReference = (args: Record<string, unknown> | undefined) => {
      const trace = this.active;
      if (!trace) return implementation(args);
      return trace.tool(declaration.name, { ...args }, (current) => implementation(args, current));
    };
    return { ...declaration, functionReference };
  }

  private hookModelCalls(calls: ModelCalls): boolean {
    const { _callGenerateContent: generate, _callGenerateContentStream: stream } = calls;
    if (typeof generate !== "function" || typeof stream !== "function") return false;
    calls._callGenerateContent = async (...args) => {
      const trace = this.turnStarted();
      const result = await generate.apply(this.chat, args);
      if (trace) recordUsage(trace, result?.response?.usageMetadata, this.chat.model);
      return result;
    };
    calls._callGenerateContentStream = async (...args) => {
      const trace = this.turnStarted();
      const result = await stream.apply(this.chat, args);
      return trace ? observeStreamUsage(result, (usage) => recordUsage(trace, usage, this.chat.model)) : result;
    };
    return true;
  }

  private turnStarted(): TraceContext | undefined {
    this.active?.incrementIteration();
    return this.active;
  }
}
