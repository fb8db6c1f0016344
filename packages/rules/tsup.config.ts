import { defineConfig } from 'tsup';
import { sharedOptions } from '../../tooling/config/tsup.shared.js';

// `#rules-fs` stays an import in dist/, so that the user's runtime or bundler picks the Node or
// the unavailable file system by its conditions (package.json `imports`).
export default defineConfig({ ...sharedOptions, external: ['#rules-fs'] });
