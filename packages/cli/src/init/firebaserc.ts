import { VIEWER_TARGET } from "./firebaseJson.js";
import { jsonFileText, lineOf, readJsonc, setAt, valueAt, type JsoncDocument } from "./jsonc.js";
import { InitRefusal } from "./refusal.js";
import { isSiteId, SITE_ID_RULE } from "./siteId.js";

export const FIREBASERC = ".firebaserc";
const VIEWER_SITE_SUFFIX = "-traces";

export interface SiteFlags {
  project?: string;
  site?: string;
  defaultSite?: string;
}

export interface ProjectChoice {
  /** The project id (an alias given with --project is resolved through .firebaserc). */
  project: string;
  /** The site the viewer deploys to. */
  viewerSite: string;
  /** The site the project's own single hosting entry deploys to today. */
  defaultSite: string;
}

/**
 * The project (--project, else .firebaserc's default) and the sites: the viewer's is --site, else the
 * one the .firebaserc target names already, else `<project>-traces`.
 */
export function chooseProject(rcText: string | undefined, flags: SiteFlags): ProjectChoice {
  const rc = rcText === undefined ? undefined : readJsonc(rcText, FIREBASERC);
  const projects = rc ? valueAt(rc, ["projects"]) : undefined;
  const aliases = typeof projects === "object" && projects !== null ? (projects as Record<string, unknown>) : {};
  const alias = (name: string) => (typeof aliases[name] === "string" ? (aliases[name] as string) : undefined);
  let project = flags.project === undefined ? undefined : (alias(flags.project) ?? flags.project);
  project ??= alias("default");
  if (project === undefined) {
    throw new InitRefusal(FIREBASERC, undefined, `${rc ? "names no default project" : "not found"}; pass --project <project id>, or run firebase use --add first`);
  }

  const linked = rc ? valueAt(rc, ["targets", project, "hosting", VIEWER_TARGET]) : undefined;
  const linkedSite = Array.isArray(linked) && linked.length === 1 && typeof linked[0] === "string" ? linked[0] : undefined;
  if (linked !== undefined && linkedSite === undefined) {
    throw new InitRefusal(FIREBASERC, lineOf(rc!, ["targets", project, "hosting", VIEWER_TARGET]), `the hosting target "${VIEWER_TARGET}" of ${project} is not one site; run firebase target:clear hosting ${VIEWER_TARGET}, then agent-traces init again`);
  }
  let viewerSite: string;
  if (flags.site !== undefined) {
    if (!isSiteId(flags.site)) throw new InitRefusal(FIREBASERC, undefined, `--site ${JSON.stringify(flags.site)} is not a Hosting site id (${SITE_ID_RULE})`);
    if (linkedSite !== undefined && linkedSite !== flags.site) {
      throw new InitRefusal(FIREBASERC, lineOf(rc!, ["targets", project, "hosting", VIEWER_TARGET]), `the hosting target "${VIEWER_TARGET}" of ${project} is linked to the site "${linkedSite}"; pass --site ${linkedSite}, or run firebase target:clear hosting ${VIEWER_TARGET} to choose another`);
    }
    viewerSite = flags.site;
  } else if (linkedSite !== undefined) {
    viewerSite = linkedSite;
  } else {
    viewerSite = `${project}${VIEWER_SITE_SUFFIX}`;
    if (!isSiteId(viewerSite)) {
      throw new InitRefusal(FIREBASERC, undefined, `the viewer's default site "${viewerSite}" is not a Hosting site id (${SITE_ID_RULE}); pass --site <site id>`);
    }
  }
  const defaultSite = flags.defaultSite ?? project;
  return { project, viewerSite, defaultSite };
}

/** .firebaserc with the viewer's hosting target linked to its site (created with only that when absent). */
export function mergeFirebaserc(rcText: string | undefined, project: string, viewerSite: string): string {
  const path = ["targets", project, "hosting", VIEWER_TARGET];
  if (rcText === undefined) return jsonFileText({ targets: { [project]: { hosting: { [VIEWER_TARGET]: [viewerSite] } } } });
  const rc: JsoncDocument = readJsonc(rcText, FIREBASERC);
  const linked = valueAt(rc, path);
  if (Array.isArray(linked) && linked.length === 1 && linked[0] === viewerSite) return rcText;
  return setAt(rc, path, [viewerSite]).text;
}
