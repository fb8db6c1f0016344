// Shared tsup settings for every package's build (entries and formats stay on each package's
// `build` script). tsup rewrites `node:fs` to `fs` by default; the built dist/ keeps the `node:`
// prefix so that a bundler knows the import is Node's built-in, not an npm package named `fs`.
import { defineConfig, type Options } from 'tsup';

export const sharedOptions: Options = { removeNodeProtocol: false };

export default defineConfig(sharedOptions);
