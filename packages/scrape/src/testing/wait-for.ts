// Awaits a condition in tests that run real loops. Test helper, not part of the API.

/**
 * Resolves once `cond()` is true (it may be async), checking every 5 ms; rejects after
 * `deadlineMs` (generous: a deadline catches a hang, never a slow machine).
 */
export async function waitFor(cond: () => boolean | Promise<boolean>, deadlineMs = 30_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`condition not met after ${deadlineMs} ms: ${cond.toString()}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
