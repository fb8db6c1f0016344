import { defineConfig } from 'tsup';
import { sharedOptions } from '../../tooling/config/tsup.shared.js';

// `#file-discovery`, `#dns-discovery`, `#kubernetes-discovery` and `#http-client` stay an import in
// dist/, so that the user's runtime or bundler picks their Node file or the -unavailable one by its
// conditions (package.json `imports`).
export default defineConfig({
  ...sharedOptions,
  external: ['#file-discovery', '#dns-discovery', '#kubernetes-discovery', '#http-client'],
});
