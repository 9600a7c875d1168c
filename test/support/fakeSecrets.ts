/**
 * A corpus of FAKE secrets for redaction tests: built at runtime from a seeded generator or from
 * obvious pieces, so that no real-looking secret literal sits in the repository.
 * Used by test/unit/redact.test.ts and test/integration/reliability/security.test.ts.
 */
export function fakeChars(seed: number) {
  let state = seed >>> 0;
  return (length: number, alphabet: string): string => {
    let text = "";
    for (let index = 0; index < length; index++) {
      state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
      text += alphabet[(state >>> 16) % alphabet.length];
    }
    return text;
  };
}
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const UPPER_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const HEX = "0123456789abcdef";
const B64URL = `${ALNUM}-_`;
const B64 = `${ALNUM}+/`;
const base64url = (text: string) => Buffer.from(text).toString("base64url");

export interface SecretCase {
  name: string;
  /** Prose with the secret in it. */
  text: string;
  /** The parts that must be gone after redaction. */
  secrets: string[];
  /** Text before the secret that must survive untouched. */
  keep?: string[];
}

export function secretCorpus(): SecretCase[] {
  const r = fakeChars(20_250_131);
  const pemBody = (lines: number) => Array.from({ length: lines }, () => r(64, B64)).join("\n");
  const jwt = `${base64url('{"alg":"HS256","typ":"JWT"}')}.${base64url('{"sub":"fake-user-0001","name":"Test Fixture","iat":1700000000}')}.${r(43, B64URL)}`;
  const bearer = r(40, B64URL);
  const basic = Buffer.from(`fixture-user:${r(16, ALNUM)}`).toString("base64");
  const rsaBody = pemBody(6);
  const ecBody = pemBody(3);
  const sshBody = pemBody(5);
  const cutBody = pemBody(4);
  const pkcs8Body = pemBody(4);
  const akia = `AKIA${r(16, UPPER_DIGITS)}`;
  const awsSecret = r(40, B64);
  const aiza = `AIza${r(35, B64URL)}`;
  const aizaDash = `AIza${r(34, B64URL)}-`;
  const ya29 = `ya29.${r(60, B64URL)}`;
  const googleRefresh = `1//0${r(40, B64URL)}`;
  const openai = `sk-${r(48, ALNUM)}`;
  const openaiProject = `sk-proj-${r(64, B64URL)}T3BlbkFJ${r(64, B64URL)}`;
  const anthropic = `sk-ant-api03-${r(93, B64URL)}AA`;
  const stripeLive = `sk_live_${r(24, ALNUM)}`;
  const stripeRestricted = `rk_test_${r(40, ALNUM)}`;
  const webhookSecret = `whsec_${r(32, B64)}`;
  const github = `ghp_${r(36, ALNUM)}`;
  const githubFineGrained = `github_pat_${r(22, ALNUM)}_${r(59, ALNUM)}`;
  const gitlab = `glpat-${r(20, B64URL)}`;
  const slackBot = `xoxb-${r(12, "0123456789")}-${r(13, "0123456789")}-${r(24, ALNUM)}`;
  const slackUser = `xoxp-${r(12, "0123456789")}-${r(12, "0123456789")}-${r(13, "0123456789")}-${r(32, HEX)}`;
  const slackApp = `xapp-1-A${r(10, UPPER_DIGITS)}-${r(13, "0123456789")}-${r(64, HEX)}`;
  const slackHookPath = `T${r(8, UPPER_DIGITS)}/B${r(8, UPPER_DIGITS)}/${r(24, ALNUM)}`;
  const sendgrid = `SG.${r(22, B64URL)}.${r(43, B64URL)}`;
  const twilio = `SK${r(32, HEX)}`;
  const huggingFace = `hf_${r(34, ALNUM)}`;
  const groq = `gsk_${r(52, ALNUM)}`;
  const xai = `xai-${r(80, ALNUM)}`;
  const replicate = `r8_${r(37, ALNUM)}`;
  const npm = `npm_${r(36, ALNUM)}`;
  const shopify = `shpat_${r(32, HEX)}`;
  const digitalOcean = `dop_v1_${r(64, HEX)}`;
  const mailgun = `key-${r(32, HEX)}`;
  const azureKey = `${r(86, B64)}==`;
  const dbPassword = `Pw-${r(14, ALNUM)}`;
  const apiKeyValue = r(32, ALNUM);
  const telegram = `${r(10, "123456789")}:AA${r(33, B64URL)}`;
  const googleClientSecret = `GOCSPX-${r(28, B64URL)}`;
  const passphrase = "correct horse battery staple";
  const sasSignature = `${r(40, ALNUM)}%3D`;
  return [
    { name: "JWT", text: `The session cookie held ${jwt} until it expired.`, secrets: [jwt], keep: ["The session cookie held "] },
    { name: "Bearer header", text: `curl -H "Authorization: Bearer ${bearer}" https://api.example.com/v1/me`, secrets: [bearer], keep: ["curl -H"] },
    { name: "Basic auth header", text: `Sent header Authorization: Basic ${basic} to the proxy.`, secrets: [basic], keep: ["Sent header Authorization: Basic "] },
    {
      name: "PEM RSA private key",
      text: `Loaded key:\n-----BEGIN RSA PRIVATE KEY-----\n${rsaBody}\n-----END RSA PRIVATE KEY-----\nand continued.`,
      secrets: rsaBody.split("\n"),
      keep: ["Loaded key:", "and continued."],
    },
    {
      name: "PEM EC private key",
      text: `ec: -----BEGIN EC PRIVATE KEY-----\n${ecBody}\n-----END EC PRIVATE KEY----- done`,
      secrets: ecBody.split("\n"),
      keep: ["ec: ", " done"],
    },
    {
      name: "OpenSSH private key",
      text: `id_ed25519 contents:\n-----BEGIN OPENSSH PRIVATE KEY-----\n${sshBody}\n-----END OPENSSH PRIVATE KEY-----\n`,
      secrets: sshBody.split("\n"),
      keep: ["id_ed25519 contents:"],
    },
    {
      name: "PKCS#8 private key inside service-account JSON",
      text: `{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\\n${pkcs8Body.replaceAll("\n", "\\n")}\\n-----END PRIVATE KEY-----\\n"}`,
      secrets: pkcs8Body.split("\n"),
      keep: ['{"type": "service_account", '],
    },
    {
      name: "PEM private key cut short (no END line)",
      text: `The tool printed -----BEGIN PRIVATE KEY-----\n${cutBody}`,
      secrets: cutBody.split("\n"),
      keep: ["The tool printed "],
    },
    { name: "AWS access key id", text: `export AWS_ACCESS_KEY_ID=${akia} before running`, secrets: [akia], keep: ["export AWS_ACCESS_KEY_ID="] },
    { name: "AWS secret access key (config line)", text: `aws_secret_access_key = ${awsSecret}\nregion = eu-west-1`, secrets: [awsSecret], keep: ["region = eu-west-1"] },
    { name: "Google API key", text: `Maps call used ${aiza} as key.`, secrets: [aiza], keep: ["Maps call used "] },
    { name: "Google API key ending in '-'", text: `key=${aizaDash} and more`, secrets: [aizaDash], keep: ["and more"] },
    { name: "Google OAuth access token", text: `got token ${ya29} from the metadata server`, secrets: [ya29], keep: ["from the metadata server"] },
    { name: "Google OAuth refresh token", text: `refresh with ${googleRefresh} later`, secrets: [googleRefresh], keep: ["later"] },
    { name: "Google OAuth client secret", text: `client configured with ${googleClientSecret} (web app)`, secrets: [googleClientSecret], keep: ["(web app)"] },
    { name: "OpenAI key", text: `OPENAI_API_KEY is ${openai}; do not share.`, secrets: [openai], keep: ["do not share."] },
    { name: "OpenAI project key", text: `Using project key ${openaiProject} for the batch.`, secrets: [openaiProject], keep: ["for the batch."] },
    { name: "Anthropic key", text: `anthropic client key: ${anthropic}`, secrets: [anthropic], keep: ["anthropic client"] },
    { name: "Stripe live secret key", text: `stripe.setKey("${stripeLive}")`, secrets: [stripeLive], keep: ["stripe.setKey("] },
    { name: "Stripe restricted test key", text: `restricted: ${stripeRestricted}`, secrets: [stripeRestricted] },
    { name: "Webhook signing secret", text: `verify with ${webhookSecret} please`, secrets: [webhookSecret], keep: ["please"] },
    { name: "GitHub classic token", text: `git clone https://${github}@github.com/acme/repo.git`, secrets: [github], keep: ["github.com/acme/repo.git"] },
    { name: "GitHub fine-grained token", text: `GH_TOKEN ${githubFineGrained} set`, secrets: [githubFineGrained] },
    { name: "GitLab token", text: `PRIVATE-TOKEN: ${gitlab}`, secrets: [gitlab] },
    { name: "Slack bot token", text: `slack bot uses ${slackBot}.`, secrets: [slackBot] },
    { name: "Slack user token", text: `user token ${slackUser} revoked`, secrets: [slackUser], keep: ["revoked"] },
    { name: "Slack app-level token", text: `socket mode with ${slackApp} enabled`, secrets: [slackApp], keep: ["enabled"] },
    { name: "Slack webhook", text: `POST https://hooks.slack.com/services/${slackHookPath} with the alert`, secrets: [slackHookPath], keep: ["with the alert"] },
    { name: "SendGrid key", text: `mail via ${sendgrid} failed`, secrets: [sendgrid], keep: ["failed"] },
    { name: "Twilio API key", text: `twilio key ${twilio} ok`, secrets: [twilio] },
    { name: "Hugging Face token", text: `HF hub token ${huggingFace} loaded`, secrets: [huggingFace] },
    { name: "Groq key", text: `GROQ key=${groq}`, secrets: [groq] },
    { name: "xAI key", text: `grok via ${xai}`, secrets: [xai] },
    { name: "Replicate token", text: `replicate ${replicate} run`, secrets: [replicate] },
    { name: "npm token", text: `//registry.npmjs.org/:_authToken=${npm}`, secrets: [npm], keep: ["//registry.npmjs.org/:_authToken="] },
    { name: "Shopify token", text: `shop admin token ${shopify}`, secrets: [shopify] },
    { name: "DigitalOcean token", text: `doctl auth init -t ${digitalOcean}`, secrets: [digitalOcean] },
    { name: "Mailgun key", text: `mailgun api ${mailgun} used`, secrets: [mailgun] },
    {
      name: "Azure storage connection string",
      text: `DefaultEndpointsProtocol=https;AccountName=fixtureacct;AccountKey=${azureKey};EndpointSuffix=core.windows.net`,
      secrets: [azureKey],
      keep: ["AccountName=fixtureacct"],
    },
    {
      name: "Azure SAS url signature",
      text: `download https://fixture.blob.core.windows.net/c/file.txt?sv=2022-11-02&sr=b&sig=${sasSignature} done`,
      secrets: [sasSignature],
      keep: ["https://fixture.blob.core.windows.net/c/file.txt?sv=2022-11-02&sr=b&sig="],
    },
    {
      name: "database URL with password",
      text: `connect to postgres://app_user:${dbPassword}@db.internal.example:5432/app now`,
      secrets: [dbPassword],
      keep: ["postgres://app_user:", "@db.internal.example:5432/app now"],
    },
    {
      name: "password in a query string",
      text: "GET https://example.com/login?user=bob&password=hunter2&next=/home",
      secrets: ["hunter2"],
      keep: ["GET https://example.com/login?user=bob&password=", "&next=/home"],
    },
    { name: "api_key in JSON text", text: `config was {"api_key": "${apiKeyValue}", "region": "us"}`, secrets: [apiKeyValue], keep: ['"region": "us"'] },
    { name: "empty password next to a quoted passphrase", text: `{"password": "", "passphrase": '${passphrase}'}`, secrets: [passphrase], keep: ['{"password": "'] },
    { name: "quoted passphrase with spaces", text: `{"password": "${passphrase}", "user": "bob"}`, secrets: ["horse battery staple"], keep: ['"user": "bob"'] },
    { name: "Telegram bot token", text: `bot started with ${telegram} polling`, secrets: [telegram], keep: ["polling"] },
  ];
}

/** True when any 10-char window of `secret` (or all of it, if shorter) is still in `text`. */
export function leaks(text: string, secret: string): string | undefined {
  if (secret.length <= 10) return text.includes(secret) ? secret : undefined;
  for (let index = 0; index + 10 <= secret.length; index++) {
    const window = secret.slice(index, index + 10);
    if (text.includes(window)) return window;
  }
  return undefined;
}
