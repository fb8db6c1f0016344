import { defineConfig } from 'tsup';
import { sharedOptions } from '../../tooling/config/tsup.shared.js';

// `#config-fs` stays an import in dist/, so that the user's runtime or bundler picks fs-node.js or
// fs-unavailable.js by its conditions (package.json `imports`).
export default defineConfig({ ...sharedOptions, external: ['#config-fs'] });
