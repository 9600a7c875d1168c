import { isPlainObject } from "./plainObject.js";

export const REDACTED = "[REDACTED]";

/** Key fragments, compared after lower-casing and dropping separators ("API-Key" -> "apikey"). */
const SENSITIVE_KEY_FRAGMENTS = [
  "password",
  "passwd",
  "passphrase",
  "secret",
  "apikey",
  "accesskey",
  "privatekey",
  "authorization",
  "cookie",
  "credential",
  "sessionid",
  "signature",
  "token",
];
const SENSITIVE_KEYS_EXACT = new Set(["pwd", "pass", "auth", "jwt", "otp", "pin", "ssn"]);
/** Keys that contain a fragment above but name counts, not secrets ("max_tokens"). */
const HARMLESS_KEY = /tokens|tokencount|tokenlimit|tokenusage|tokenbudget|tokeniz/;
/** ...unless they also name a kind of credential ("access_tokens", "api_tokens"). */
const CREDENTIAL_QUALIFIER = /access|refresh|auth|bearer|api|session|csrf|xsrf|secret/;

/** Keys already classified: agents send the same few keys over and over. Bounded, cleared when full. */
const keyVerdicts = new Map<string, boolean>();
const MAX_CACHED_KEYS = 1024;
const MAX_CACHED_KEY_CHARS = 64;

export function isSensitiveKey(key: string): boolean {
  const cached = keyVerdicts.get(key);
  if (cached !== undefined) return cached;
  const verdict = classifyKey(key);
  if (key.length <= MAX_CACHED_KEY_CHARS) {
    if (keyVerdicts.size >= MAX_CACHED_KEYS) keyVerdicts.clear();
    keyVerdicts.set(key, verdict);
  }
  return verdict;
}

function classifyKey(key: string): boolean {
  const normalized = key.toLowerCase().replace(/[^a-z0-9]/g, "");
  if (SENSITIVE_KEYS_EXACT.has(normalized)) return true;
  if (HARMLESS_KEY.test(normalized) && !CREDENTIAL_QUALIFIER.test(normalized)) return false;
  return SENSITIVE_KEY_FRAGMENTS.some((fragment) => normalized.includes(fragment));
}

/**
 * Secret-shaped text. Every pattern is linear (no nested quantifiers) so redacting megabytes
 * stays fast. A pattern with a `keep` group leaves that group and redacts the rest of the match.
 * Values stop at "…" so that a cut marker ("password=…[truncated, N chars]") is not taken for a
 * secret when cut text is redacted again. No pattern caps a secret's length or needs something not to
 * follow it (a token runs to the end of its characters instead): text shortened by a redaction or a
 * cut must not start to match where the whole text did not (redactAndCut keeps a cut of text that
 * matched nothing without redacting it again).
 */
const SECRET_PATTERNS: readonly RegExp[] = [
  // PEM private keys; a key cut short (no END line) is redacted to the end of the text.
  /-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY( BLOCK)?-----[\s\S]*?(?:-----END[A-Z0-9 ]{0,40}PRIVATE KEY( BLOCK)?-----|$)/g,
  // JSON Web Tokens (header.payload.signature, header starting with '{"'). The lookbehind (not \b)
  // lets a match start only at the beginning of a run of token characters, so "eyJ-eyJ-..." stays linear.
  /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g,
  // HTTP Authorization schemes; the credential must hold a digit, so prose ("Token refreshed") is left.
  /(?<keep>\b(?:Bearer|Basic|Token|Digest)\s+)(?=[A-Za-z\-._~+/]*[0-9])[A-Za-z0-9\-._~+/]{8,}=*/gi,
  // Credentials inside URLs: scheme://user:password@host.
  /(?<keep>\b[a-z][a-z0-9+.-]{1,20}:\/\/[^\s:/@]+:)[^\s@/]+(?=@)/gi,
  // key=value and "key": "value" pairs whose key names a secret ("tokens: 1234" is a count, not a
  // secret). A quoted value is redacted up to its closing quote, so passphrases with spaces go too.
  /(?<keep>(?:(?:password|passwd|passphrase|pwd|secret|api[_-]?key|access[_-]?key|private[_-]?key|client[_-]?secret|auth|session[_-]?id|signature|credential)s?|token)["']?\s{0,3}[:=]\s{0,3}(?<quote>["']))(?:(?!\k<quote>)[^\n])+(?=\k<quote>)/gi,
  /(?<keep>(?:(?:password|passwd|passphrase|pwd|secret|api[_-]?key|access[_-]?key|private[_-]?key|client[_-]?secret|auth|session[_-]?id|signature|credential)s?|token)["']?\s{0,3}[:=]\s{0,3}["']?)[^\s"'&,;…]{4,}/gi,
  // Signed-URL signatures (Azure SAS "sig=").
  /(?<keep>[?&]sig=)[^\s&#"'…]{4,}/gi,
  // Cloud, AI and SaaS API keys.
  /\bAIza[0-9A-Za-z_-]{35,}/g, // Google API key (may end in "-" or "_")
  /\bGOCSPX-[0-9A-Za-z_-]{20,}/g, // Google OAuth client secret
  /\bya29\.[0-9A-Za-z_-]{20,}/g, // Google OAuth access token
  /\b1\/\/0[0-9A-Za-z_-]{30,}/g, // Google OAuth refresh token
  /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\w*/g, // AWS access key id
  /\bsk-(?:ant-|proj-|svcacct-|admin-|or-)?[A-Za-z0-9_-]{20,}/g, // OpenAI, Anthropic, OpenRouter
  /\b(?:sk|rk|pk)_(?:live|test)_[0-9A-Za-z]{16,}/g, // Stripe
  /\bwhsec_[0-9A-Za-z+/=]{20,}/g, // webhook signing secrets
  /\bgh[pousr]_[0-9A-Za-z]{36,}/g, // GitHub tokens
  /\bgithub_pat_[0-9A-Za-z_]{22,}/g, // GitHub fine-grained tokens
  /\bglpat-[0-9A-Za-z_-]{20,}/g, // GitLab
  /\bxox[abposre]-[0-9A-Za-z-]{10,}/g, // Slack tokens
  /\bxapp-\d-[0-9A-Za-z-]{10,}/g, // Slack app-level tokens
  /\bhooks\.slack\.com\/services\/[0-9A-Za-z/_-]+/g, // Slack webhooks
  /\bSG\.[0-9A-Za-z_-]{16,}\.[0-9A-Za-z_-]{16,}/g, // SendGrid
  /\bSK[0-9a-f]{32}\w*/g, // Twilio API key
  /\bhf_[0-9A-Za-z]{30,}/g, // Hugging Face
  /\bgsk_[0-9A-Za-z]{40,}/g, // Groq
  /\bxai-[0-9A-Za-z]{40,}/g, // xAI
  /\br8_[0-9A-Za-z]{30,}/g, // Replicate
  /\bnpm_[0-9A-Za-z]{36}\w*/g, // npm
  /\bshp(?:at|ss|ca|pa)_[0-9a-fA-F]{32}\w*/g, // Shopify
  /\bdop_v1_[0-9a-f]{64}\w*/g, // DigitalOcean
  /\bkey-[0-9a-f]{32}\w*/g, // Mailgun
  /(?<keep>AccountKey=)[0-9A-Za-z+/=]{40,}/g, // Azure storage connection strings
  /\bAC[0-9a-f]{32}:[0-9a-f]{32}\w*/g, // Twilio sid:secret pairs
  /\b\d{8,10}:AA[0-9A-Za-z_-]{33,}/g, // Telegram bot tokens
];

/**
 * What every match of a pattern above contains, at least one per pattern, compared case-insensitively:
 * text with none of these holds no secret and is returned after one scan instead of one per pattern.
 * Keep it in step with SECRET_PATTERNS when adding a pattern.
 */
const SECRET_HINTS = hintPattern([
  "-----begin", // PEM private keys
  "eyj", // JWTs
  "bearer", "basic", "token", "digest", // Authorization schemes
  ":\\/\\/", "hooks\\.slack\\.com", // credentials in URLs, Slack webhooks
  "pass", "pwd", "secret", "key", "auth", "session", "signature", "credential", // key=value pairs ("token" above), AccountKey=, key-
  "sig=", // SAS signatures
  "aiza", "gocspx-", "ya29\\.", "1\\/\\/0", // Google
  "akia", "asia", "abia", "acca", // AWS
  "sk-", "sk_", "rk_", "pk_", "whsec_", "gh[pousr]_", "github_pat_", "glpat-", "xox", "xapp-", "sg\\.", "sk[0-9a-f]{32}",
  "hf_", "gsk_", "xai-", "r8_", "npm_", "shp", "dop_v1_", "ac[0-9a-f]{32}:", // API keys by prefix
  ":aa", // Telegram bot tokens
]);

/**
 * One case-insensitive regex matching any of `sources` (regex sources starting with a plain
 * character), grouped by that character so that the engine tries only the alternatives that can
 * start where it is: about twice as fast as a flat alternation.
 */
function hintPattern(sources: readonly string[]): RegExp {
  const byFirst = new Map<string, string[]>();
  for (const source of sources) {
    const rests = byFirst.get(source[0]!) ?? [];
    rests.push(source.slice(1));
    byFirst.set(source[0]!, rests);
  }
  const alternatives = [...byFirst].map(([first, rests]) => (rests.length === 1 ? first + rests[0] : `${first}(?:${rests.join("|")})`));
  return new RegExp(alternatives.join("|"), "i");
}

/** Replaces every secret-shaped substring of `text` with `[REDACTED]`; idempotent: redactText(redactText(x)) === redactText(x). */
export function redactText(text: string): string {
  return untilStable(redactOnce, text);
}

function redactOnce(text: string): string {
  if (!SECRET_HINTS.test(text)) return text;
  let result = text;
  for (const pattern of SECRET_PATTERNS) {
    pattern.lastIndex = 0;
    if (!pattern.test(result)) continue;
    pattern.lastIndex = 0;
    result = result.replace(pattern, (...args: unknown[]) => {
      const groups = args[args.length - 1] as { keep?: string } | undefined;
      return (groups?.keep ?? "") + REDACTED;
    });
  }
  return result;
}

/**
 * Passes `untilStable` makes before giving up: one redacts; a second redacts what the first exposed
 * (a URL credential another pattern rid of its "/" or quote), which no fuzzed text has needed more
 * than once; the last finds nothing to change.
 */
const MAX_PASSES = 3;

/**
 * Applies `pass` until the text stops changing and returns that fixed point, so applying this again
 * changes nothing. Text still changing after MAX_PASSES passes becomes `[REDACTED]`, which `pass`
 * must leave unchanged.
 */
export function untilStable(pass: (text: string) => string, text: string): string {
  let current = text;
  for (let count = 0; count < MAX_PASSES; count++) {
    const next = pass(current);
    if (next === current) return current;
    current = next;
  }
  return REDACTED;
}

/**
 * Replaces values under sensitive keys, at any depth, with `[REDACTED]`, and redacts
 * secret-shaped strings anywhere. Returns a new value; the input is not modified.
 */
export function redactValue(value: unknown, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === "string") return redactText(value);
  if (typeof value !== "object" || value === null) return value;
  if (seen.has(value)) return "[Circular]";
  // `seen` holds the ancestors only: a value reached twice without a cycle is copied both times.
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => redactValue(item, seen));
    if (!isPlainObject(value)) return value;
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      result[key] = isSensitiveKey(key) ? REDACTED : redactValue(item, seen);
    }
    return result;
  } finally {
    seen.delete(value);
  }
}
