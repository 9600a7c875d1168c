import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import type { InitCommand } from "../args.js";
import { oneLine } from "../format/text.js";
import { loadAssets, type InitAssets } from "./assets.js";
import { planInit } from "./plan.js";
import { projectReader, writeChanges } from "./projectFiles.js";
import { InitRefusal } from "./refusal.js";
import { renderApplied, renderDryRun, renderWarnings } from "./render.js";

export interface InitOutcome {
  /** 0: merged (or nothing to change); 1: refused, nothing written. */
  code: 0 | 1;
  stdout: string;
  stderr: string;
}

/**
 * `agent-traces init`: merges the backend into the project in `command.dir` (default: `cwd`), or with
 * --dry-run prints the diff of what it would write. A refusal is one line naming the file.
 */
export function runInit(command: InitCommand, cwd: string = process.cwd(), assets: () => InitAssets = loadAssets): InitOutcome {
  const dir = resolve(cwd, command.dir ?? ".");
  try {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InitRefusal(dir, undefined, "is not a folder; pass --dir <your Firebase project's folder>");
    const { kind: _kind, dir: _dir, dryRun, ...flags } = command;
    const plan = planInit(projectReader(dir), assets(), flags);
    if (dryRun) return { code: 0, stdout: renderDryRun(plan, dir), stderr: renderWarnings(plan) };
    writeChanges(dir, plan.changes);
    return { code: 0, stdout: renderApplied(plan, dir), stderr: renderWarnings(plan) };
  } catch (error) {
    if (!(error instanceof InitRefusal)) throw error;
    return { code: 1, stdout: "", stderr: `agent-traces: init refused: ${oneLine(error.message)}\n` };
  }
}
