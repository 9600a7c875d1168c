import { aiSdkConvention } from "./aiSdk.js";
import { genAiConvention } from "./genAi.js";
import { genkitConvention } from "./genkit.js";
import type { SpanConvention } from "./SpanConvention.js";

/** The conventions a processor reads by default; each span is checked against them in this order. */
export const DEFAULT_CONVENTIONS: readonly SpanConvention[] = [genkitConvention, aiSdkConvention, genAiConvention];
