/** The address of the comparison of two runs: `/compare?a=<trace_id>&b=<trace_id>`. */
export function compareHref(a: string, b: string): string {
  return `/compare?${new URLSearchParams({ a, b }).toString()}`;
}

/** The two run ids of a comparison's address; undefined where one is missing. */
export function compareIdsOf(url: URL): { a: string | undefined; b: string | undefined } {
  return { a: url.searchParams.get("a") || undefined, b: url.searchParams.get("b") || undefined };
}
