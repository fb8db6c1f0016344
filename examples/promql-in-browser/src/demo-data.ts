// Demo data made in the page: two counters, `http_requests_total{job="api"}` and `{job="web"}`,
// scraped every 15 s for 10 minutes, growing at 2 and 5 requests per second.
import { Labels } from '@tsprom/labels';
import type { DB } from '@tsprom/tsdb';

export const DEMO_STEP_MS = 15_000;
/** The demo's last sample: 10 minutes after its first, at ms 0. */
export const DEMO_END_MS = 600_000;
/** Per-second rates of the demo counters, by job. */
export const DEMO_RATES: Readonly<Record<string, number>> = { api: 2, web: 5 };

/** Appends the demo series to `db`; returns the number of samples. */
export async function appendDemoData(db: DB): Promise<number> {
  const app = db.appender();
  const refs = new Map<string, number>();
  let n = 0;
  for (let t = 0; t <= DEMO_END_MS; t += DEMO_STEP_MS) {
    for (const [job, perSecond] of Object.entries(DEMO_RATES)) {
      const labels = Labels.fromStrings('__name__', 'http_requests_total', 'job', job);
      refs.set(job, app.append(refs.get(job) ?? 0, labels, t, (t / 1000) * perSecond));
      n++;
    }
  }
  await app.commit();
  return n;
}
