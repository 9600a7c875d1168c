/** A Hosting site id: at most 30 characters, lowercase letters, digits and hyphens, no hyphen at either end. */
const SITE_ID = /^[a-z0-9](?:[a-z0-9-]{0,28}[a-z0-9])?$/;

export const SITE_ID_RULE = "at most 30 characters: lowercase letters, digits and hyphens";

export function isSiteId(site: string): boolean {
  return SITE_ID.test(site);
}
