// Sends `count` concurrent recordTrace requests of one body file to server.mjs (fresh trace ids, a uid
// each, unsigned emulator-style ID tokens), printing one JSON line per answer.
// Usage: node bench/memory/sender.mjs <port> <body.json> <count> <tag>
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";

const [port, file, count, tag] = process.argv.slice(2);
const template = readFileSync(file, "utf8");
const base64 = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
function token(uid) {
  const now = Math.floor(Date.now() / 1000);
  const project = process.env.GCLOUD_PROJECT;
  const claims = { iss: `https://securetoken.google.com/${project}`, aud: project, auth_time: now, user_id: uid, sub: uid, iat: now, exp: now + 3600, firebase: { identities: {}, sign_in_provider: "anonymous" } };
  return `${base64({ alg: "none", typ: "JWT" })}.${base64(claims)}.`;
}
await Promise.all(
  Array.from({ length: Number(count) }, async (_, index) => {
    const body = template.replace(/"trace_id":"[0-9a-f]{32}"/g, () => `"trace_id":"${randomBytes(16).toString("hex")}"`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token(`memory-${tag}-${index}`)}` },
        body,
      });
      const answer = JSON.parse(await response.text());
      const outcome = answer.error ? answer.error.status : `stored ${answer.result.results.filter((result) => result.stored).length}/${answer.result.results.length}`;
      console.log(JSON.stringify({ index, status: response.status, outcome }));
    } catch (error) {
      console.log(JSON.stringify({ index, outcome: String(error) }));
    }
  }),
);
