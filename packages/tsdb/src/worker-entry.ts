// How tsdb starts its worker threads (compaction, WAL decoding, WAL compression): the worker's
// built .js next to the bundle in dist/ (a tsup entry), or, running from source (the
// `@tsprom/source` condition: tests, benchmarks, `pnpm start`), its .ts through tsx.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/** What `new Worker()` is given: `new Worker(entry, { eval, execArgv })`. */
export interface WorkerEntry {
  entry: string | URL;
  eval: boolean;
  execArgv: string[] | undefined;
}

/**
 * The entry of worker `name` (a path without extension, relative to `base`, the caller's
 * `import.meta.url`). From source, tsx is registered in the worker itself (Node 20 applies no
 * `--import` loader of a worker's execArgv to its entry), imported by the URL this module resolves
 * it to: a bare 'tsx/esm/api' in the eval'd code would resolve from the working directory, which
 * need not have it (a server started in its data directory), and the worker would exit at once.
 */
export function tsdbWorkerEntry(base: string, name: string): WorkerEntry {
  if (!base.endsWith('.ts')) {
    return { entry: new URL(`./${name}.js`, base), eval: false, execArgv: undefined };
  }
  const url = new URL(`./${name}.ts`, base).href;
  const execArgv = [...process.execArgv];
  if (!execArgv.some((a) => a.includes('@tsprom/source'))) execArgv.push('--conditions=@tsprom/source');
  const tsx =
    typeof import.meta.resolve === 'function'
      ? import.meta.resolve('tsx/esm/api')
      : pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href;
  const entry = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url)}); })`;
  return { entry, eval: true, execArgv };
}
