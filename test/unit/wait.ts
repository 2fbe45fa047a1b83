/**
 * Waiting by condition: polls `probe` until it answers something truthy and answers that. The
 * deadline only turns a hang into a failure naming what never happened; no test asserts on time.
 */
export async function until<T>(what: string, probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, deadlineMs = 20_000): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`waited ${deadlineMs} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
