// Prometheus: discovery/file/file.go Discovery (Run, refresh, readFile, listFiles, watchFiles).
// Reads every file matching the patterns, sends their target groups (source `<file>:<index>`,
// label `__meta_filepath`), then re-reads on any change in the watched directories and every
// refresh interval. A file that cannot be read or parsed is logged and keeps its last good
// groups; a file that disappears (or shrinks) gets empty groups for its old sources.
import { type FSWatcher, watch } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { type Document, isAlias, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Discoverer, DiscovererOptions } from './discoverer.js';
import { sliceUsedUp, yieldToEventLoop } from './event-loop-slices.js';
import type { FileSDConfig } from './file-sd-config.js';
import { parseJSONInSlices } from './json-list-slices.js';
import { labelSet, parseTargetGroup, type TargetGroup, TargetGroupError } from './target-group.js';

/** Prometheus fileSDFilepathLabel. */
export const FilepathLabel = '__meta_filepath';

/** Counts the server can expose (Prometheus prometheus_sd_file_*). */
export interface FileSDStats {
  /** Files that could not be read or parsed (prometheus_sd_file_read_errors_total). */
  readErrors: number;
  /** Refreshes made (prometheus_sd_file_scan_duration_seconds_count). */
  scans: number;
}

/** The file-based discoverer of one `file_sd_configs` entry. */
export class FileDiscoverer implements Discoverer {
  readonly stats: FileSDStats = { readErrors: 0, scans: 0 };
  /** Number of groups each file had at the last refresh. */
  #lastRefresh = new Map<string, number>();
  readonly #watchers = new Map<string, FSWatcher>();

  constructor(
    readonly config: FileSDConfig,
    readonly options: DiscovererOptions,
  ) {}

  async *run(signal: AbortSignal): AsyncIterable<TargetGroup[]> {
    if (signal.aborted) return;
    let wake: () => void = () => {};
    let pending = true; // The first refresh runs at once.
    const woken = () => {
      pending = true;
      wake();
    };
    const timer = setInterval(woken, Math.max(1, this.config.refreshIntervalMs));
    signal.addEventListener('abort', woken, { once: true });
    try {
      for (;;) {
        if (!pending)
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
        pending = false;
        if (signal.aborted) return;
        const update = await this.refresh();
        this.#watch(woken);
        if (signal.aborted) return;
        if (update.length > 0) yield update;
      }
    } finally {
      clearInterval(timer);
      signal.removeEventListener('abort', woken);
      for (const w of this.#watchers.values()) w.close();
      this.#watchers.clear();
    }
  }

  /**
   * Reads every matching file once (Prometheus refresh): the groups of the files read, then empty
   * groups for sources that disappeared. Exposed for tests and one-shot tools.
   */
  async refresh(): Promise<TargetGroup[]> {
    this.stats.scans++;
    const out: TargetGroup[] = [];
    const ref = new Map<string, number>();
    for (const file of await this.#listFiles()) {
      let groups: TargetGroup[];
      try {
        groups = await readTargetGroupFile(file);
      } catch (err) {
        this.stats.readErrors++;
        this.options.metrics?.inc('prometheus_sd_file_read_errors_total', 'The number of File-SD read errors.');
        this.options.logger.error('Error reading file', { path: file, err: errorText(err) });
        ref.set(file, this.#lastRefresh.get(file) ?? 0); // Keep its last good groups.
        continue;
      }
      out.push(...groups);
      ref.set(file, groups.length);
    }
    for (const [file, n] of this.#lastRefresh) {
      const m = ref.get(file) ?? 0;
      for (let i = m; i < n; i++) out.push({ targets: [], labels: labelSet({}), source: fileSource(file, i) });
    }
    this.#lastRefresh = ref;
    return out;
  }

  async #listFiles(): Promise<string[]> {
    const out: string[] = [];
    for (const p of this.config.files) {
      try {
        out.push(...(await globLastElement(p)));
      } catch (err) {
        this.options.logger.error('Error expanding glob', { glob: p, err: errorText(err) });
      }
    }
    return out;
  }

  /** Watches the directory of every pattern (Prometheus watchFiles); retried at each refresh. */
  #watch(onChange: () => void): void {
    for (const p of this.config.files) {
      const slash = p.lastIndexOf('/');
      const dir = slash < 0 ? './' : p.slice(0, slash + 1);
      if (this.#watchers.has(dir)) continue;
      try {
        const w = watch(dir, { persistent: false }, () => onChange());
        w.on('error', (err) => {
          this.options.logger.error('Error watching file', { path: dir, err: errorText(err) });
          w.close();
          this.#watchers.delete(dir); // Set again at the next refresh.
        });
        this.#watchers.set(dir, w);
      } catch (err) {
        this.options.logger.error('Error adding file watch', { path: dir, err: errorText(err) });
      }
    }
  }
}

/** Prometheus fileSource. */
export function fileSource(file: string, i: number): string {
  return `${file}:${i}`;
}

/**
 * Reads a file_sd file: a JSON or YAML list of target groups (by extension), each labelled with
 * `__meta_filepath` and sourced `<file>:<index>` (Prometheus readFile). Throws when the file
 * cannot be read or holds something else.
 */
export async function readTargetGroupFile(file: string): Promise<TargetGroup[]> {
  const text = await readFile(file, 'utf8');
  const ext = file.slice(file.lastIndexOf('.')).toLowerCase();
  let list: unknown;
  if (ext === '.json') {
    list = await parseJSONInSlices(text);
  } else if (ext === '.yml' || ext === '.yaml') {
    const doc = parseDocument(text, { version: '1.1', uniqueKeys: true });
    if (doc.errors.length > 0) throw new TargetGroupError(`yaml: ${doc.errors[0]!.message.split('\n')[0]}`);
    list = yamlPlain(doc.contents, doc);
  } else {
    throw new TargetGroupError(`invalid file extension: ${JSON.stringify(ext)}`);
  }
  if (list === null || list === undefined) return [];
  if (!Array.isArray(list))
    throw new TargetGroupError('cannot unmarshal a mapping or scalar into a list of target groups');
  const out: TargetGroup[] = [];
  for (let i = 0; i < list.length; i++) {
    // A file of thousands of groups takes a while to check: other work gets its turns meanwhile.
    if (sliceUsedUp()) await yieldToEventLoop();
    const g: unknown = list[i];
    if (g === null || g === undefined) throw new TargetGroupError('nil target group item found');
    const tg = parseTargetGroup(g, fileSource(file, i));
    out.push({ ...tg, labels: labelSet({ ...tg.labels, [FilepathLabel]: file }) });
  }
  return out;
}

/**
 * YAML as yaml.v2 decodes it into target groups: plain scalars keep their text (`port: 80` is the
 * label value "80", as for a Go string), null stays null, aliases are followed.
 */
function yamlPlain(n: unknown, doc: Document): unknown {
  if (n === null || n === undefined) return null;
  if (isAlias(n)) return yamlPlain(n.resolve(doc), doc);
  if (isMap(n)) {
    const out: Record<string, unknown> = {};
    for (const item of n.items) out[String(yamlPlain(item.key, doc))] = yamlPlain(item.value, doc);
    return out;
  }
  if (isSeq(n)) return n.items.map((x) => yamlPlain(x, doc));
  if (isScalar(n)) {
    if (n.value === null) return null;
    if (n.type === 'PLAIN' && typeof n.source === 'string') return n.source;
    return n.value;
  }
  return null;
}

/** Go's filepath.Glob for the file SD patterns (a `*` only in the last element). */
async function globLastElement(pattern: string): Promise<string[]> {
  const slash = pattern.lastIndexOf('/');
  const dir = slash < 0 ? '.' : slash === 0 ? '/' : pattern.slice(0, slash);
  const base = pattern.slice(slash + 1);
  if (!/[*?[\\]/.test(base)) {
    try {
      await stat(pattern);
      return [pattern];
    } catch {
      return [];
    }
  }
  const re = new RegExp(
    `^${base
      .replace(/[.+^${}()|\\/]/g, '\\$&')
      .replaceAll('*', '[^/]*')
      .replaceAll('?', '[^/]')}$`,
    's',
  );
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return []; // A missing directory matches nothing, as in Go.
  }
  return names
    .filter((n) => re.test(n))
    .sort()
    .map((n) => (slash < 0 ? n : `${pattern.slice(0, slash)}/${n}`));
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
