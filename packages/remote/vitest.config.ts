// The shared settings without the `module` export condition: the OpenTelemetry SDK the OTLP tests
// push with maps `module` to ESM builds whose imports have no file extensions, which Node's loader
// refuses; its `default` (CommonJS) builds load.
import { defineConfig } from 'vitest/config';
import shared from '../../tooling/config/vitest.shared.js';

const conditions = ['@tsprom/source', 'node', 'import', 'default'];

export default defineConfig({
  ...shared,
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
});
