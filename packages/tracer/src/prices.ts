// `@agent-traces/tracer/prices`: the shipped price table, for the tracer's `prices` option (the cost keep
// rule), in its own entry so that an app that does not price runs does not bundle it.
export { DEFAULT_PRICES, mergePrices, type ModelPrice, type PriceTable } from "@agent-traces/core";
