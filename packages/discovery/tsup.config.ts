import { defineConfig } from 'tsup';
import { sharedOptions } from '../../tooling/config/tsup.shared.js';

// `#file-discovery` stays an import in dist/, so that the user's runtime or bundler picks
// file-discovery.js (Node) or file-discovery-unavailable.js by its conditions (package.json `imports`).
export default defineConfig({ ...sharedOptions, external: ['#file-discovery'] });
