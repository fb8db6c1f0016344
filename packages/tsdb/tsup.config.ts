import { defineConfig } from 'tsup';
import { sharedOptions } from '../../tooling/config/tsup.shared.js';

// `#disk` stays an import in dist/, so that the user's runtime or bundler picks disk-node.js or
// disk-browser.js by its conditions (package.json `imports`).
export default defineConfig({ ...sharedOptions, external: ['#disk'] });
