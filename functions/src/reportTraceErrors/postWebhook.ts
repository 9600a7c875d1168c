/** POSTs a JSON body; resolves with the HTTP status, rejects on a network failure or a non-2xx answer. */
export async function postJson(url: string, body: unknown, timeoutMs = 10_000): Promise<number> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!response.ok) throw new Error(`webhook answered HTTP ${response.status}`);
  return response.status;
}
