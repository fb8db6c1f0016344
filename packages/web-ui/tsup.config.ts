// Two builds: the Node side (the handler and the path of the assets, with types) and the browser
// app, bundled with its dependencies (CodeMirror, codemirror-promql, uPlot) into dist/static/assets,
// index.html and the CSS copied beside it.
import { copyFile, mkdir } from 'node:fs/promises';
import { defineConfig } from 'tsup';
import { sharedOptions } from '../../tooling/config/tsup.shared.js';

export default defineConfig([
  {
    ...sharedOptions,
    entry: ['src/index.ts'],
    format: ['esm'],
    dts: true,
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    outDir: 'dist',
    clean: false,
  },
  {
    entry: { app: 'src/app/main.ts' },
    format: ['esm'],
    platform: 'browser',
    target: 'es2022',
    outDir: 'dist/static/assets',
    noExternal: [/.*/],
    minify: true,
    sourcemap: true,
    splitting: false,
    clean: true,
    loader: { '.css': 'css' },
    async onSuccess() {
      await mkdir('dist/static', { recursive: true });
      await copyFile('src/static/index.html', 'dist/static/index.html');
    },
  },
]);
