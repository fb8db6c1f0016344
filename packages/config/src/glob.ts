// Prometheus uses Go's filepath.Glob for rule_files, scrape_config_files and file_sd files:
// `*`, `?` and `[...]` per path element, no `**`, results sorted per directory. Pure matching here;
// the directory walk takes the file system functions it needs.

/** Whether `s` contains a glob meta character (Go's hasMeta). */
export function hasGlobMeta(s: string): boolean {
  return /[*?[\\]/.test(s);
}

/** A malformed pattern (Go's filepath.ErrBadPattern). */
export class GlobPatternError extends Error {
  override readonly name = 'GlobPatternError';
  constructor(readonly pattern: string) {
    super('syntax error in pattern');
  }
}

/**
 * Go's filepath.Match for one path element: `*` any run of non-`/` characters, `?` one character,
 * `[a-z]` / `[^a-z]` classes, `\\` escapes. Throws {@link GlobPatternError} for a malformed
 * pattern.
 */
export function globMatch(pattern: string, name: string): boolean {
  return new RegExp(`^${globToRegExpSource(pattern)}$`, 'su').test(name);
}

function globToRegExpSource(pattern: string): string {
  let out = '';
  const p = [...pattern];
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '\\') {
      const next = p[++i];
      if (next === undefined) throw new GlobPatternError(pattern);
      out += escapeRe(next);
    } else if (c === '[') {
      let j = i + 1;
      let cls = '';
      if (p[j] === '^') {
        cls += '^';
        j++;
      }
      let first = true;
      for (;;) {
        const d = p[j];
        if (d === undefined) throw new GlobPatternError(pattern);
        if (d === ']' && !first) break;
        first = false;
        let lo = d;
        if (d === '\\') {
          lo = p[++j] ?? '';
          if (lo === '') throw new GlobPatternError(pattern);
        }
        j++;
        if (p[j] === '-' && p[j + 1] !== undefined && p[j + 1] !== ']') {
          let hi = p[j + 1]!;
          j += 2;
          if (hi === '\\') {
            hi = p[j++] ?? '';
            if (hi === '') throw new GlobPatternError(pattern);
          }
          if (hi < lo) throw new GlobPatternError(pattern);
          cls += `${escapeClass(lo)}-${escapeClass(hi)}`;
        } else cls += escapeClass(lo);
      }
      out += cls === '^' ? '[^/]' : `[${cls.startsWith('^') ? `^/${cls.slice(1)}` : cls}]`;
      i = j;
    } else out += escapeRe(c);
  }
  return out;
}

function escapeRe(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c;
}

function escapeClass(c: string): string {
  return /[\\\][^-]/.test(c) ? `\\${c}` : c;
}

/** The file system calls {@link glob} needs. */
export interface GlobFS {
  /** Whether the path exists (Go's os.Lstat succeeds). */
  exists(path: string): Promise<boolean>;
  /** The entry names of a directory; rejects when it is not one. */
  readdir(path: string): Promise<string[]>;
}

/** Go's filepath.Glob for `/`-separated paths: matching paths, sorted per directory. */
export async function glob(pattern: string, fs: GlobFS): Promise<string[]> {
  if (!hasGlobMeta(pattern)) return (await fs.exists(pattern)) ? [pattern] : [];
  globToRegExpSource(pattern); // Reject a malformed pattern before touching the disk.
  const slash = pattern.lastIndexOf('/');
  const dir = slash < 0 ? '.' : slash === 0 ? '/' : pattern.slice(0, slash);
  const file = pattern.slice(slash + 1);
  const dirs = hasGlobMeta(dir) ? await glob(dir, fs) : [dir];
  const out: string[] = [];
  for (const d of dirs) {
    let names: string[];
    try {
      names = await fs.readdir(d);
    } catch {
      continue; // Go's glob ignores I/O errors: a non-directory or unreadable one matches nothing.
    }
    names.sort();
    for (const n of names) {
      if (globMatch(file, n)) out.push(slash < 0 ? n : d === '/' ? `/${n}` : `${d}/${n}`);
    }
  }
  return out;
}
