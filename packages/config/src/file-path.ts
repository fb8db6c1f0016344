// Prometheus: prometheus/common config.JoinDir. Relative file paths in a configuration file are
// relative to the file's directory; pure string work so the loader needs no `node:path`.

/** Joins `p` onto `dir` unless it is empty or absolute, then cleans it as Go's filepath.Join. */
export function joinDir(dir: string | undefined, p: string): string {
  if (p === '' || dir === undefined || dir === '' || p.startsWith('/')) return p;
  return cleanPath(`${dir}/${p}`);
}

/** Go's path.Clean for slash-separated paths: collapses `//`, `.` and `..`. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}
