// The families read from the scrape manager and the TSDB when /metrics is scraped.
import { Manager as ScrapeManager } from '@tsprom/scrape';
import { DB } from '@tsprom/tsdb';
import { describe, expect, it } from 'vitest';
import { scrapeMetrics, tsdbMetrics } from './storage-metrics.js';

describe('storage metrics', () => {
  it('exports the scrapes failed by the native histogram bucket limit', async () => {
    const db = await DB.open();
    try {
      const sm = new ScrapeManager({ appendable: db, hostname: 'h' });
      const family = () =>
        scrapeMetrics(sm).find(
          (f) => f.name === 'prometheus_target_scrapes_exceeded_native_histogram_bucket_limit_total',
        );
      expect(family()).toMatchObject({ type: 'counter', samples: [{ value: 0 }] });
      sm.metrics.exceededNativeHistogramBucketLimit += 3;
      expect(family()).toMatchObject({
        help: 'Total number of scrapes that hit the native histogram bucket limit and were rejected.',
        samples: [{ value: 3 }],
      });
    } finally {
      await db.close();
    }
  });

  it('exports the exemplar storage size it is given', async () => {
    const db = await DB.open();
    try {
      const f = tsdbMetrics(db, 42).find((x) => x.name === 'prometheus_tsdb_exemplar_max_exemplars');
      expect(f).toMatchObject({ type: 'gauge', samples: [{ value: 42 }] });
    } finally {
      await db.close();
    }
  });
});
