/**
 * The service's agent: two tools that record themselves on the current trace wherever the agent calls
 * them from, a request that fails (the refund tool throws and the run throws with it) and one that
 * succeeds.
 */
import { getCurrentTrace, type TraceContext } from "@agent-traces/tracer";

export const SKILL = "order-support";
export const REFUND_ERROR = "payment provider unavailable";

interface Order {
  orderId: string;
  status: string;
}

async function lookUpOrder(orderId: string): Promise<Order> {
  const trace = getCurrentTrace();
  if (!trace) throw new Error("lookUpOrder runs inside a traced run");
  return trace.tool("lookup_order", { orderId }, () => ({ orderId, status: "shipped" }));
}

async function refundOrder(orderId: string, amount: number): Promise<void> {
  await getCurrentTrace()!.tool("refund_order", { orderId, amount }, async () => {
    throw new Error(REFUND_ERROR);
  });
}

/** Looks the order up, then refunds it: the refund tool fails, and so does the run. */
export async function answerRefundRequest(trace: TraceContext, orderId: string): Promise<string> {
  trace.incrementIteration();
  const order = await lookUpOrder(orderId);
  trace.incrementIteration();
  await refundOrder(order.orderId, 42);
  trace.setOutput(`Order ${order.orderId} refunded.`);
  return "refunded";
}

/** Looks the order up and says where it is. */
export async function answerStatusQuestion(trace: TraceContext, orderId: string): Promise<string> {
  trace.incrementIteration();
  const order = await lookUpOrder(orderId);
  const answer = `Order ${order.orderId} has ${order.status}.`;
  trace.setOutput(answer);
  return answer;
}
