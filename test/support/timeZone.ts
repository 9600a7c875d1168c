/** Runs the tests of the enclosing `describe` with TZ set to `zone` (local time is that zone's), restoring TZ after. */
export function inTimeZone(zone: string): void {
  let saved: string | undefined;
  before(() => {
    saved = process.env.TZ;
    process.env.TZ = zone;
  });
  after(() => {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  });
}
