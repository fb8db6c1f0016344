// Shared vitest settings for every package: read workspace packages from source through the
// `@tsprom/source` export condition (no build needed), and write a JSON report that
// tooling/scripts/run-tests.mjs sums into the one `N passed, M failed` line CI reads.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const conditions = ['@tsprom/source', 'module', 'node', 'import', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // One fixed fast-check seed (FC_SEED overrides it): property tests are the same run each time.
    setupFiles: [fileURLToPath(new URL('./vitest.setup.ts', import.meta.url))],
    reporters: ['default', 'json'],
    outputFile: { json: './test-results.json' },
    // Generous: CI runs every package at once on 2 loaded cores, where a property test that takes
    // 5 s alone takes 30 s. A timeout catches a hang, never a slow machine; tests that start peers
    // or child processes set their own, longer ones.
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
