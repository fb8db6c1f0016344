// Shared vitest settings for every package: read workspace packages from source through the
// `@tsprom/source` export condition (no build needed), and write a JSON report that
// tooling/scripts/run-tests.mjs sums into the one `N passed, M failed` line CI reads.
import { defineConfig } from 'vitest/config';

const conditions = ['@tsprom/source', 'module', 'node', 'import', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    reporters: ['default', 'json'],
    outputFile: { json: './test-results.json' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
