/**
 * The app's agent: two tools recorded on the run's trace, a request that fails (the refund tool throws
 * and the run throws with it) and one that succeeds.
 *
 * In a browser the tools are handed the run's trace: without AsyncContext, `getCurrentTrace()` is the
 * run's trace only in the synchronous part of the run (up to its first `await`), and `undefined` after.
 */
import { getCurrentTrace, type TraceContext } from "@agent-traces/tracer";

export const SKILL = "order-support";
export const REFUND_ERROR = "payment provider unavailable";

interface Order {
  orderId: string;
  status: string;
}

function lookUpOrder(trace: TraceContext, orderId: string): Promise<Order> {
  return trace.tool("lookup_order", { orderId }, () => ({ orderId, status: "shipped" }));
}

async function refundOrder(trace: TraceContext, orderId: string, amount: number): Promise<void> {
  await trace.tool("refund_order", { orderId, amount }, async () => {
    throw new Error(REFUND_ERROR);
  });
}

/** Before the run's first `await`, the current trace is the run's own. */
function assertCurrentTrace(trace: TraceContext): void {
  if (getCurrentTrace() !== trace) throw new Error("getCurrentTrace() is not the run's trace at the start of the run");
}

/** Looks the order up, then refunds it: the refund tool fails, and so does the run. */
export async function answerRefundRequest(trace: TraceContext, orderId: string): Promise<string> {
  assertCurrentTrace(trace);
  trace.incrementIteration();
  const order = await lookUpOrder(trace, orderId);
  trace.incrementIteration();
  await refundOrder(trace, order.orderId, 42);
  trace.setOutput(`Order ${order.orderId} refunded.`);
  return "refunded";
}

/** Looks the order up and says where it is. */
export async function answerStatusQuestion(trace: TraceContext, orderId: string): Promise<string> {
  assertCurrentTrace(trace);
  trace.incrementIteration();
  const order = await lookUpOrder(trace, orderId);
  const answer = `Order ${order.orderId} has ${order.status}.`;
  trace.setOutput(answer);
  return answer;
}
