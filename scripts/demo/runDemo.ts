/** Placeholder until the demo agent lands: the stack simply stays up. */
export async function runDemo(_env: Record<string, string>): Promise<void> {}
