import { strict as assert } from "node:assert";
import { HANDLER_STAGES } from "../../bench/handlerStages.js";
import { byPath, oursMs, profileCpu, stageBreakdown, type CpuProfile } from "../../bench/lib/profile.js";
import { redactText } from "../../packages/core/src/redact.js";

/** A profile of hand-made nodes: `stack` lists [functionName, url] from the root down; each sample lasts `us`. */
function profileOf(samples: { stack: [string, string][]; us: number }[]): CpuProfile {
  const nodes: CpuProfile["nodes"] = [{ id: 1, callFrame: { functionName: "(root)", url: "", scriptId: "0", lineNumber: -1, columnNumber: -1 }, children: [] }];
  const sampleIds: number[] = [];
  for (const { stack } of samples) {
    let parent = nodes[0]!;
    for (const [functionName, url] of stack) {
      let node = nodes.find((candidate) => parent.children!.includes(candidate.id) && candidate.callFrame.functionName === functionName && candidate.callFrame.url === url);
      if (!node) {
        node = { id: nodes.length + 1, callFrame: { functionName, url, scriptId: "1", lineNumber: 0, columnNumber: 0 }, children: [] };
        nodes.push(node);
        parent.children!.push(node.id);
      }
      parent = node;
    }
    sampleIds.push(parent.id);
  }
  // timeDeltas[i] is the time before sample i: sample i lasts timeDeltas[i + 1].
  const timeDeltas = [0, ...samples.map(({ us }) => us)];
  const total = samples.reduce((sum, { us }) => sum + us, 0);
  return { nodes, startTime: 0, endTime: total, samples: sampleIds, timeDeltas: timeDeltas.slice(0, samples.length) };
}

describe("bench: the CPU profile split by stage", () => {
  const stages = [byPath("redaction", true, ["/core/src/redact.ts"]), byPath("firebase-admin", false, ["/node_modules/@google-cloud/"])];
  const ours = "file:///repo/packages/core/src/redact.ts";
  const grpc = "file:///repo/node_modules/@google-cloud/firestore/build/src/write-batch.js";

  it("gives a builtin's time to the stage of the code that called it, and idle, GC and unknown code their own", () => {
    const breakdown = stageBreakdown(
      profileOf([
        { stack: [["redactText", ours]], us: 1000 },
        { stack: [["redactText", ours], ["exec", ""]], us: 2000 },
        { stack: [["commit", grpc], ["stringify", "node:internal/util"]], us: 500 },
        { stack: [["(idle)", ""]], us: 4000 },
        { stack: [["(garbage collector)", ""]], us: 300 },
        { stack: [["somethingElse", "file:///repo/elsewhere.js"]], us: 200 },
        { stack: [["(program)", ""]], us: 100 },
      ]),
      stages,
    );
    assert.deepEqual(
      breakdown.stages.map(({ name, ms }) => [name, ms]),
      [["redaction", 3], ["firebase-admin", 0.5], ["other (code no stage names)", 0.2], ["Node.js and GC", 0.4]],
    );
    assert.equal(breakdown.idleMs, 4);
    assert.equal(oursMs(breakdown), 3);
  });

  it("finds redaction in a real profile of redactText, in the handler's stages", async function () {
    this.timeout(60_000);
    const text = "Authorization: Bearer abc123def456ghi789 and password=hunter22 ".repeat(200);
    const { profile } = await profileCpu(async () => {
      const end = performance.now() + 300;
      while (performance.now() < end) redactText(`${text}${Math.random()}`);
    });
    const breakdown = stageBreakdown(profile, HANDLER_STAGES);
    const redaction = breakdown.stages.find((stage) => stage.name === "redaction")!;
    const busy = breakdown.stages.reduce((sum, stage) => sum + stage.ms, 0);
    assert.ok(redaction.ms > busy / 2, `redaction ${redaction.ms} ms of ${busy} ms busy: ${JSON.stringify(breakdown.stages)}`);
  });
});
