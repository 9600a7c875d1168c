import { createTwoFilesPatch } from "diff";
import { CODEBASE, VIEWER_PUBLIC, VIEWER_TARGET } from "./firebaseJson.js";
import type { FileChange, InitPlan } from "./plan.js";

/** The dry run's output: what would change, as unified diffs (the built viewer's files by name and size). */
export function renderDryRun(plan: InitPlan, dir: string): string {
  if (plan.changes.length === 0) return renderNothingToChange(plan, dir);
  const parts = [`agent-traces init --dry-run in ${dir} (project ${plan.project}, viewer site ${plan.viewerSite}): ${describeCount(plan.changes)}\n`];
  for (const note of plan.notes) parts.push(`note: ${note}\n`);
  parts.push("\n");
  for (const change of plan.changes) parts.push(renderChange(change));
  parts.push("\nNothing written (--dry-run). Run again without --dry-run to write these changes.\n");
  return parts.join("");
}

/** After writing: what changed, then what to do next. */
export function renderApplied(plan: InitPlan, dir: string): string {
  if (plan.changes.length === 0) return renderNothingToChange(plan, dir);
  const lines = [`agent-traces init: wrote ${describeCount(plan.changes)} in ${dir} (project ${plan.project}):`];
  for (const change of plan.changes) lines.push(`  ${kindOf(change).padEnd(7)} ${change.path}`);
  for (const note of plan.notes) lines.push(`note: ${note}`);
  lines.push("", ...nextSteps(plan), "");
  return lines.join("\n");
}

/** The warnings, one paragraph each, for stderr. */
export function renderWarnings(plan: InitPlan): string {
  return plan.warnings.map((warning) => `agent-traces: warning: ${warning}\n`).join("");
}

function renderNothingToChange(plan: InitPlan, dir: string): string {
  return `agent-traces init: nothing to change in ${dir} (project ${plan.project}, viewer site ${plan.viewerSite}).\n`;
}

function renderChange(change: FileChange): string {
  const { path, before, after } = change;
  if (typeof before !== "object" && typeof after !== "object") {
    const patch = createTwoFilesPatch(before === undefined ? "/dev/null" : `a/${path}`, after === undefined ? "/dev/null" : `b/${path}`, before ?? "", after ?? "", undefined, undefined, {
      headerOptions: { includeIndex: false, includeUnderline: false, includeFileHeaders: true },
    });
    return patch.endsWith("\n") ? patch : `${patch}\n`;
  }
  const size = after ?? before!;
  const bytes = typeof size === "string" ? Buffer.byteLength(size) : size.byteLength;
  return `${kindOf(change)} ${path} (${formatSize(bytes)}${path.startsWith(`${VIEWER_PUBLIC}/`) ? ", the built viewer" : ""})\n`;
}

function kindOf(change: FileChange): "create" | "update" | "delete" {
  return change.before === undefined ? "create" : change.after === undefined ? "delete" : "update";
}

function describeCount(changes: FileChange[]): string {
  return changes.length === 1 ? "1 file" : `${changes.length} files`;
}

function formatSize(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(0)} KiB`;
}

/** The commands that take the merged project to a deployed backend and a viewer one can sign in to. */
function nextSteps(plan: InitPlan): string[] {
  const { project, viewerSite } = plan;
  return [
    "Next steps:",
    `  1. npm install --prefix agent-traces/functions`,
    `  2. firebase hosting:sites:create ${viewerSite} --project ${project}      (once: the viewer's own site)`,
    `  3. firebase functions:secrets:set REPORT_WEBHOOK_URL --project ${project}  (a Slack webhook URL for the error report, or none)`,
    `  4. firebase deploy --only functions:${CODEBASE},firestore,hosting:${VIEWER_TARGET} --project ${project}`,
    `  5. In the Firebase console: a web app (Project settings → Your apps), the Google provider (Authentication → Sign-in method),`,
    `     and ${viewerSite}.web.app and ${viewerSite}.firebaseapp.com in Authentication → Settings → Authorized domains.`,
    `  6. Open https://${viewerSite}.web.app and sign in once (the account must exist for the next step), then`,
    `     npx @agent-traces/cli grant-admin you@example.com --project ${project}   (the claim the viewer's reads need); sign out and in again.`,
  ];
}
