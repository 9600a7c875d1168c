/* global global */
// What a request holds before recordTrace's code runs, per byte of its body: the Functions Framework's
// raw body, its JSON.parse of it (req.body) and the callable's decode() copy of req.body.data.
// Usage: node --expose-gc bench/memory/parse.mjs <body.json> [copies]
import { readFileSync } from "node:fs";

const [file, copies = "10"] = process.argv.slice(2);
const count = Number(copies);
const text = readFileSync(file, "utf8");
const decode = (value) =>
  Array.isArray(value) ? value.map(decode) : value && typeof value === "object" ? Object.fromEntries(Object.entries(value).map(([key, item]) => [key, decode(item)])) : value;
const used = () => {
  for (let index = 0; index < 4; index++) global.gc();
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
};
const raws = Array.from({ length: count }, (_, index) => Buffer.from(text.replace(/"trace_id":"[0-9a-f]{4}/g, `"trace_id":"${String(index).padStart(4, "0")}`)));
const base = used();
const kept = raws.map((raw) => ({ raw, body: JSON.parse(raw.toString()) }));
const parsed = used();
for (const entry of kept) entry.data = decode(entry.body.data);
const decoded = used();
const bytes = count * raws[0].length;
console.log(
  `${file}: ${raws[0].length} bytes; per byte of body: raw 1.00, parsed ${((parsed - base) / bytes).toFixed(2)}, decoded copy ${((decoded - parsed) / bytes).toFixed(2)}, ` +
    `arriving ${(1 + (decoded - base) / bytes).toFixed(2)} (${kept.length} kept)`,
);
